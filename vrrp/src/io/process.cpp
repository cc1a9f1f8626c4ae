// SPDX-License-Identifier: GPL-2.0-or-later
// ProcessRunner: fork + execve on the Asio loop, reaped through SIGCHLD with
// waitpid(pid, WNOHANG) on our own pids only, and the host lookups used to
// resolve commands (see process.hpp).
#include "vigil/vrrp/io/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {

namespace {

constexpr const char* kChildPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What the child reports through the exec-error pipe when it cannot run the program.
enum class Stage : int { DevNull = 1, Setgid, Setgroups, Setuid, Execve };

struct ExecError {
  int stage = 0;
  int err = 0;
};

const char* stage_name(int stage) {
  switch (static_cast<Stage>(stage)) {
    case Stage::DevNull:
      return "open /dev/null";
    case Stage::Setgid:
      return "setgid";
    case Stage::Setgroups:
      return "setgroups";
    case Stage::Setuid:
      return "setuid";
    case Stage::Execve:
      return "execve";
  }
  return "start";
}

std::string errno_text(int err) {
  return std::strerror(err);
}  // NOLINT(concurrency-mt-unsafe)

std::string signal_text(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

// The child after fork(): only async-signal-safe calls from here on. Never returns.
[[noreturn]] void child_exec(const char* program, char* const* argv, char* const* envp,
                             std::optional<std::uint32_t> uid, std::optional<std::uint32_t> gid,
                             int err_fd, pid_t parent) {
  const auto fail = [err_fd](Stage stage) {
    const ExecError e{static_cast<int>(stage), errno};
    // The parent reads the pipe once we are gone; nothing to do if this fails.
    [[maybe_unused]] const auto n = ::write(err_fd, &e, sizeof e);
    ::_exit(127);
  };

  // All signals are blocked (the parent forked with them blocked), so none of the
  // daemon's handlers can run in this copy of it. Reset every disposition (execve
  // would keep ignored ones, such as a daemon's SIGPIPE), then unblock them all.
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      ::signal(sig, SIG_DFL);
    }
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  // Own process group, so that a timeout can kill the script and its children.
  ::setpgid(0, 0);
  // If the daemon dies, the script gets SIGTERM (keepalived does the same).
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) {
    ::_exit(127);
  }

  // Keep the error pipe away from 0..2 before they are replaced.
  if (err_fd <= 2) {
    const int moved = ::fcntl(err_fd, F_DUPFD_CLOEXEC, 3);
    if (moved >= 0) {
      err_fd = moved;
    }
  }
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd < 0) {
    fail(Stage::DevNull);
  }
  for (int fd = 0; fd <= 2; ++fd) {
    if (null_fd != fd && ::dup2(null_fd, fd) < 0) {
      fail(Stage::DevNull);
    }
  }
  if (null_fd > 2) {
    ::close(null_fd);
  }

  if (gid) {
    const gid_t g = *gid;
    if (::setgid(g) != 0) {
      fail(Stage::Setgid);
    }
    if (::setgroups(1, &g) != 0) {
      fail(Stage::Setgroups);
    }
  }
  if (uid && ::setuid(*uid) != 0) {
    fail(Stage::Setuid);
  }

  // Nothing else of the daemon's leaks into the script: every descriptor from 3
  // up is closed on exec (the error pipe too, which tells the parent exec worked).
  if (::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
    const long max_fd = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max_fd > 0 ? max_fd : 1024); ++fd) {
      if (fd != err_fd) {
        ::close(fd);
      }
    }
  }

  ::execve(program, argv, envp);
  fail(Stage::Execve);
  ::_exit(127);  // not reached
}

}  // namespace

std::string describe(const Outcome& o) {
  switch (o.kind) {
    case Outcome::Kind::Exited:
      return fmt::format("exited with status {}", o.code);
    case Outcome::Kind::Signaled:
      return fmt::format("killed by {}", signal_text(o.code));
    case Outcome::Kind::TimedOut:
      return "timed out";
    case Outcome::Kind::FailedToStart:
      return fmt::format("failed to start: {}", o.error);
  }
  return "unknown";
}

