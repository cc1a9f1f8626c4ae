// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS/checker half (`-C`): programs the kernel's IPVS table from the
// virtual_server blocks and the health checkers' verdicts, repairs drift every
// resync interval, applies reloads (unchanged checkers keep their state) and
// releases its services on stop (unless -I). Checker verdicts go through the
// HealthBook into ipvs::desired_state, so a dead real server, a lost quorum and
// the sorry server are one reconciler update each; notify_up/notify_down and
// quorum_up/quorum_down scripts run on the changes, and `omega` runs the down
// scripts at shutdown.
#include "ipvs_half.hpp"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/hc/health.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/engine.hpp"
#include "vigil/hc/io/probe.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/drain.hpp"
#include "vigil/ipvs/format.hpp"
#include "vigil/ipvs/netlink_backend.hpp"
#include "vigil/ipvs/reconciler.hpp"
#include "vigil/runtime/log.hpp"
#include "vigil/vrrp/command.hpp"
#include "vigil/vrrp/io/notify.hpp"
#include "vigil/vrrp/io/process.hpp"

namespace vigil::daemon {

namespace asio = boost::asio;

namespace {

/// Why a sync ran: decides how its ops are logged.
enum class SyncKind { Start, Reload, Resync, Release, Health, Drain, Vrrp };

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
    case SyncKind::Health:
      return "health change";
    case SyncKind::Drain:
      return "drain end";
    case SyncKind::Vrrp:
      return "sync daemon role";
  }
  return "sync";
}

class IpvsHalf final : public Half {
 public:
  IpvsHalf(asio::io_context& io, const CliOptions& opts, std::unique_ptr<ipvs::Backend> backend)
      : io_(io),
        opts_(opts),
        backend_(std::move(backend)),
        reconciler_(*backend_),
        resync_timer_(io),
        drain_timer_(io),
        drainer_(opts.drain_timeout),
        processes_(io),
        curl_(io),
        env_{io, &curl_, processes_, &model_},
        engine_(
            io, [this](const hc::CheckDef& def) { return hc::io::make_probe(env_, def); }, {},
            [this](const std::vector<hc::io::VerdictChange>& changes) { on_verdicts(changes); }) {}

  void start(const config::Model& model) override {
    model_ = model;
    start_fifo();
    apply_checks();
    const Mark before = mark();
    ipvs::SyncReport r = reconciler_.start(desired(), model_.global.global_defs.lvs_flush);
    report(SyncKind::Start, r, before);
    running_ = true;
    arm_resync();
  }

  std::string_view name() const override { return "ipvs"; }
  void snapshot(State& out) const override;
  [[nodiscard]] std::vector<std::string> preview(const config::Model& next) const override;
  void clear_stats() override { engine_.clear_stats(); }
  void on_vrrp_state(const std::string& instance, bool master) override;
  bool busy() const override { return processes_.running() != 0; }

 private:
  /// The desired table for the current model and verdicts, with the drains
  /// and the sync daemon role; records the quorum states and runs
  /// quorum_up/quorum_down for the changes.
  ipvs::Desired desired() {
    ipvs::Desired d = ipvs::desired_state(model_, book_.health_view(), book_.quorum_view());
    record_quorum(d);
    finish(d, model_, drainer_);
    return d;
  }

  void record_quorum(const ipvs::Desired& d) {
    for (const hc::QuorumEvent& e : book_.record_quorum(d)) {
      const config::VirtualServer& vs = model_.lvs.virtual_server[e.vs_index];
      log::notice("ipvs: {}: quorum {}", vs_name(vs), e.up ? "regained" : "lost");
      run_quorum_script(e);
      fifo_quorum_line(e);
    }
  }

  /// What every desired table gets on top of desired_state(): the draining
  /// real servers at weight 0, and the sync daemon role VRRP gives.
  void finish(ipvs::Desired& d, const config::Model& m, const ipvs::Drainer& drainer) const {
    drainer.overlay(d.table);
    d.sync_daemons = ipvs::sync_daemons(m, sync_role(m));
  }

