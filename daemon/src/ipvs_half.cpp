// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS/checker half (`-C`): programs the kernel's IPVS table from the
// virtual_server blocks, repairs drift every resync interval, applies reloads
// and releases its services on stop (unless -I).
#include "ipvs_half.hpp"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "vigil/ipvs/desired.hpp"
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

class IpvsHalf final : public Half {
 public:
  IpvsHalf(asio::io_context& io, const CliOptions& opts, std::unique_ptr<ipvs::Backend> backend)
      : opts_(opts), backend_(std::move(backend)), reconciler_(*backend_), resync_timer_(io) {}

  void start(const config::Model& model) override {
    global_ = model.global;
    const Mark before = mark();
    ipvs::SyncReport r =
        reconciler_.start(ipvs::desired_state(model), model.global.global_defs.lvs_flush);
    report(SyncKind::Start, r, before);
    arm_resync();
  }

  std::string_view name() const override { return "ipvs"; }

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

  void reload(const config::Model& model) override {
    global_ = model.global;
    const Mark before = mark();
    report(SyncKind::Reload, reconciler_.update(ipvs::desired_state(model)), before);
  }

  void stop() override {
    resync_timer_.cancel();
    if (opts_.dont_release_ipvs) {
      log::notice("ipvs: leaving the table in place (--dont-release-ipvs)");
    } else {
      const bool flush_all =
          global_.global_defs.lvs_flush_on_stop && !global_.global_defs.lvs_flush_on_stop_vs;
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

  const CliOptions& opts_;
  std::unique_ptr<ipvs::Backend> backend_;
  ipvs::Reconciler reconciler_;
  asio::steady_timer resync_timer_;
  config::GlobalConfig global_;
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
