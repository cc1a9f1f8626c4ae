// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/daemon/checker.hpp"

#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <string>

#include "vigil/config/diagnostic.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/dry_run.hpp"
#include "vigil/ipvs/format.hpp"
#include "vigil/ipvs/netlink_backend.hpp"
#include "vigil/ipvs/reconciler.hpp"
#include "vigil/runtime/log.hpp"

namespace vigil::daemon {

namespace asio = boost::asio;

namespace {

/// Why a sync ran: decides how its ops are logged.
enum class SyncKind { Start, Reload, Resync, Release };

const char* kind_name(SyncKind k) {
  switch (k) {
    case SyncKind::Start:
      return "start";
    case SyncKind::Reload:
      return "reload";
    case SyncKind::Resync:
      return "resync";
    case SyncKind::Release:
      return "release";
  }
  return "sync";
}

class CheckerDaemon {
 public:
  CheckerDaemon(asio::io_context& io, const CliOptions& opts, const ConfigLoader& load,
                ipvs::Backend& backend)
      : io_(io),
        opts_(opts),
        load_(load),
        backend_(backend),
        reconciler_(backend),
        resync_timer_(io),
        signals_(io, SIGHUP, SIGTERM, SIGINT) {}

  void start(const config::Model& model) {
    global_ = model.global;
    wait_signal();
    const Mark before = mark();
    ipvs::SyncReport r =
        reconciler_.start(ipvs::desired_state(model), model.global.global_defs.lvs_flush);
    report(SyncKind::Start, r, before);
    arm_resync();
  }

 private:
  void arm_resync() {
    resync_timer_.expires_after(opts_.ipvs_resync);
    resync_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      const Mark before = mark();
      report(SyncKind::Resync, reconciler_.resync(), before);
      arm_resync();
    });
  }

  void wait_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) {
        return;
      }
      if (sig == SIGHUP) {
        reload();
        wait_signal();
        return;
      }
      stop(sig);
    });
  }

  void reload() {
    log::notice("Reloading configuration");
    config::LoadResult r = load_();
    for (const auto& d : r.diags.all()) {
      log::write(d.severity >= config::Severity::Error ? log::Level::Error : log::Level::Warning,
                 config::format(d));
    }
    if (r.diags.has_errors()) {
      log::error("reload rejected: the new configuration has errors; keeping the running one");
      return;
    }
    global_ = r.model.global;
    const Mark before = mark();
    report(SyncKind::Reload, reconciler_.update(ipvs::desired_state(r.model)), before);
  }

  void stop(int sig) {
    log::notice("Stopping on signal {}", sig);
    resync_timer_.cancel();
    signals_.cancel();
    if (opts_.dont_release_ipvs) {
      log::notice("ipvs: leaving the table in place (--dont-release-ipvs)");
    } else {
      const bool flush_all =
          global_.global_defs.lvs_flush_on_stop && !global_.global_defs.lvs_flush_on_stop_vs;
      const Mark before = mark();
      report(SyncKind::Release, reconciler_.release(flush_all), before);
    }
    io_.stop();
  }

  /// Where a sync started: the backend's request count and the time.
  struct Mark {
    std::uint64_t requests;
    std::chrono::steady_clock::time_point at;
  };
  Mark mark() const { return {backend_.requests_sent(), std::chrono::steady_clock::now()}; }

  /// Logs a sync that started at `before`. Netlink calls block the loop, so a
  /// sync that held it longer than 50 ms says so.
  void report(SyncKind kind, const ipvs::SyncReport& r, const Mark& before) {
    const auto held = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - before.at);
    if (kind == SyncKind::Resync) {
      // Logged on the transition only: every resync of a big table is slow.
      const bool slow = held > std::chrono::milliseconds(50);
      if (slow && !slow_resync_) {
        log::warning("ipvs: a resync holds the event loop for {} ms (over 50 ms)", held.count());
      }
      slow_resync_ = slow;
    }
    if (r.read_error) {
      const std::string text = r.read_error->text();
      if (text != last_read_error_) {
        log::error("ipvs: {}: cannot read the kernel table: {}", kind_name(kind), text);
      }
      last_read_error_ = text;
      return;
    }
    last_read_error_.clear();
    std::set<std::string> failing;
    for (const ipvs::Applied& a : r.ops) {
      if (a.error) {
        std::string text = a.error->text();
        // Log a failure when it first happens; the same failure on every
        // retry would flood the log.
        if (last_failures_.count(text) == 0) {
          log::error("ipvs: {} failed: {} (retrying every resync)", kind_name(kind), text);
        }
        failing.insert(std::move(text));
      } else if (kind == SyncKind::Resync) {
        log::warning("ipvs: repaired drift: {} {} (ipvsadm {})", ipvs::op_name(a.op),
                     ipvs::describe(a.op), ipvs::rule(a.op));
      } else {
        log::debug("ipvs: {}: {} {}", kind_name(kind), ipvs::op_name(a.op), ipvs::describe(a.op));
      }
    }
    for (const std::string& gone : last_failures_) {
      if (failing.count(gone) == 0) {
        log::notice("ipvs: no longer failing: {}", gone);
      }
    }
    last_failures_ = std::move(failing);
    if (!r.ops.empty() || r.skipped != 0 || kind != SyncKind::Resync) {
      log::info(
          "ipvs: {}: {} op(s) applied, {} failed, {} skipped ({} netlink request(s)) in {} ms",
          kind_name(kind), r.succeeded(), r.failed(), r.skipped,
          backend_.requests_sent() - before.requests, held.count());
    }
  }

  asio::io_context& io_;
  const CliOptions& opts_;
  const ConfigLoader& load_;
  ipvs::Backend& backend_;
  ipvs::Reconciler reconciler_;
  asio::steady_timer resync_timer_;
  asio::signal_set signals_;
  config::GlobalConfig global_;
  std::set<std::string> last_failures_;
  std::string last_read_error_;
  bool slow_resync_ = false;
};

