// SPDX-License-Identifier: GPL-2.0-or-later
// The composition root: one process, one Asio loop. It owns the signals and the
// configuration, starts the halves the command line asks for (VRRP unless -C,
// IPVS/checkers unless -P), reloads them on SIGHUP with a validated model, and
// stops them on SIGTERM/SIGINT: VRRP first, so the peer takes the VIPs over
// at once (priority 0), then IPVS. keepalived's other signals: SIGUSR1 (DATA),
// SIGUSR2 (STATS) and SIGRTMIN+2 (JSON) write the state dumps, SIGRTMAX-1
// (STATS_CLEAR) zeroes the counters. systemd hears READY/RELOADING/STOPPING.
#include "daemon.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "control.hpp"
#include "dumps.hpp"
#include "ipvs_half.hpp"
#include "metrics.hpp"
#include "notify.hpp"
#include "state.hpp"
#include "threaded_half.hpp"
#include "vigil/config/diagnostic.hpp"
#include "vigil/runtime/log.hpp"
#include "vrrp_half.hpp"

namespace vigil::daemon {

namespace asio = boost::asio;

namespace {

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

/// Writes a pid file and removes it when destroyed.
class PidFile {
 public:
  explicit PidFile(std::string path) : path_(std::move(path)) {
    std::ofstream(path_) << ::getpid() << "\n";
  }
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  PidFile(PidFile&&) = delete;
  PidFile& operator=(PidFile&&) = delete;
  ~PidFile() { ::unlink(path_.c_str()); }

 private:
  std::string path_;
};

class Root {
 public:
  Root(asio::io_context& io, const CliOptions& opts, const ConfigLoader& load,
       std::vector<std::unique_ptr<Half>> halves)
      : io_(io),
        opts_(opts),
        load_(load),
        halves_(std::move(halves)),
        signals_(io, SIGHUP, SIGTERM, SIGINT),
        drain_timer_(io),
        started_(std::chrono::steady_clock::now()) {
    // keepalived's numbers (vigild --signum=NAME): SIGRTMIN/SIGRTMAX are
    // run-time values, hence added here rather than in the initialiser.
    signals_.add(SIGUSR1);
    signals_.add(SIGUSR2);
    signals_.add(kSigJson);
    signals_.add(kSigStatsClear);
    // lvs_sync_daemon follows VRRP: every half hears every VRRP state change
    // (only the IPVS half acts on it).
    for (auto& from : halves_) {
      from->set_vrrp_listener([this](const std::string& instance, bool master) {
        for (auto& to : halves_) {
          to->on_vrrp_state(instance, master);
        }
      });
    }
  }

  Root(const Root&) = delete;
  Root& operator=(const Root&) = delete;
  Root(Root&&) = delete;
  Root& operator=(Root&&) = delete;
  ~Root() {
    if (loader_.joinable()) {
      loader_.join();
    }
  }

  /// The daemon's whole state, for the control socket, the metrics endpoint
  /// and the signal dumps.
  [[nodiscard]] State state() const {
    State s;
    s.daemon.pid = static_cast<int>(::getpid());
    s.daemon.version = VIGIL_VERSION;
    s.daemon.config_file = opts_.use_file;
    s.daemon.uptime_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    s.daemon.reloads = reloads_;
    s.daemon.reloads_failed = reloads_failed_;
    for (const auto& h : halves_) {
      s.daemon.vrrp = s.daemon.vrrp || h->name() == "vrrp";
      s.daemon.ipvs = s.daemon.ipvs || h->name() == "ipvs";
      h->snapshot(s);
    }
    return s;
  }

  /// What a reload would change now, without changing anything: the
  /// configuration on disk is loaded and validated (off the loop, as for a
  /// reload); with errors, `ok` is false and the lines are its diagnostics.
  struct Preview {
    bool ok = true;
    std::vector<std::string> lines;
  };
  using PreviewDone = std::function<void(Preview)>;
  /// `done` runs on the loop, once. Previews asked for while a load runs wait
  /// for the next one (the file may have changed since that one began).
  void preview(PreviewDone done) {
    if (stopping_) {
      done(Preview{false, {"vigild is stopping"}});
      return;
    }
    previews_next_.push_back(std::move(done));
    start_load();
  }

  /// systemd's STATUS= line while running: which halves run.
  [[nodiscard]] std::string running_status() const {
    std::string halves;
    for (const auto& h : halves_) {
      halves += halves.empty() ? "" : " and ";
      halves += h->name() == "vrrp" ? "VRRP" : "IPVS/checkers";
    }
    return "Running: " + halves;
  }

  void clear_stats() {
    for (auto& h : halves_) {
      h->clear_stats();
    }
  }

  void start(const config::Model& model) {
    wait_signal();
    for (auto& h : halves_) {
      h->start(model);
    }
  }