struct ProcessRunner::Child {
  explicit Child(boost::asio::io_context& io) : timer(io) {}
  std::function<void(Outcome)> done;
  boost::asio::steady_timer timer;  ///< the timeout, then the SIGKILL delay
  int err_fd = -1;                  ///< read end of the exec-error pipe (non-blocking)
  bool timed_out = false;
  bool stopping = false;  ///< SIGTERM sent (timeout or terminate)
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&&) = delete;
  Child& operator=(Child&&) = delete;
  ~Child() {
    if (err_fd >= 0) {
      ::close(err_fd);
    }
  }
};

ProcessRunner::ProcessRunner(boost::asio::io_context& io)
    : io_(io), sigchld_(io, SIGCHLD), alive_(std::make_shared<bool>(true)) {
  arm_sigchld();
}

ProcessRunner::~ProcessRunner() {
  *alive_ = false;
  boost::system::error_code ignored;
  sigchld_.cancel(ignored);
}

void ProcessRunner::arm_sigchld() {
  sigchld_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](
                          const boost::system::error_code& ec, int /*signo*/) {
    if (ec || alive.expired()) {
      return;
    }
    reap();
    arm_sigchld();
  });
}

pid_t ProcessRunner::run(const Command& cmd, std::optional<std::chrono::milliseconds> timeout,
                         std::function<void(Outcome)> done) {
  const auto fail_later = [&](std::string what) {
    log::error("cannot run {}: {}", cmd.argv.empty() ? std::string("(empty)") : cmd.argv[0], what);
    boost::asio::post(io_, [done = std::move(done), what = std::move(what),
                            alive = std::weak_ptr<bool>(alive_)]() {
      if (!alive.expired()) {
        done(Outcome{Outcome::Kind::FailedToStart, 0, what});
      }
    });
  };
  if (cmd.argv.empty()) {
    fail_later("empty command");
    return -1;
  }

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls are allowed (other threads may hold malloc's locks).
  const std::string& program = cmd.program.empty() ? cmd.argv[0] : cmd.program;
  std::vector<char*> argv;
  argv.reserve(cmd.argv.size() + 1);
  for (const auto& a : cmd.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  argv.push_back(nullptr);
  std::array<char*, 2> envp{const_cast<char*>(kChildPath), nullptr};  // NOLINT

  std::array<int, 2> pipe_fds{-1, -1};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    fail_later(fmt::format("pipe2: {}", errno_text(errno)));
    return -1;
  }
  const pid_t parent = ::getpid();
  // Fork with every signal blocked: until the child has reset the dispositions, a
  // signal would run one of the daemon's handlers (Asio's writes to the loop's
  // own pipe) in the child.
  sigset_t all;
  sigset_t saved;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  const pid_t pid = ::fork();
  if (pid != 0) {
    ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  }
  if (pid < 0) {
    const int err = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    fail_later(fmt::format("fork: {}", errno_text(err)));
    return -1;
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    child_exec(program.c_str(), argv.data(), envp.data(), cmd.uid, cmd.gid, pipe_fds[1], parent);
  }

  // Parent. Setting the group here too closes the race with an early kill(-pid).
  ::setpgid(pid, pid);
  ::close(pipe_fds[1]);
  ::fcntl(pipe_fds[0], F_SETFL, ::fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
  auto child = std::make_unique<Child>(io_);
  child->done = std::move(done);
  child->err_fd = pipe_fds[0];
  Child& c = *child;
  children_.emplace(pid, std::move(child));
  log::debug("started {} as pid {} (user {})", program, pid, cmd.user);

  if (timeout) {
    c.timer.expires_after(*timeout);
    c.timer.async_wait(
        [this, pid, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
          if (ec || alive.expired()) {
            return;
          }
          auto it = children_.find(pid);
          if (it == children_.end()) {
            return;
          }
          log::warning("pid {} ran past its timeout; terminating its process group", pid);
          it->second->timed_out = true;
          kill_group(pid, *it->second);
        });
  }
  return pid;
}

void ProcessRunner::kill_group(pid_t pid, Child& c) {
  if (c.stopping) {
    return;
  }
  c.stopping = true;
  ::kill(-pid, SIGTERM);
  c.timer.expires_after(kKillDelay);
  c.timer.async_wait(
      [this, pid, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired() || children_.count(pid) == 0) {
          return;
        }
        log::warning("pid {} still running {} ms after SIGTERM; sending SIGKILL", pid,
                     kKillDelay.count());
        ::kill(-pid, SIGKILL);
      });
}

void ProcessRunner::terminate(pid_t pid) {
  auto it = children_.find(pid);
  if (it != children_.end()) {
    kill_group(pid, *it->second);
  }
}

void ProcessRunner::terminate_all() {
  for (auto& [pid, c] : children_) {
    kill_group(pid, *c);
  }
}

void ProcessRunner::reap() {
  std::vector<std::pair<std::function<void(Outcome)>, Outcome>> finished;
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    const pid_t r = ::waitpid(it->first, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
      ++it;
      continue;
    }
    Child& c = *it->second;
    Outcome o;
    ExecError e;
    if (r < 0) {
      // ECHILD: someone else reaped it (a waitpid(-1) elsewhere in the process).
      o.kind = Outcome::Kind::Signaled;
      o.error = fmt::format("lost: waitpid: {}", errno_text(errno));
      log::error("pid {} {}", it->first, o.error);
    } else if (::read(c.err_fd, &e, sizeof e) == static_cast<ssize_t>(sizeof e)) {
      o.kind = Outcome::Kind::FailedToStart;
      o.code = e.err;
      o.error = fmt::format("{}: {}", stage_name(e.stage), errno_text(e.err));
    } else if (c.timed_out) {
      o.kind = Outcome::Kind::TimedOut;
      o.code = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      o.kind = Outcome::Kind::Signaled;
      o.code = WTERMSIG(status);
    } else {
      o.kind = Outcome::Kind::Exited;
      o.code = WEXITSTATUS(status);
    }
    if (c.stopping) {
      // The leader is gone; make sure nothing it started in its group survives.
      ::kill(-it->first, SIGKILL);
    }
    finished.emplace_back(std::move(c.done), std::move(o));
    it = children_.erase(it);
  }
  // Callbacks last: they may start new children.
  const std::weak_ptr<bool> alive = alive_;
  for (auto& [done, o] : finished) {
    if (alive.expired()) {
      return;
    }
    if (done) {
      done(std::move(o));
    }
  }
}

