// SPDX-License-Identifier: GPL-2.0-or-later
// One probe kind per checker kind, all on the one Asio loop: no thread per
// check, no blocking call. A Probe runs one check at a time; the Engine decides
// when. make_probe() builds the right one for a CheckDef.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "vigil/config/model.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/hc/result.hpp"

namespace vigil::vrrp::io {
class ProcessRunner;
}

namespace vigil::hc::io {

class CurlMulti;

/// What probes share: the loop, one libcurl multi handle (HTTP_GET/SSL_GET),
/// one ProcessRunner (MISC_CHECK), and the global settings they read
/// (script_user, enable_script_security, the SSL block).
struct ProbeEnv {
  boost::asio::io_context& io;
  /// A pointer so that probes and tests that never use curl can build a ProbeEnv
  /// without one; HTTP_GET/SSL_GET need it set.
  CurlMulti* curl = nullptr;
  vrrp::io::ProcessRunner& processes;
  const config::Model* model = nullptr;  ///< globals and the SSL block; outlives the probes
};

class Probe {
 public:
  Probe() = default;
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;
  Probe(Probe&&) = delete;
  Probe& operator=(Probe&&) = delete;
  virtual ~Probe() = default;

  /// Runs one check. `done` is called exactly once, on the loop and never from
  /// inside start(), unless cancel() or the destructor comes first (then never).
  /// Every descriptor, curl handle and child it used is released by then.
  virtual void start(std::function<void(ProbeResult)> done) = 0;
  /// Abandons a running check (reload, stop); a no-op when none runs.
  virtual void cancel() = 0;
};

/// The probe for `def`. Every kind but BFD_CHECK has one; BFD_CHECK gets a probe
/// that reports the check as unsupported (failed) in its detail.
std::unique_ptr<Probe> make_probe(ProbeEnv& env, const CheckDef& def);

}  // namespace vigil::hc::io
