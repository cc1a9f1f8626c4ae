// SPDX-License-Identifier: GPL-2.0-or-later
// ProcessRunner with real processes: exit status, signals, timeouts that kill
// the whole process group, exec failures, running as an unprivileged user, no
// shell, a minimal environment and no leaked descriptors.
#include "vigil/vrrp/io/process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>

#include "io_test_util.hpp"

namespace {

using vigil::test::read_file;
using vigil::test::run_until;
using vigil::test::TempDir;
using vigil::vrrp::Command;
using vigil::vrrp::io::Outcome;
using vigil::vrrp::io::ProcessRunner;

Command sh(const std::string& script, std::vector<std::string> args = {}) {
  Command c;
  c.argv = {"/bin/sh", "-c", script, "sh"};
  c.argv.insert(c.argv.end(), args.begin(), args.end());
  c.user = "root";
  return c;
}

struct Run {
  std::optional<Outcome> outcome;
  int calls = 0;
};

Outcome run_to_end(boost::asio::io_context& io, ProcessRunner& runner, const Command& cmd,
                   std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
  Run r;
  runner.run(cmd, timeout, [&r](Outcome o) {
    r.outcome = std::move(o);
    ++r.calls;
  });
  REQUIRE(run_until(io, [&] { return r.outcome.has_value(); }));
  CHECK(r.calls == 1);
  return *r.outcome;
}

}  // namespace

TEST_CASE("ProcessRunner reports the exit status", "[vrrp_io][process]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  auto o = run_to_end(io, runner, sh("exit 3"));
  CHECK(o.kind == Outcome::Kind::Exited);
  CHECK(o.code == 3);
  CHECK_FALSE(o.success());
  o = run_to_end(io, runner, sh("exit 0"));
  CHECK(o.success());
  CHECK(runner.running() == 0);
}

TEST_CASE("ProcessRunner reports a child killed by a signal", "[vrrp_io][process]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  const auto o = run_to_end(io, runner, sh("kill -USR1 $$"));
  CHECK(o.kind == Outcome::Kind::Signaled);
  CHECK(o.code == SIGUSR1);
  CHECK(vigil::vrrp::io::describe(o) == "killed by SIGUSR1");
}

TEST_CASE("ProcessRunner reports exec failures as FailedToStart", "[vrrp_io][process]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Command c;
  c.argv = {"/nonexistent/vigil-test-script", "a"};
  const auto o = run_to_end(io, runner, c);
  CHECK(o.kind == Outcome::Kind::FailedToStart);
  CHECK(o.code == ENOENT);
  CHECK(o.error.find("execve") != std::string::npos);

  // Never called from inside run(), even when nothing could be started.
  bool called = false;
  CHECK(runner.run(Command{}, std::nullopt, [&](const Outcome&) { called = true; }) == -1);
  CHECK_FALSE(called);
  REQUIRE(run_until(io, [&] { return called; }));
}

TEST_CASE("A timeout kills the child's whole process group", "[vrrp_io][process]") {
  // Orphans of the script are re-parented to us, so we can see them die.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  TempDir dir;
  const auto pid_file = dir.file("bg.pid");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  const auto o = run_to_end(io, runner, sh("sleep 30 & echo $! > \"$1\"; wait", {pid_file}),
                            std::chrono::milliseconds(300));
  CHECK(o.kind == Outcome::Kind::TimedOut);
  CHECK(o.code == SIGTERM);
  const pid_t bg = std::stoi(read_file(pid_file));
  REQUIRE(bg > 0);
  int status = 0;
  bool reaped = false;
  CHECK(run_until(io, [&] {
    reaped = reaped || ::waitpid(bg, &status, WNOHANG) == bg;
    return reaped;
  }));
  CHECK(WIFSIGNALED(status));
}

TEST_CASE("A timed-out child that ignores SIGTERM gets SIGKILL", "[vrrp_io][process]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  const auto o = run_to_end(io, runner, sh("trap '' TERM; while :; do sleep 1; done"),
                            std::chrono::milliseconds(100));
  CHECK(o.kind == Outcome::Kind::TimedOut);
  CHECK(o.code == SIGKILL);
}

