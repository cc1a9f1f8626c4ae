// SPDX-License-Identifier: GPL-2.0-or-later
// vigild's command line, compatible with keepalived(8): the same options, the
// same defaults and the same `-t` exit codes, plus vigil's own `--dump-conf=json`
// and `--strict`. Options are parsed with glibc's getopt_long, which is what
// keepalived itself uses, so bundled short options (-DlnP) and the optional
// arguments (-t[FILE], --dump-conf[=json]) behave exactly the same.
#include <getopt.h>
#include <net/if.h>
#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "vigil/config/dump.hpp"
#include "vigil/config/load.hpp"
#include "vigil/daemon/cli.hpp"

int main(int argc, char** argv) {
  return vigil::daemon::run_cli(argc, argv, std::cout, std::cerr);
}
