// SPDX-License-Identifier: GPL-2.0-or-later
// `vigild -C`: the checker/IPVS half of the daemon on one Asio loop. It
// programs the kernel's IPVS table from the virtual_server blocks, repairs
// drift every resync interval, reloads on SIGHUP and releases its services on
// SIGTERM/SIGINT (unless -I).
#pragma once

#include <functional>
#include <iosfwd>

#include "vigil/config/load.hpp"
#include "vigil/daemon/cli.hpp"

namespace vigil::daemon {

/// Reads and validates the configuration named on the command line (again on reload).
using ConfigLoader = std::function<config::LoadResult()>;

/// Runs the checker/IPVS half until stopped; returns the exit status. With
/// --dry-run, prints the ops it would send to an empty table as `ipvsadm -R`
/// input on `out` and returns.
int run_checker(const CliOptions& opts, const ConfigLoader& load, config::LoadResult first,
                std::ostream& out);

/// `vigild ipvs ...`: prints the live IPVS table (ipvsadm -Ln, --stats,
/// --rate, -Sn, or JSON). argv[0] is "ipvs".
int run_ipvs_tool(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace vigil::daemon