/// Detaches from the terminal as keepalived does without -n.
bool daemonize() {
  const pid_t pid = ::fork();
  if (pid < 0) {
    return false;
  }
  if (pid > 0) {
    ::_exit(0);
  }
  ::setsid();
  if (::chdir("/") != 0) {
    return false;
  }
  const int fd = ::open("/dev/null", O_RDWR);
  if (fd >= 0) {
    ::dup2(fd, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (fd > 2) {
      ::close(fd);
    }
  }
  return true;
}

}  // namespace

int run_checker(const CliOptions& opts, const ConfigLoader& load, config::LoadResult first,
                std::ostream& out) {
  if (opts.dry_run) {
    ipvs::DryRunBackend dry(&out);
    ipvs::Reconciler rec(dry);
    ipvs::SyncReport r =
        rec.start(ipvs::desired_state(first.model), first.model.global.global_defs.lvs_flush);
    return r.clean() ? kExitOk : kExitFatal;
  }

  log::Options lo;
  lo.console = opts.log_console;
  lo.syslog = !opts.no_syslog;
  lo.detail = opts.log_detail;
  log::init(lo);

  auto backend = ipvs::open_netlink_backend();
  if (!backend.ok()) {
    log::error("ipvs: {}", backend.error().text());
    return kExitFatal;
  }
  if (!opts.dont_fork && !daemonize()) {
    log::error("cannot detach from the terminal");
    return kExitFatal;
  }
  std::ofstream(opts.checkers_pid_file) << ::getpid() << "\n";

  log::notice("Starting vigild {} (IPVS/checker half)", VIGIL_VERSION);
  asio::io_context io(1);
  CheckerDaemon daemon(io, opts, load, *backend.value());
  daemon.start(first.model);
  io.run();
  ::unlink(opts.checkers_pid_file.c_str());
  log::notice("Stopped");
  return kExitOk;
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
