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
#include <memory>
#include <set>
#include <string>

#include "vigil/hc/health.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/engine.hpp"
#include "vigil/hc/io/probe.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/ipvs/desired.hpp"
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
enum class SyncKind { Start, Reload, Resync, Release, Health };

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
    arm_resync();
  }

  std::string_view name() const override { return "ipvs"; }
  void snapshot(State& /*out*/) const override {}
  [[nodiscard]] std::vector<std::string> preview(const config::Model& /*next*/) const override {
    return {};
  }
  bool busy() const override { return processes_.running() != 0; }

 private:
  /// The desired table for the current model and verdicts; records the quorum
  /// states and runs quorum_up/quorum_down for the changes.
  ipvs::Desired desired() {
    ipvs::Desired d = ipvs::desired_state(model_, book_.health_view(), book_.quorum_view());
    for (const hc::QuorumEvent& e : book_.record_quorum(d)) {
      const config::VirtualServer& vs = model_.lvs.virtual_server[e.vs_index];
      log::notice("ipvs: {}: quorum {}", vs_name(vs), e.up ? "regained" : "lost");
      run_quorum_script(e);
      fifo_quorum_line(e);
    }
    return d;
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
    if (!changes.empty() && !update_posted_) {
      update_posted_ = true;
      asio::post(io_, [this] {
        update_posted_ = false;
        const Mark before = mark();
        report(SyncKind::Health, reconciler_.update(desired()), before);
      });
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
    const Mark before = mark();
    report(SyncKind::Reload, reconciler_.update(desired()), before);
  }

  void stop() override {
    resync_timer_.cancel();
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

}  // namespace

std::unique_ptr<Half> make_ipvs_half(asio::io_context& io, const CliOptions& opts) {
  auto backend = ipvs::open_netlink_backend();
  if (!backend.ok()) {
    log::error("ipvs: {}", backend.error().text());
    return nullptr;
  }
  return std::make_unique<IpvsHalf>(io, opts, std::move(backend).value());
}

}  // namespace vigil::daemon
