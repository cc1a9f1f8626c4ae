// SPDX-License-Identifier: GPL-2.0-or-later
// MISC_CHECK: misc_path run as a child through the shared ProcessRunner, as its
// `user` (else global_defs script_user) under enable_script_security; a script
// still running after misc_timeout (default: delay_loop, as in keepalived) has
// its process group killed and the check fails.
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <memory>
#include <variant>

#include "vigil/hc/io/probes.hpp"
#include "vigil/hc/misc_file.hpp"
#include "vigil/vrrp/command.hpp"
#include "vigil/vrrp/io/process.hpp"

namespace vigil::hc::io {

namespace {

MiscExit to_exit(const vrrp::io::Outcome& o) {
  MiscExit e;
  e.code = o.code;
  e.error = o.error;
  switch (o.kind) {
    case vrrp::io::Outcome::Kind::Exited:
      e.kind = MiscExit::Kind::Exited;
      break;
    case vrrp::io::Outcome::Kind::Signaled:
      e.kind = MiscExit::Kind::Signaled;
      break;
    case vrrp::io::Outcome::Kind::TimedOut:
      e.kind = MiscExit::Kind::TimedOut;
      break;
    case vrrp::io::Outcome::Kind::FailedToStart:
      e.kind = MiscExit::Kind::FailedToStart;
      break;
  }
  return e;
}

class MiscProbe final : public Probe {
 public:
  MiscProbe(ProbeEnv& env, const CheckDef& def, config::MiscCheck check)
      : env_(env), check_(std::move(check)), alive_(std::make_shared<bool>(true)) {
    const auto t = check_.misc_timeout.value_or(check_.delay_loop.value_or(def.timing.delay_loop));
    timeout_ = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(t),
                        std::chrono::milliseconds(1));
  }
  MiscProbe(const MiscProbe&) = delete;
  MiscProbe& operator=(const MiscProbe&) = delete;
  MiscProbe(MiscProbe&&) = delete;
  MiscProbe& operator=(MiscProbe&&) = delete;
  ~MiscProbe() override {
    cancel();
    *alive_ = false;
  }

  void start(std::function<void(ProbeResult)> done) override {
    cancel();
    done_ = std::move(done);
    running_ = true;
    const std::uint64_t gen = ++generation_;
    const config::GlobalDefs defaults{};
    const config::GlobalDefs& globals =
        env_.model != nullptr ? env_.model->global.global_defs : defaults;
    config::Script script;
    script.cmd = check_.misc_path;
    script.user = check_.user;
    script.group = check_.group;
    auto cmd = vrrp::resolve_command(script, globals, vrrp::io::host_lookups());
    if (!cmd) {
      ProbeResult r{false, std::nullopt,
                    fmt::format("misc_path '{}': {}", check_.misc_path, cmd.error().text)};
      boost::asio::post(env_.io, [this, alive = alive_, gen, r = std::move(r)] {
        if (*alive && gen == generation_ && running_) {
          finish(r);
        }
      });
      return;
    }
    pid_ = env_.processes.run(
        cmd.value(), timeout_, [this, alive = alive_, gen](const vrrp::io::Outcome& o) {
          if (!*alive || gen != generation_ || !running_) {
            return;
          }
          pid_ = -1;
          finish(misc_verdict(to_exit(o), check_.misc_dynamic,
                              static_cast<std::uint64_t>(timeout_.count()), check_.misc_path));
        });
  }

  void cancel() override {
    if (!running_) {
      return;
    }
    running_ = false;
    ++generation_;
    done_ = nullptr;
    if (pid_ > 0) {
      // The runner still reaps it; its outcome is dropped by the generation check.
      env_.processes.terminate(pid_);
      pid_ = -1;
    }
  }

 private:
  void finish(const ProbeResult& r) {
    running_ = false;
    auto d = std::move(done_);
    done_ = nullptr;
    if (d) {
      d(r);
    }
  }

  ProbeEnv& env_;
  config::MiscCheck check_;
  std::chrono::milliseconds timeout_{};
  std::function<void(ProbeResult)> done_;
  bool running_ = false;
  pid_t pid_ = -1;
  std::uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_;
};

}  // namespace

std::unique_ptr<Probe> make_misc_probe(ProbeEnv& env, const CheckDef& def) {
  config::MiscCheck check;
  if (const auto* m = std::get_if<config::MiscCheck>(&def.spec)) {
    check = *m;
  }
  return std::make_unique<MiscProbe>(env, def, std::move(check));
}

}  // namespace vigil::hc::io
