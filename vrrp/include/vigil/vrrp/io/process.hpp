// SPDX-License-Identifier: GPL-2.0-or-later
// Child processes on the Asio loop: fork + execve of a resolved Command (never
// through a shell), reaped through SIGCHLD without blocking the loop, with an
// optional timeout that kills the child's whole process group. Also the host
// lookups (users, groups, PATH, path security) that resolve_command needs.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "vigil/vrrp/command.hpp"

namespace vigil::vrrp::io {

/// How a child process ended.
struct Outcome {
  enum class Kind {
    Exited,         ///< exited on its own; `code` is the exit status (0..255)
    Signaled,       ///< killed by a signal it did not get from a timeout; `code` is the signal
    TimedOut,       ///< ran past its timeout and was killed; `code` is the signal that ended it
    FailedToStart,  ///< fork, exec or the identity change failed; `code` is errno
  };
  Kind kind = Kind::Exited;
  int code = 0;
  std::string
      error;  ///< for FailedToStart: what failed, e.g. "execve /x: No such file or directory"

  /// True when the child exited with status 0.
  [[nodiscard]] bool success() const { return kind == Kind::Exited && code == 0; }
};

/// "exited 0", "killed by SIGTERM", "timed out", "failed to start: ..." (for logs).
std::string describe(const Outcome& o);

/// Runs Commands as child processes on one io_context. Each child gets its own
/// process group, /dev/null as stdin/stdout/stderr, no other open descriptors, the
/// default signal dispositions and mask, PR_SET_PDEATHSIG(SIGTERM), and a minimal
/// environment (PATH only). Children are reaped on the loop: a SIGCHLD signal_set,
/// then waitpid(pid, WNOHANG) for each of this runner's own pids (never
/// waitpid(-1), so other children of the process are left alone).
///
/// Lifetime: pending `done` callbacks are dropped when the runner is destroyed;
/// children still running then are left running (call terminate_all() first to
/// stop them).
class ProcessRunner {
 public:
  /// Delay between SIGTERM and SIGKILL when a child is stopped (timeout, terminate).
  static constexpr std::chrono::milliseconds kKillDelay{2000};

  explicit ProcessRunner(boost::asio::io_context& io);
  ProcessRunner(const ProcessRunner&) = delete;
  ProcessRunner& operator=(const ProcessRunner&) = delete;
  ProcessRunner(ProcessRunner&&) = delete;
  ProcessRunner& operator=(ProcessRunner&&) = delete;
  ~ProcessRunner();

  /// Starts `cmd`. `done` is called exactly once, on the loop (never from inside
  /// run()), with how the child ended. With a timeout, a child still running after
  /// it has its process group sent SIGTERM, then SIGKILL kKillDelay later, and is
  /// reported as TimedOut once reaped. Returns the child's pid, or -1 when it could
  /// not be forked (done then gets FailedToStart).
  pid_t run(const Command& cmd, std::optional<std::chrono::milliseconds> timeout,
            std::function<void(Outcome)> done);

  /// Stops one of our children: SIGTERM to its process group, SIGKILL kKillDelay
  /// later if it is still there. Its `done` is still called (Signaled). Unknown pids
  /// are ignored.
  void terminate(pid_t pid);

  /// terminate() on every running child.
  void terminate_all();

  /// Children started and not yet reaped.
  [[nodiscard]] std::size_t running() const { return children_.size(); }

 private:
  struct Child;
  void arm_sigchld();
  void reap();
  void kill_group(pid_t pid, Child& c);

  boost::asio::io_context& io_;
  boost::asio::signal_set sigchld_;
  std::map<pid_t, std::unique_ptr<Child>> children_;
  std::shared_ptr<bool> alive_;  ///< guards callbacks posted to the loop
};

/// The real host lookups: getpwnam_r / getgrnam_r, a PATH search over the
/// daemon's PATH (default /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin),
/// stat(2) of the script and each directory above it, geteuid().
CommandLookups host_lookups();

}  // namespace vigil::vrrp::io