  /// The desired table right after a reload to `m`, as reload() programs it
  /// and preview() shows it (one code path, so the preview cannot differ):
  /// `book` holds the new checkers' verdicts, `drainer` starts and ends the
  /// drains the reload causes (returned as events).
  ipvs::Desired reload_desired(const config::Model& m, const hc::HealthBook& book,
                               ipvs::Drainer& drainer,
                               std::vector<ipvs::DrainEvent>& events) const {
    ipvs::Desired d = ipvs::desired_state(m, book.health_view(), book.quorum_view());
    events = drainer.reload(reconciler_.desired().table, d.table, ipvs::declared_dests(m),
                            ipvs::DrainClock::now());
    finish(d, m, drainer);
    return d;
  }

  /// The sync daemon role for `m`: master while the instance lvs_sync_daemon
  /// follows is MASTER (as the VRRP half last said), else backup.
  ipvs::SyncDaemon::Role sync_role(const config::Model& m) const {
    const auto it = vrrp_master_.find(ipvs::sync_daemon_instance(m));
    return it != vrrp_master_.end() && it->second ? ipvs::SyncDaemon::Role::Master
                                                  : ipvs::SyncDaemon::Role::Backup;
  }

  /// One table update for everything that asks for one in the same turn of
  /// the loop; none once stopped (the table is released then).
  void post_update(SyncKind kind) {
    if (update_posted_) {
      return;
    }
    update_posted_ = true;
    asio::post(io_, [this, kind] {
      update_posted_ = false;
      if (!running_) {
        return;
      }
      const Mark before = mark();
      report(kind, reconciler_.update(desired()), before);
    });
  }

  void log_drains(const std::vector<ipvs::DrainEvent>& events) const {
    const auto secs = [](ipvs::DrainClock::duration d) {
      return std::chrono::duration_cast<std::chrono::seconds>(d).count();
    };
    for (const ipvs::DrainEvent& e : events) {
      const std::string what = ipvs::describe(e.service, e.dest);
      switch (e.kind) {
        case ipvs::DrainEvent::Kind::Started:
          log::notice("ipvs: draining {}: weight 0 until its connections end (at most {} s)", what,
                      secs(drainer_.timeout()));
          break;
        case ipvs::DrainEvent::Kind::Drained:
          log::notice("ipvs: drained {}: no connection left after {} s; deleting it", what,
                      secs(e.elapsed));
          break;
        case ipvs::DrainEvent::Kind::Expired:
          log::notice(
              "ipvs: drain of {} ended: deadline passed after {} s with {} active and {} "
              "inactive connection(s); deleting it",
              what, secs(e.elapsed), e.active_conns, e.inact_conns);
          break;
        case ipvs::DrainEvent::Kind::Readded:
          log::notice("ipvs: drain of {} ended: the configuration names it again", what);
          break;
        case ipvs::DrainEvent::Kind::Abandoned:
          log::notice("ipvs: drain of {} ended: its service or its entry is gone", what);
          break;
      }
    }
  }