 private:
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
      if (sig == SIGUSR1 || sig == SIGUSR2 || sig == kSigJson) {
        dump(sig == SIGUSR1 ? DumpKind::Data : (sig == SIGUSR2 ? DumpKind::Stats : DumpKind::Json));
        wait_signal();
        return;
      }
      if (sig == kSigStatsClear) {
        log::notice("Clearing statistics");
        clear_stats();
        wait_signal();
        return;
      }
      stop(sig);
    });
  }

  /// Renders the state and writes it where keepalived would (in --dump-dir).
  void dump(DumpKind kind) {
    std::string error;
    const auto path =
        write_dump(opts_.dump_dir, dump_file_name(kind), render_dump(kind, state()), error);
    if (path) {
      log::notice("Wrote {}", *path);
    } else {
      log::error("dump failed: {}", error);
    }
  }

  /// SIGHUP. Reading and validating the new configuration happens on a worker
  /// thread: for a big configuration it takes long enough (0.4 s for 10,000
  /// virtual servers, seconds on a starved machine) that checkers would time
  /// out and the control socket stall. The loop keeps running the old
  /// configuration meanwhile; the result is applied on the loop (and the VRRP
  /// half's part of it on its own thread). A SIGHUP that arrives during a load
  /// makes one more load after it (the file may have changed again).
  void reload() {
    reload_next_ = true;
    start_load();
  }

  /// Starts a load on the worker for the reload and the previews waiting, if
  /// any wait and no load runs (loaded() calls it again when one ends). One
  /// load at a time: the loader is not asked to be thread-safe with itself.
  void start_load() {
    if (loader_.joinable() || stopping_ || (!reload_next_ && previews_next_.empty())) {
      return;
    }
    reload_now_ = std::exchange(reload_next_, false);
    previews_now_ = std::exchange(previews_next_, {});
    if (reload_now_) {
      log::notice("Reloading configuration");
      notify::reloading();
    }
    load_began_ = std::chrono::steady_clock::now();
    loader_ = std::thread([this] {
      auto r = std::make_shared<config::LoadResult>(load_());
      asio::post(io_, [this, r] { loaded(std::move(*r)); });
    });
  }

  /// On the loop: the worker's result.
  void loaded(config::LoadResult r) {
    // stop() may have joined the worker already (a stop during the load, with
    // the loop kept up for omega's scripts): then only the result is dropped.
    if (loader_.joinable()) {
      loader_.join();
    }
    if (stopping_) {
      return;
    }
    log::info("Configuration read and checked in {} ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - load_began_)
                  .count());
    // The previews first: they show what this load changes from the running
    // configuration, before a reload of the same load applies it.
    if (!previews_now_.empty()) {
      const Preview p = preview_of(r);
      for (PreviewDone& done : std::exchange(previews_now_, {})) {
        done(p);
      }
    }
    if (std::exchange(reload_now_, false)) {
      reload_apply(std::move(r));
      // READY=1 in either case: a rejected configuration leaves the running
      // one, and the daemon is as ready as before; STATUS says which.
      const bool rejected = reloads_failed_ > failed_before_;
      failed_before_ = reloads_failed_;
      notify::ready(rejected ? running_status() + "; the last reload was rejected"
                             : running_status());
    }
    start_load();
  }

  /// The preview of a load. Never throws: it runs on the loop, outside any
  /// request's handler.
  [[nodiscard]] Preview preview_of(const config::LoadResult& r) const {
    try {
      return preview_or_throw(r);
    } catch (const std::exception& e) {
      return Preview{false, {std::string("internal error: ") + e.what()}};
    }
  }
  [[nodiscard]] Preview preview_or_throw(const config::LoadResult& r) const {
    Preview p;
    for (const auto& d : r.diags.all()) {
      p.lines.push_back(config::format(d));
    }
    if (r.diags.has_errors()) {
      p.ok = false;
      return p;
    }
    for (const auto& h : halves_) {
      for (std::string& line : h->preview(r.model)) {
        p.lines.push_back(std::move(line));
      }
    }
    return p;
  }

  void reload_apply(config::LoadResult r) {
    for (const auto& d : r.diags.all()) {
      log::write(d.severity >= config::Severity::Error ? log::Level::Error : log::Level::Warning,
                 config::format(d));
    }
    if (r.diags.has_errors()) {
      ++reloads_failed_;
      log::error("reload rejected: the new configuration has errors; keeping the running one");
      return;
    }
    ++reloads_;
    for (auto& h : halves_) {
      h->reload(r.model);
    }
  }

  void stop(int sig) {
    log::notice("Stopping on signal {}", sig);
    // A load still running is waited for and its result dropped.
    stopping_ = true;
    if (loader_.joinable()) {
      loader_.join();
    }
    for (auto* waiting : {&previews_now_, &previews_next_}) {
      for (PreviewDone& done : std::exchange(*waiting, {})) {
        done(Preview{false, {"vigild is stopping"}});
      }
    }
    notify::stopping();
    signals_.cancel();
    for (auto& h : halves_) {
      h->stop();
    }
    drain_until_ = std::chrono::steady_clock::now() + kDrainLimit;
    drain();
  }

  /// Keeps the loop running while a stopped half still has children to reap
  /// (omega's scripts), so they are not killed by our exit, up to kDrainLimit.
  void drain() {
    const bool busy = std::any_of(halves_.begin(), halves_.end(),
                                  [](const std::unique_ptr<Half>& h) { return h->busy(); });
    if (!busy || std::chrono::steady_clock::now() >= drain_until_) {
      io_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(20));
    drain_timer_.async_wait([this](const boost::system::error_code&) { drain(); });
  }

  static constexpr std::chrono::milliseconds kDrainLimit{1000};
  // Not constexpr: glibc's SIGRTMIN/SIGRTMAX are function calls.
  const int kSigJson = SIGRTMIN + 2;
  const int kSigStatsClear = SIGRTMAX - 1;

  asio::io_context& io_;
  const CliOptions& opts_;
  const ConfigLoader& load_;
  std::vector<std::unique_ptr<Half>> halves_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point drain_until_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t reloads_ = 0;
  std::uint64_t reloads_failed_ = 0;
  std::uint64_t failed_before_ = 0;
  std::thread loader_;                                ///< the configuration load, while it runs
  std::chrono::steady_clock::time_point load_began_;  ///< when it began
  bool reload_now_ = false;                           ///< the running load is for a reload
  bool reload_next_ = false;                ///< a SIGHUP came since: one more load for a reload
  std::vector<PreviewDone> previews_now_;   ///< answered by the running load
  std::vector<PreviewDone> previews_next_;  ///< asked for since: the next load
  bool stopping_ = false;
};

}  // namespace

