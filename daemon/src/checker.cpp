// SPDX-License-Identifier: GPL-2.0-or-later
// Entry points behind the command line: the daemon (or its IPVS dry run) and
// the `vigild ipvs` listing tool.
#include "vigil/daemon/checker.hpp"

#include <memory>
#include <ostream>
#include <string>

#include "daemon.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"
#include "vigil/ipvs/netlink_backend.hpp"
#include "vigil/ipvs/reconciler.hpp"

namespace vigil::daemon {

int run_checker(const CliOptions& opts, const ConfigLoader& load, config::LoadResult first,
                std::ostream& out) {
  if (opts.dry_run) {
    ipvs::DryRunBackend dry(&out);
    ipvs::Reconciler rec(dry);
    ipvs::SyncReport r =
        rec.start(ipvs::desired_state(first.model), first.model.global.global_defs.lvs_flush);
    return r.clean() ? kExitOk : kExitFatal;
  }

  return run_daemon(opts, load, first);
}

int run_ipvs_tool(int argc, char** argv, std::ostream& out, std::ostream& err) {
  enum Mode { List, Save };
  Mode mode = List;
  ipvs::ListMode list_mode = ipvs::ListMode::Plain;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "list" || a == "-L" || a == "-l" || a == "--list") {
      mode = List;
    } else if (a == "save" || a == "-S" || a == "--save") {
      mode = Save;
    } else if (a == "-Ln" || a == "-nL") {
      mode = List;
    } else if (a == "-Sn" || a == "-nS") {
      mode = Save;
    } else if (a == "-n" || a == "--numeric") {
      // Always numeric.
    } else if (a == "--stats") {
      list_mode = ipvs::ListMode::Stats;
    } else if (a == "--rate") {
      list_mode = ipvs::ListMode::Rate;
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      out << "Usage: vigild ipvs [list|save] [--stats|--rate] [--json]\n"
             "  list     the live IPVS table as `ipvsadm -Ln` prints it (default)\n"
             "  save     the table as `ipvsadm -Sn` rules\n"
             "  --stats  with traffic counters (ipvsadm -Ln --stats)\n"
             "  --rate   with rate estimates (ipvsadm -Ln --rate)\n"
             "  --json   everything, as JSON\n";
      return kExitOk;
    } else {
      err << "vigild ipvs: unknown argument '" << a << "' (try vigild ipvs --help)\n";
      return kExitProgramError;
    }
  }
  auto backend = ipvs::open_netlink_backend();
  if (!backend.ok()) {
    err << "vigild ipvs: " << backend.error().text() << "\n";
    return kExitFatal;
  }
  auto table = backend.value()->dump();
  if (!table.ok()) {
    err << "vigild ipvs: " << table.error().text() << "\n";
    return kExitFatal;
  }
  if (mode == Save) {
    out << ipvs::save(table.value());
    return kExitOk;
  }
  auto info = backend.value()->info();
  if (!info.ok()) {
    err << "vigild ipvs: " << info.error().text() << "\n";
    return kExitFatal;
  }
  out << (json ? ipvs::list_json(table.value(), info.value())
               : ipvs::list(table.value(), info.value(), list_mode));
  return kExitOk;
}

}  // namespace vigil::daemon