  /// While drains are pending: every second, the connection counts of their
  /// services' destinations (one request per such service, not a dump of the
  /// whole table); the drains that end are deleted by one update.
  void arm_drain() {
    if (!drainer_.pending() || drain_armed_ || !running_) {
      return;
    }
    drain_armed_ = true;
    drain_timer_.expires_after(std::chrono::seconds(1));
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
      drain_armed_ = false;
      if (ec || !running_) {
        return;
      }
      ipvs::Result<ipvs::Table> kernel = backend_->dests_of(drainer_.services());
      if (kernel.ok()) {
        const std::vector<ipvs::DrainEvent> events =
            drainer_.tick(kernel.value(), ipvs::DrainClock::now());
        log_drains(events);
        if (!events.empty()) {
          const Mark before = mark();
          report(SyncKind::Drain, reconciler_.update(desired()), before);
        }
      } else {
        log::warning("ipvs: cannot read the kernel table for drains: {}", kernel.error().text());
      }
      arm_drain();
    });
  }

  void on_verdicts(const std::vector<hc::io::VerdictChange>& changes) {
    for (const hc::io::VerdictChange& c : changes) {
      if (const std::optional<hc::CheckerInfo> info = book_.checker(c.checker_id)) {
        log::info("ipvs: {} of {} in {}: {}", hc::kind_name(info->kind), rs_name(*info),
                  vs_name(model_.lvs.virtual_server[info->vs_index]), c.up ? "up" : "down");
      }
      if (std::optional<hc::RsEvent> e = book_.set_verdict(c.checker_id, c.up, c.weight)) {
        run_rs_script(*e);
        fifo_rs_line(*e);
      }
    }
    // One table update for every change that arrives in the same turn of the
    // loop: at start (alpha) or when a switch dies, thousands of verdicts move
    // together, and each update recomputes the whole desired table.
    if (!changes.empty()) {
      post_update(SyncKind::Health);
    }
  }

  /// Plans the current model's checks and hands them to the book and the
  /// engine. Neither keeps the CheckDefs (the book keeps what log lines need),
  /// so they are dropped here: with 10,000 checks they would hold megabytes.
  void apply_checks() {
    const std::vector<hc::CheckDef> checks = hc::plan_checks(model_);
    // Verdicts of checkers still present survive (HealthBook and Engine both
    // key them by id / probe key), so an unchanged checker keeps its state and
    // its real server stays where it was.
    book_.reset(model_, checks);
    engine_.apply(checks);
    log::info("ipvs: {} health check(s) on {} probe(s)", checks.size(), engine_.slots());
  }

  static std::string vs_name(const config::VirtualServer& vs) {
    if (vs.fwmark) {
      return "VS fwmark " + std::to_string(*vs.fwmark);
    }
    if (!vs.group.empty()) {
      return "VS group " + vs.group;
    }
    return "VS [" + (vs.ip ? vs.ip->str() : std::string("?")) +
           "]:" + std::to_string(vs.port.value_or(0));
  }

  std::string rs_name(const hc::CheckerInfo& d) const {
    const config::RealServer& rs = model_.lvs.virtual_server[d.vs_index].real_server[d.rs_index];
    return "RS [" + rs.ip.str() + "]:" + std::to_string(rs.port.value_or(0));
  }

  void run_rs_script(const hc::RsEvent& e,
                     std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const config::RealServer& rs = model_.lvs.virtual_server[e.vs_index].real_server[e.rs_index];
    const config::OptionalScript& script = e.up ? rs.notify_up : rs.notify_down;
    if (script) {
      run_script(*script, e.up ? "notify_up" : "notify_down", timeout);
    }
  }

  void run_quorum_script(const hc::QuorumEvent& e,
                         std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const config::VirtualServer& vs = model_.lvs.virtual_server[e.vs_index];
    const config::OptionalScript& script = e.up ? vs.quorum_up : vs.quorum_down;
    if (script) {
      run_script(*script, e.up ? "quorum_up" : "quorum_down", timeout);
    }
  }

  void run_script(const config::Script& script, const char* what,
                  std::optional<std::chrono::milliseconds> timeout) {
    vrrp::CommandResult cmd =
        vrrp::resolve_command(script, model_.global.global_defs, vrrp::io::host_lookups());
    if (!cmd.ok()) {
      log::error("ipvs: {} '{}' not run: {}", what, script.cmd, cmd.error().text);
      return;
    }
    const std::string line = script.cmd;
    processes_.run(cmd.value(), timeout, [line, what](const vrrp::io::Outcome& o) {
      if (!o.success()) {
        log::warning("ipvs: {} '{}' {}", what, line, vrrp::io::describe(o));
      }
    });
  }

  /// lvs_notify_fifo: opened (and its reader script started) at start and kept
  /// as it is across reloads.
  void start_fifo() {
    const config::GlobalDefs& gd = model_.global.global_defs;
    const vrrp::CommandLookups lookups = vrrp::io::host_lookups();
    std::vector<vrrp::io::NotifyFifo> fifos = vrrp::io::lvs_notify_fifos(
        gd, [&](const config::Script& sc) { return vrrp::resolve_command(sc, gd, lookups); },
        lookups);
    if (!fifos.empty()) {
      fifo_ = std::make_unique<vrrp::io::Notifier>(io_, processes_, std::move(fifos));
      fifo_->start();
    }
  }

  /// keepalived's service text in FIFO lines: "[198.18.0.1]:tcp:80", "FWM 5", "GROUP name".
  static std::string fifo_service(const config::VirtualServer& vs) {
    if (vs.fwmark) {
      return "FWM " + std::to_string(*vs.fwmark);
    }
    if (!vs.group.empty()) {
      return "GROUP " + vs.group;
    }
    return fmt::format("[{}]:{}:{}", vs.ip ? vs.ip->str() : std::string("?"), proto_name(vs),
                       vs.port.value_or(0));
  }

  static const char* proto_name(const config::VirtualServer& vs) {
    switch (vs.protocol.value_or(config::LvsProtocol::UDP)) {
      case config::LvsProtocol::TCP:
        return "tcp";
      case config::LvsProtocol::UDP:
        return "udp";
      case config::LvsProtocol::SCTP:
        return "sctp";
    }
    return "tcp";
  }

  void fifo_rs_line(const hc::RsEvent& e) {
    if (!fifo_) {
      return;
    }
    const config::VirtualServer& vs = model_.lvs.virtual_server[e.vs_index];
    const config::RealServer& rs = vs.real_server[e.rs_index];
    fifo_->fifo_line(fmt::format("RS [{}]:{}:{} {} {}", rs.ip.str(), proto_name(vs),
                                 rs.port.value_or(vs.port.value_or(0)), fifo_service(vs),
                                 e.up ? "UP" : "DOWN"));
  }

  void fifo_quorum_line(const hc::QuorumEvent& e) {
    if (fifo_) {
      fifo_->fifo_line(fmt::format("VS {} {}", fifo_service(model_.lvs.virtual_server[e.vs_index]),
                                   e.up ? "UP" : "DOWN"));
    }
  }

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

  void reload(const config::Model& model) override {
    model_ = model;
    apply_checks();
    std::vector<ipvs::DrainEvent> events;
    ipvs::Desired d = reload_desired(model_, book_, drainer_, events);
    record_quorum(d);
    log_drains(events);
    const Mark before = mark();
    report(SyncKind::Reload, reconciler_.update(std::move(d)), before);
    arm_drain();
  }

  void stop() override {
    running_ = false;
    resync_timer_.cancel();
    drain_timer_.cancel();
    engine_.stop();
    // omega: the down notifiers of virtual servers that ask for them. They get
    // a second (as notify_stop does), and the root waits for them (busy()).
    for (const hc::RsEvent& e : book_.omega_rs_events()) {
      run_rs_script(e, vrrp::io::kStopScriptTimeout);
      fifo_rs_line(e);
    }
    for (const hc::QuorumEvent& e : book_.omega_quorum_events()) {
      run_quorum_script(e, vrrp::io::kStopScriptTimeout);
      fifo_quorum_line(e);
    }
    if (fifo_) {
      fifo_->stop();
    }
    const config::GlobalDefs& defs = model_.global.global_defs;
    if (opts_.dont_release_ipvs) {
      log::notice("ipvs: leaving the table in place (--dont-release-ipvs)");
    } else {
      const bool flush_all = defs.lvs_flush_on_stop && !defs.lvs_flush_on_stop_vs;
      const Mark before = mark();
      report(SyncKind::Release, reconciler_.release(flush_all), before);
    }
  }

  /// Where a sync started: the backend's request count and the time.
  struct Mark {
    std::uint64_t requests;
    std::chrono::steady_clock::time_point at;
  };
  Mark mark() const { return {backend_->requests_sent(), std::chrono::steady_clock::now()}; }

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
          backend_->requests_sent() - before.requests, held.count());
    }
  }

  asio::io_context& io_;
  const CliOptions& opts_;
  std::unique_ptr<ipvs::Backend> backend_;
  ipvs::Reconciler reconciler_;
  asio::steady_timer resync_timer_;
  asio::steady_timer drain_timer_;
  ipvs::Drainer drainer_;
  bool drain_armed_ = false;
  bool running_ = false;  ///< between start() and stop()
  /// The VRRP instances' states as the VRRP half reported them (true: MASTER).
  std::map<std::string, bool> vrrp_master_;
  config::Model model_;  ///< the running configuration (probes and the book point into it)
  bool update_posted_ = false;
  hc::HealthBook book_;
  vrrp::io::ProcessRunner processes_;  ///< MISC_CHECK children and notify scripts
  hc::io::CurlMulti curl_;
  hc::io::ProbeEnv env_;
  hc::io::Engine engine_;
  std::unique_ptr<vrrp::io::Notifier> fifo_;  ///< lvs_notify_fifo, when configured
  std::set<std::string> last_failures_;
  std::string last_read_error_;
  bool slow_resync_ = false;
};