CommandLookups host_lookups() {
  CommandLookups l;
  l.user = [](const std::string& name) -> std::optional<UserIds> {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
      return std::nullopt;
    }
    return UserIds{pw.pw_uid, pw.pw_gid};
  };
  l.group = [](const std::string& name) -> std::optional<std::uint32_t> {
    std::vector<char> buf(16384);
    group gr{};
    group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
      return std::nullopt;
    }
    return gr.gr_gid;
  };
  l.find_program = [](const std::string& name) -> std::optional<std::string> {
    const char* env = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe)
    const std::string path = env != nullptr && *env != '\0' ? env : kDefaultPath;
    std::size_t begin = 0;
    while (begin <= path.size()) {
      std::size_t end = path.find(':', begin);
      if (end == std::string::npos) {
        end = path.size();
      }
      std::string dir = path.substr(begin, end - begin);
      const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {
        return candidate;
      }
      begin = end + 1;
    }
    return std::nullopt;
  };
  l.insecure_reason = [](const std::string& path) -> std::optional<std::string> {
    // The file and every directory above it must belong to root and not be
    // writable by a non-root group or by others (a sticky directory is fine).
    std::vector<std::string> prefixes;
    for (std::size_t pos = path.find('/', 1); pos != std::string::npos;
         pos = path.find('/', pos + 1)) {
      if (path[pos - 1] != '/') {
        prefixes.push_back(path.substr(0, pos));
      }
    }
    prefixes.insert(prefixes.begin(), "/");
    prefixes.push_back(path);
    for (const auto& p : prefixes) {
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0) {
        return fmt::format("cannot stat {}: {}", p, errno_text(errno));
      }
      if (st.st_uid != 0) {
        return fmt::format("{} is owned by uid {}", p, st.st_uid);
      }
      const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
      if (!sticky_dir &&
          ((st.st_gid != 0 && (st.st_mode & S_IWGRP) != 0) || (st.st_mode & S_IWOTH) != 0)) {
        return fmt::format("{} is writable by a non-root user", p);
      }
    }
    return std::nullopt;
  };
  l.own_uid = ::geteuid();
  return l;
}

}  // namespace vigil::vrrp::io
