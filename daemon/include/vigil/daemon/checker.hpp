// SPDX-License-Identifier: GPL-2.0-or-later
// Running vigild: the daemon itself (the VRRP half unless -C, the IPVS/checker
// half unless -P, on one Asio loop; see daemon/src/daemon.cpp), its IPVS dry
// run, and the `vigild ipvs` listing tool.
#pragma once

#include <functional>
#include <iosfwd>

#include "vigil/config/load.hpp"
#include "vigil/daemon/cli.hpp"

namespace vigil::daemon {

/// Reads and validates the configuration named on the command line (again on reload).
using ConfigLoader = std::function<config::LoadResult()>;

/// Runs the daemon until stopped; returns the exit status. With --dry-run,
/// prints the IPVS ops it would send to an empty table as `ipvsadm -R` input on
/// `out` and returns.
int run_checker(const CliOptions& opts, const ConfigLoader& load, config::LoadResult first,
                std::ostream& out);

/// `vigild ipvs ...`: prints the live IPVS table (ipvsadm -Ln, --stats,
/// --rate, -Sn, or JSON). argv[0] is "ipvs".
int run_ipvs_tool(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace vigil::daemon