/// "198.18.0.100:80 TCP", "[2001:db8::1]:80 UDP", "fwmark 5", "group NAME".
std::string status_name(const config::VirtualServer& vs) {
  if (vs.fwmark) {
    return "fwmark " + std::to_string(*vs.fwmark);
  }
  if (!vs.group.empty()) {
    return "group " + vs.group;
  }
  const char* proto = "UDP";
  switch (vs.protocol.value_or(config::LvsProtocol::UDP)) {
    case config::LvsProtocol::TCP:
      proto = "TCP";
      break;
    case config::LvsProtocol::UDP:
      proto = "UDP";
      break;
    case config::LvsProtocol::SCTP:
      proto = "SCTP";
      break;
  }
  return fmt::format(
      "{} {}", ipvs::addr_port(vs.ip.value_or(config::IpAddress{}), vs.port.value_or(0)), proto);
}

const char* method_name(const config::Forwarding& f) {
  switch (f.method) {
    case config::LvsMethod::NAT:
      return "NAT";
    case config::LvsMethod::DR:
      return "DR";
    case config::LvsMethod::TUN:
      return "TUN";
  }
  return "NAT";
}

/// What a checker looks at: "198.18.0.11:80", or the script of a MISC_CHECK,
/// the file of a FILE_CHECK, the name of a BFD_CHECK.
std::string check_target(const hc::CheckDef& d) {
  if (const auto* m = std::get_if<config::MiscCheck>(&d.spec); m && d.kind == hc::CheckKind::Misc) {
    return m->misc_path;
  }
  if (const auto* f = std::get_if<config::FileCheck>(&d.spec); f && d.kind == hc::CheckKind::File) {
    return f->track_file;
  }
  if (const auto* b = std::get_if<config::BfdCheck>(&d.spec); b && d.kind == hc::CheckKind::Bfd) {
    return b->name;
  }
  return ipvs::addr_port(d.target.ip, d.target.port);
}