int run_daemon(const CliOptions& opts, const ConfigLoader& load, const config::LoadResult& first) {
  log::Options lo;
  lo.console = opts.log_console;
  lo.syslog = !opts.no_syslog;
  lo.detail = opts.log_detail;
  log::init(lo);

  const bool want_vrrp = !opts.check_only;
  const bool want_ipvs = !opts.vrrp_only;

  asio::io_context io(1);
  std::vector<std::unique_ptr<Half>> halves;
  // VRRP first: it is stopped first.
  if (want_vrrp) {
    // On a thread of its own (threaded_half.hpp): the IPVS half's netlink
    // calls and the checkers never delay an advert.
    auto h = ThreadedHalf::make(
        io, [&opts](asio::io_context& vrrp_io) { return make_vrrp_half(vrrp_io, opts); });
    if (!h) {
      return kExitFatal;
    }
    halves.push_back(std::move(h));
  }
  if (want_ipvs) {
    auto h = make_ipvs_half(io, opts);
    if (!h) {
      return kExitFatal;
    }
    halves.push_back(std::move(h));
  }
  // The control socket and the metrics listener are bound before we detach,
  // so a bad --metrics-listen is reported on the terminal. They answer only
  // once the loop runs, when `root` is set.
  Root* root_ptr = nullptr;
  auto state_fn = [&root_ptr]() { return root_ptr->state(); };
  std::unique_ptr<ControlServer> control;
  if (!opts.control_socket.empty()) {
    control = std::make_unique<ControlServer>(
        io, ControlHandlers{state_fn, [&root_ptr](std::function<void(ControlPreview)> done) {
                              root_ptr->preview([done = std::move(done)](Root::Preview p) {
                                done(ControlPreview{p.ok, std::move(p.lines)});
                              });
                            }});
    // Not fatal: several daemons may share a host's /run (tests, namespaces).
    if (std::string why = control->start(opts.control_socket); !why.empty()) {
      log::warning("control socket: {}; `vigild status` will not reach this daemon", why);
      control.reset();
    }
  }
  std::unique_ptr<MetricsServer> metrics;
  if (opts.metrics_listen) {
    std::string why;
    const auto at = parse_listen_address(*opts.metrics_listen, why);
    metrics = std::make_unique<MetricsServer>(io, state_fn);
    if (at) {
      why = metrics->start(*at);
    }
    if (!why.empty()) {
      log::error("--metrics-listen={}: {}", *opts.metrics_listen, why);
      return kExitFatal;
    }
  }
  if (!opts.dont_fork && !daemonize()) {
    log::error("cannot detach from the terminal");
    return kExitFatal;
  }
  std::vector<std::unique_ptr<PidFile>> pids;
  pids.push_back(std::make_unique<PidFile>(opts.pid_file));
  if (want_vrrp) {
    pids.push_back(std::make_unique<PidFile>(opts.vrrp_pid_file));
  }
  if (want_ipvs) {
    pids.push_back(std::make_unique<PidFile>(opts.checkers_pid_file));
  }

  log::notice("Starting vigild {}{}", VIGIL_VERSION,
              want_vrrp && want_ipvs ? "" : (want_vrrp ? " (VRRP half)" : " (IPVS/checker half)"));
  Root root(io, opts, load, std::move(halves));
  root_ptr = &root;
  root.start(first.model);
  // systemd: both halves have started.
  notify::ready(root.running_status());
  io.run();
  // The socket file goes with the daemon (a killed daemon's is replaced at the next start).
  if (control) {
    control->stop();
  }
  if (metrics) {
    metrics->stop();
  }
  log::notice("Stopped");
  return kExitOk;
}

}  // namespace vigil::daemon
