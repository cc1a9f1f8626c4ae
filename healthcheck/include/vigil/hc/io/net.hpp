// SPDX-License-Identifier: GPL-2.0-or-later
// What the socket probes (TCP, SMTP, DNS, UDP, PING) share: address and
// duration text for details, the connection options every checker has
// (bind_if, fwmark, bindto, bind_port), random numbers, and ProbeRun, the state
// of one check that its handlers share.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "vigil/hc/io/probe.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/hc/result.hpp"

namespace vigil::hc::io {

boost::asio::ip::address to_asio(const config::IpAddress& ip);

/// "127.0.0.1:25", "[::1]:25"; without a port ("127.0.0.1") when port is 0 and
/// `with_port` is false.
std::string endpoint_text(const config::IpAddress& ip, std::uint16_t port, bool with_port = true);

/// "2 s", "1.5 s", "300 ms".
std::string duration_text(config::Micros d);

/// strerror(err) as text ("Connection refused").
std::string errno_text(int err);

/// Applies the target's connection options to an open socket: SO_BINDTODEVICE
/// (bind_if), SO_MARK (fwmark), then bind() to bindto and, when `use_port`,
/// bind_port. Returns an empty string, or what failed ("bind to 198.18.0.1:0:
/// Cannot assign requested address").
std::string apply_conn_opts(int fd, const Target& t, bool use_port);

/// A random number from a generator seeded once from std::random_device.
std::uint32_t random_u32();

/// The state of one probe run. Handlers hold a shared_ptr to it, so it lives
/// until they have all drained even when the probe moved on; once finished (a
/// result, cancel, the probe's destruction) no handler reports again. Derived
/// runs close their sockets in close_all().
class ProbeRun : public std::enable_shared_from_this<ProbeRun> {
 public:
  ProbeRun(boost::asio::io_context& io, std::function<void(ProbeResult)> done)
      : io_(io), timer_(io), done_(std::move(done)) {}
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;
  ProbeRun(ProbeRun&&) = delete;
  ProbeRun& operator=(ProbeRun&&) = delete;
  virtual ~ProbeRun() = default;

  [[nodiscard]] bool finished() const { return finished_; }

  /// Reports `r` (once), after releasing every socket.
  void finish(bool ok, std::string detail);
  /// Reports from a fresh handler on the loop: for results known inside start(),
  /// which must not call `done` itself.
  void finish_later(bool ok, std::string detail);
  /// Drops the run without reporting, releasing every socket now.
  void abandon();
  /// Arms the run's one deadline; `on_expiry` runs unless the run finished first.
  void arm_deadline(config::Micros after, std::function<void()> on_expiry);

 protected:
  virtual void close_all() = 0;
  boost::asio::io_context& io_;

 private:
  boost::asio::steady_timer timer_;
  std::function<void(ProbeResult)> done_;
  bool finished_ = false;
};

/// The Probe half every socket probe shares: one run at a time; cancel() and
/// the destructor abandon it.
class SocketProbe : public Probe {
 public:
  /// Keeps the target only, not the whole CheckDef: a probe lives as long as its check.
  explicit SocketProbe(ProbeEnv& env, const CheckDef& def) : env_(env), target_(def.target) {}
  SocketProbe(const SocketProbe&) = delete;
  SocketProbe& operator=(const SocketProbe&) = delete;
  SocketProbe(SocketProbe&&) = delete;
  SocketProbe& operator=(SocketProbe&&) = delete;
  ~SocketProbe() override { drop_run(); }

  void cancel() override { drop_run(); }

 protected:
  /// Starts `run` as the probe's one run; `done` is wrapped so that the probe
  /// lets go of the run once it reported: its sockets, timer and buffers are
  /// then freed instead of waiting for the next check (10,000 idle checks
  /// would otherwise each keep a finished run).
  template <class Run, class... Args>
  void launch(std::function<void(ProbeResult)> done, Args&&... args) {
    cancel();
    auto run = std::make_shared<Run>(env_.io, std::forward<Args>(args)...,
                                     [this, done = std::move(done)](ProbeResult r) {
                                       // Released from a handler of its own: the run may still be
                                       // on the stack.
                                       boost::asio::post(env_.io, [old = std::move(run_)] {});
                                       done(std::move(r));
                                     });
    run_ = run;
    run->start();
  }

  ProbeEnv& env_;
  Target target_;
  std::shared_ptr<ProbeRun> run_;

 private:
  void drop_run() {
    if (run_) {
      run_->abandon();
      run_.reset();
    }
  }
};

}  // namespace vigil::hc::io