void add_counters(std::optional<IpvsCounters>& to, const ipvs::Stats& s) {
  IpvsCounters& c = to ? *to : to.emplace();
  c.conns += s.conns;
  c.inpkts += s.inpkts;
  c.outpkts += s.outpkts;
  c.inbytes += s.inbytes;
  c.outbytes += s.outbytes;
}

/// Fills a real server's kernel figures from every service it sits in.
void fill_kernel(RealServerStatus& r, const ipvs::Table* kernel,
                 const std::vector<std::pair<ipvs::ServiceKey, ipvs::DestKey>>& where) {
  if (kernel == nullptr) {
    return;
  }
  for (const auto& [svc, dest] : where) {
    const auto s = kernel->services.find(svc);
    if (s == kernel->services.end()) {
      continue;
    }
    const auto d = s->second.dests.find(dest);
    if (d == s->second.dests.end()) {
      continue;
    }
    if (!r.kernel_weight) {
      r.kernel_weight = static_cast<int>(d->second.spec.weight);
    }
    r.active_conns += d->second.rt.active_conns;
    r.inactive_conns += d->second.rt.inact_conns;
    add_counters(r.counters, d->second.rt.stats);
  }
}

void IpvsHalf::snapshot(State& out) const {
  // One dump for every figure below.
  const ipvs::Result<ipvs::Table> dumped = backend_->dump();
  const ipvs::Table* kernel = dumped.ok() ? &dumped.value() : nullptr;
  if (const auto daemons = backend_->daemons(); daemons.ok()) {
    for (const ipvs::SyncDaemon& sd : daemons.value()) {
      out.daemon.sync_daemons.push_back(fmt::format(
          "{} {} id {}", sd.role == ipvs::SyncDaemon::Role::Master ? "master" : "backup",
          sd.mcast_ifn, sd.syncid));
    }
  }
  std::unordered_map<std::string, hc::io::ProbeStatus> status;
  engine_.for_each_status(
      [&](const std::string& id, const hc::io::ProbeStatus& st) { status.emplace(id, st); });
  const std::vector<hc::CheckDef> checks = hc::plan_checks(model_);
  std::map<std::pair<std::size_t, std::size_t>, std::vector<const hc::CheckDef*>> by_rs;
  for (const hc::CheckDef& c : checks) {
    by_rs[{c.vs_index, c.rs_index}].push_back(&c);
  }
  const auto places = ipvs::layout(model_);
  const ipvs::HealthView health = book_.health_view();
  const ipvs::Desired& want = reconciler_.desired();
  const auto drains = drainer_.drains();

  for (std::size_t v = 0; v < model_.lvs.virtual_server.size(); ++v) {
    const config::VirtualServer& vs = model_.lvs.virtual_server[v];
    const std::vector<ipvs::ServicePlacement> none;
    const std::vector<ipvs::ServicePlacement>& mine = v < places.size() ? places[v] : none;
    VirtualServerStatus st;
    st.name = status_name(vs);
    st.scheduler = vs.lvs_sched.empty() ? std::string("wlc") : vs.lvs_sched;
    st.method = method_name(vs.lvs_method.value_or(config::Forwarding{}));
    st.quorum_up = !mine.empty() && v < want.quorum_up.size() && want.quorum_up[v];
    st.sorry_active = !mine.empty() && !st.quorum_up && vs.sorry_server.has_value();
    if (kernel != nullptr) {
      for (const ipvs::ServicePlacement& p : mine) {
        if (const auto s = kernel->services.find(p.service); s != kernel->services.end()) {
          add_counters(st.counters, s->second.stats);
        }
      }
    }
    std::set<std::pair<ipvs::ServiceKey, ipvs::DestKey>> listed;
    for (std::size_t r = 0; r < vs.real_server.size(); ++r) {
      const config::RealServer& cfg = vs.real_server[r];
      RealServerStatus rs;
      std::vector<std::pair<ipvs::ServiceKey, ipvs::DestKey>> where;
      for (const ipvs::ServicePlacement& p : mine) {
        where.emplace_back(p.service, p.real_servers[r]);
        listed.emplace(p.service, p.real_servers[r]);
      }
      const ipvs::DestKey shown =
          where.empty() ? ipvs::DestKey{cfg.ip, cfg.port.value_or(0)} : where.front().second;
      rs.address = ipvs::addr_port(shown.addr, shown.port);
      const ipvs::RsHealth h = health(vs, cfg);
      rs.weight = static_cast<int>(h.weight.value_or(cfg.weight));
      rs.alive = h.alive;
      fill_kernel(rs, kernel, where);
      if (const auto it = by_rs.find({v, r}); it != by_rs.end()) {
        for (const hc::CheckDef* c : it->second) {
          CheckStatus cs;
          cs.kind = hc::kind_name(c->kind);
          cs.target = check_target(*c);
          if (const auto s = status.find(c->checker_id); s != status.end()) {
            cs.up = s->second.up;
            cs.runs = s->second.runs;
            cs.failures = s->second.failures;
            if (s->second.latency) {
              cs.last_latency_ms =
                  std::chrono::duration<double, std::milli>(*s->second.latency).count();
            }
            cs.last_error = s->second.last_error;
          }
          rs.checks.push_back(std::move(cs));
        }
      }
      st.real_servers.push_back(std::move(rs));
    }
    // Real servers a reload removed, still draining (one entry per address).
    std::map<ipvs::DestKey, std::vector<std::pair<ipvs::ServiceKey, ipvs::DestKey>>> draining;
    for (const auto& drain : drains) {
      const bool ours = std::any_of(mine.begin(), mine.end(), [&](const ipvs::ServicePlacement& p) {
        return p.service == drain.first;
      });
      if (ours && listed.count(drain) == 0) {
        draining[drain.second].push_back(drain);
      }
    }
    for (const auto& [dest, where] : draining) {
      RealServerStatus rs;
      rs.address = ipvs::addr_port(dest.addr, dest.port);
      rs.draining = true;
      fill_kernel(rs, kernel, where);
      st.real_servers.push_back(std::move(rs));
    }
    // The sorry server, last, when it is in the table.
    if (vs.sorry_server) {
      std::vector<std::pair<ipvs::ServiceKey, ipvs::DestKey>> where;
      std::optional<std::uint32_t> weight;
      for (const ipvs::ServicePlacement& p : mine) {
        const auto s = want.table.services.find(p.service);
        if (!p.sorry || s == want.table.services.end()) {
          continue;
        }
        if (const auto d = s->second.dests.find(*p.sorry); d != s->second.dests.end()) {
          where.emplace_back(p.service, *p.sorry);
          weight = weight.value_or(d->second.spec.weight);
        }
      }
      if (!where.empty()) {
        RealServerStatus rs;
        rs.address = ipvs::addr_port(where.front().second.addr, where.front().second.port);
        rs.sorry = true;
        rs.alive = true;
        rs.weight = static_cast<int>(weight.value_or(0));
        fill_kernel(rs, kernel, where);
        st.real_servers.push_back(std::move(rs));
      }
    }
    out.virtual_servers.push_back(std::move(st));
  }
}