TEST_CASE("terminate stops a running child", "[vrrp_io][process]") {
  boost::asio::io_context io;
  ProcessRunner runner(io);
  std::optional<Outcome> got;
  const pid_t pid =
      runner.run(sh("sleep 30"), std::nullopt, [&](Outcome o) { got = std::move(o); });
  REQUIRE(pid > 0);
  runner.terminate(pid);
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  CHECK(got->kind == Outcome::Kind::Signaled);
  CHECK(got->code == SIGTERM);
}

TEST_CASE("Arguments reach the program literally, without a shell", "[vrrp_io][process]") {
  TempDir dir;
  const auto out = dir.file("args");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  // The whole line goes through split_command, the way a configured script does.
  Command c;
  c.argv = vigil::vrrp::split_command("/bin/sh -c 'printf \"%s|\" \"$@\" > " + out +
                                      "' sh 'a b' $HOME '*' ';' \"`id`\"");
  REQUIRE(c.argv.size() == 9);
  const auto o = run_to_end(io, runner, c);
  CHECK(o.success());
  CHECK(read_file(out) == "a b|$HOME|*|;|`id`|");
}

TEST_CASE("The child gets a minimal environment and no inherited descriptors",
          "[vrrp_io][process]") {
  TempDir dir;
  const auto out = dir.file("env");
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  REQUIRE(leaked > 2);
  boost::asio::io_context io;
  ProcessRunner runner(io);
  const auto o = run_to_end(io, runner,
                            sh("{ env; if [ -e /proc/$$/fd/" + std::to_string(leaked) +
                                   " ]; then echo LEAKED; fi; ls /proc/$$/fd | wc -l; } > \"$1\"",
                               {out}));
  ::close(leaked);
  CHECK(o.success());
  const auto text = read_file(out);
  CHECK(text.find("PATH=/usr/local/sbin:") != std::string::npos);
  CHECK(text.find("HOME=") == std::string::npos);
  CHECK(text.find("LEAKED") == std::string::npos);
}

TEST_CASE("A command with a user runs with that uid, gid and no other groups",
          "[vrrp_io][process]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot test changing user");
    return;
  }
  TempDir dir;
  ::chmod(dir.path().c_str(), 0777);  // NOLINT: nobody writes its answer here
  const auto out = dir.file("id");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  auto c = sh("{ id -u; id -g; id -G; } > \"$1\"", {out});
  c.uid = 65534;
  c.gid = 65534;
  c.user = "nobody";
  const auto o = run_to_end(io, runner, c);
  CHECK(o.success());
  CHECK(read_file(out) == "65534\n65534\n65534\n");
}

TEST_CASE("host_lookups finds users, groups and programs", "[vrrp_io][process]") {
  const auto l = vigil::vrrp::io::host_lookups();
  const auto root = l.user("root");
  REQUIRE(root);
  CHECK(root->uid == 0U);
  CHECK_FALSE(l.user("vigil-no-such-user"));
  CHECK(l.group("root") == 0U);
  const auto sh_path = l.find_program("sh");
  REQUIRE(sh_path);
  CHECK(sh_path->find("/sh") != std::string::npos);
  CHECK_FALSE(l.find_program("vigil-no-such-program"));
  if (::geteuid() == 0) {
    TempDir dir;  // root-owned, 0700, under the sticky /tmp
    const auto safe = dir.file("safe.sh");
    const auto unsafe = dir.file("unsafe.sh");
    vigil::test::write_file(safe, "#!/bin/sh\n");
    vigil::test::write_file(unsafe, "#!/bin/sh\n");
    ::chmod(safe.c_str(), 0755);    // NOLINT
    ::chmod(unsafe.c_str(), 0777);  // NOLINT
    CHECK_FALSE(l.insecure_reason(safe));
    CHECK(l.insecure_reason(unsafe));
  }
}