/// "TCP_CHECK 198.18.0.11:80 of RS [198.18.0.11]:80 in VS [198.18.0.100]:80".
std::string checker_label(const config::Model& m, const hc::CheckDef& c) {
  const config::VirtualServer& vs = m.lvs.virtual_server[c.vs_index];
  const config::RealServer& rs = vs.real_server[c.rs_index];
  return fmt::format("{} {} of RS {} in {}", hc::kind_name(c.kind), check_target(c),
                     ipvs::addr_port(rs.ip, rs.port.value_or(0)), status_name(vs));
}

std::vector<std::string> IpvsHalf::preview(const config::Model& next) const {
  std::vector<std::string> lines;
  // Checkers: kept (same checker_id and probe_key: the engine keeps the slot and
  // the book the verdict), changed (restarted), added, removed.
  const std::vector<hc::CheckDef> now_checks = hc::plan_checks(model_);
  const std::vector<hc::CheckDef> next_checks = hc::plan_checks(next);
  std::unordered_map<std::string, const hc::CheckDef*> old_by_id;
  for (const hc::CheckDef& c : now_checks) {
    old_by_id.emplace(c.checker_id, &c);
  }
  std::unordered_map<std::string, bool> verdicts;
  engine_.for_each_status(
      [&](const std::string& id, const hc::io::ProbeStatus& st) { verdicts.emplace(id, st.up); });
  std::set<std::string> seen;
  for (const hc::CheckDef& c : next_checks) {
    const auto it = old_by_id.find(c.checker_id);
    const char* fresh = c.timing.alpha ? "down (alpha)" : "up";
    if (it == old_by_id.end()) {
      lines.push_back(
          fmt::format("ipvs: checker {}: added, starts {}", checker_label(next, c), fresh));
      continue;
    }
    seen.insert(c.checker_id);
    if (it->second->probe_key == c.probe_key) {
      const auto v = verdicts.find(c.checker_id);
      lines.push_back(fmt::format("ipvs: checker {}: kept, stays {}", checker_label(next, c),
                                  v == verdicts.end() ? "as it is" : (v->second ? "up" : "down")));
    } else {
      lines.push_back(
          fmt::format("ipvs: checker {}: changed, restarts {}", checker_label(next, c), fresh));
    }
  }
  for (const hc::CheckDef& c : now_checks) {
    if (seen.count(c.checker_id) == 0) {
      lines.push_back(fmt::format("ipvs: checker {}: removed", checker_label(model_, c)));
    }
  }
  // The table: the same steps as reload(), on copies of the book and the drains.
  hc::HealthBook book = book_;
  book.reset(next, next_checks);
  ipvs::Drainer drainer = drainer_;
  std::vector<ipvs::DrainEvent> events;
  const ipvs::Desired d = reload_desired(next, book, drainer, events);
  for (const ipvs::DrainEvent& e : events) {
    const std::string what = ipvs::describe(e.service, e.dest);
    switch (e.kind) {
      case ipvs::DrainEvent::Kind::Started:
        lines.push_back(fmt::format(
            "ipvs: {}: drains (weight 0, deleted when its connections end or after {} s)", what,
            std::chrono::duration_cast<std::chrono::seconds>(drainer.timeout()).count()));
        break;
      case ipvs::DrainEvent::Kind::Readded:
        lines.push_back(fmt::format("ipvs: {}: stops draining, named again", what));
        break;
      default:
        lines.push_back(fmt::format("ipvs: {}: stops draining, its virtual server goes", what));
        break;
    }
  }
  const ipvs::Result<std::vector<ipvs::Op>> ops = reconciler_.plan(d);
  if (!ops.ok()) {
    lines.push_back("ipvs: cannot read the kernel table: " + ops.error().text());
  } else if (ops.value().empty()) {
    lines.emplace_back("ipvs: no IPVS change");
  } else {
    for (const ipvs::Op& op : ops.value()) {
      lines.push_back("ipvs: " + ipvs::rule(op));
    }
  }
  return lines;
}

void IpvsHalf::on_vrrp_state(const std::string& instance, bool master) {
  const auto [it, fresh] = vrrp_master_.try_emplace(instance, master);
  if (!fresh) {
    if (it->second == master) {
      return;
    }
    it->second = master;
  }
  if (!running_ || instance != ipvs::sync_daemon_instance(model_) || (fresh && !master)) {
    return;  // not followed, or still the backup that already runs
  }
  if (master) {
    log::notice("ipvs: {} is MASTER: the kernel runs the master sync daemon", instance);
  } else {
    log::notice("ipvs: {} left MASTER: switching to the backup sync daemon", instance);
  }
  post_update(SyncKind::Vrrp);
}

}  // namespace

std::unique_ptr<Half> make_ipvs_half(asio::io_context& io, const CliOptions& opts) {
  auto backend = ipvs::open_netlink_backend();
  if (!backend.ok()) {
    log::error("ipvs: {}", backend.error().text());
    return nullptr;
  }
  return make_ipvs_half(io, opts, std::move(backend).value());
}

std::unique_ptr<Half> make_ipvs_half(asio::io_context& io, const CliOptions& opts,
                                     std::unique_ptr<ipvs::Backend> backend) {
  return std::make_unique<IpvsHalf>(io, opts, std::move(backend));
}

}  // namespace vigil::daemon
