// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier with real scripts and a real FIFO: keepalived's notify arguments and
// FIFO lines, the FIFO script, dropping instead of blocking, cleanup.
#include "vigil/vrrp/io/notify.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>

#include "io_test_util.hpp"

namespace {

using vigil::test::read_file;
using vigil::test::run_until;
using vigil::test::TempDir;
using vigil::test::write_file;
using vigil::vrrp::Command;
using vigil::vrrp::io::Notifier;
using vigil::vrrp::io::NotifyFifo;
using vigil::vrrp::io::NotifyScripts;
using vigil::vrrp::io::ProcessRunner;

// A script that records its arguments, '|'-separated, in `out`.
Command recorder(const std::string& out) {
  Command c;
  c.argv = {"/bin/sh", "-c", "printf '%s|' ran \"$@\" > \"$0\"", out};
  return c;
}

// Everything readable now from a non-blocking descriptor.
std::string drain(int fd) {
  std::string out;
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) {
      return out;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace

TEST_CASE("Notifier runs notify_<state> and notify with keepalived's arguments",
          "[vrrp_io][notify]") {
  TempDir dir;
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Notifier n(io, runner, {});
  NotifyScripts vi;
  vi.master = recorder(dir.file("master"));
  vi.notify = recorder(dir.file("notify"));
  n.set_instance("VI 1", vi);
  NotifyScripts sg;
  sg.backup = recorder(dir.file("g_backup"));
  sg.notify = recorder(dir.file("g_notify"));
  n.set_group("G1", sg);
  n.start();

  n.instance_state("VI 1", "MASTER", 100);
  n.group_state("G1", "BACKUP");
  REQUIRE(run_until(io, [&] { return runner.running() == 0 && n.counters().scripts == 4; }));
  CHECK(read_file(dir.file("master")) == "ran|");  // the configured arguments only
  CHECK(read_file(dir.file("notify")) == "ran|INSTANCE|VI 1|MASTER|100|");
  CHECK(read_file(dir.file("g_backup")) == "ran|");
  CHECK(read_file(dir.file("g_notify")) == "ran|GROUP|G1|BACKUP|0|");

  // Separate processes run in no particular order: one transition at a time here.
  n.instance_state("VI 1", "FAULT", 90);  // no notify_fault: only notify runs
  REQUIRE(run_until(io, [&] { return runner.running() == 0 && n.counters().scripts == 5; }));
  CHECK(read_file(dir.file("notify")) == "ran|INSTANCE|VI 1|FAULT|90|");
}

TEST_CASE("Notifier writes keepalived's lines to a FIFO it creates", "[vrrp_io][notify]") {
  TempDir dir;
  const auto fifo = dir.file("notify.fifo");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  NotifyScripts vi;
  vi.notify_priority_changes = true;
  {
    Notifier n(io, runner, {NotifyFifo{fifo, std::nullopt, std::nullopt, std::nullopt}});
    n.set_instance("VI_1", vi);
    n.start();
    struct stat st {};
    REQUIRE(::stat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK((st.st_mode & 0777) == 0644);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);

    n.instance_state("VI_1", "MASTER", 100);
    n.group_state("G1", "MASTER");
    n.master_rx_lower_pri("VI_1", 100);
    n.instance_priority("VI_1", "MASTER", 90);
    n.instance_priority("VI_2", "BACKUP", 80);  // not registered for priority changes
    n.instance_state("VI_2", "STOP", 0);        // no scripts: the line is still written
    CHECK(drain(reader) ==
          "INSTANCE \"VI_1\" MASTER 100\n"
          "GROUP \"G1\" MASTER 0\n"
          "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100\n"
          "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n"
          "INSTANCE \"VI_2\" STOP 0\n");
    CHECK(n.counters().fifo_lines == 5);
    ::close(reader);
  }
  CHECK_FALSE(std::filesystem::exists(fifo));  // created by start(): removed by stop()
}

TEST_CASE("Notifier starts the FIFO script with the FIFO as last argument", "[vrrp_io][notify]") {
  TempDir dir;
  const auto fifo = dir.file("notify.fifo");
  const auto out = dir.file("seen");
  Command reader;
  reader.argv = {"/bin/sh", "-c",
                 "echo \"args:$*\" > \"$0\"; while read -r l; do echo \"$l\" >> \"$0\"; done < "
                 "\"$2\"",
                 out, "extra"};
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Notifier n(io, runner, {NotifyFifo{fifo, reader, std::nullopt, std::nullopt}});
  n.start();
  n.instance_state("VI_1", "BACKUP", 50);
  const std::string expect = "args:extra " + fifo + "\nINSTANCE \"VI_1\" BACKUP 50\n";
  CHECK(run_until(io, [&] { return read_file(out) == expect; }));
  n.stop();  // terminates the FIFO script
  CHECK(run_until(io, [&] { return runner.running() == 0; }));
}

TEST_CASE("A full FIFO drops lines instead of blocking the loop", "[vrrp_io][notify]") {
  TempDir dir;
  const auto fifo = dir.file("notify.fifo");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Notifier n(io, runner, {NotifyFifo{fifo, std::nullopt, std::nullopt, std::nullopt}});
  n.start();
  // Nobody reads: the pipe fills (64 KiB by default), then lines are dropped.
  for (int i = 0; i < 5000; ++i) {
    n.instance_state("VI_1", "MASTER", 100);
  }
  CHECK(n.counters().fifo_dropped > 0);
  CHECK(n.counters().fifo_lines + n.counters().fifo_dropped == 5000);
}

TEST_CASE("Notifier refuses a FIFO path that is a regular file", "[vrrp_io][notify]") {
  TempDir dir;
  const auto path = dir.file("not-a-fifo");
  write_file(path, "keep\n");
  boost::asio::io_context io;
  ProcessRunner runner(io);
  Notifier n(io, runner, {NotifyFifo{path, std::nullopt, std::nullopt, std::nullopt}});
  n.start();
  n.instance_state("VI_1", "MASTER", 100);
  n.stop();
  CHECK(read_file(path) == "keep\n");
  CHECK(n.counters().fifo_lines == 0);
}

TEST_CASE("notify_scripts and vrrp_notify_fifos resolve the configured scripts",
          "[vrrp_io][notify]") {
  vigil::config::VrrpInstance vi;
  vi.name = "VI_1";
  vi.notify_master = vigil::config::Script{"/bin/true a", "", "", {}};
  vi.notify = vigil::config::Script{"/bin/nosuch", "", "", {}};
  vi.notify_priority_changes = true;
  const auto resolve = [](const vigil::config::Script& s) -> vigil::vrrp::CommandResult {
    if (s.cmd.find("nosuch") != std::string::npos) {
      return vigil::vrrp::CommandError{"not found"};
    }
    Command c;
    c.argv = vigil::vrrp::split_command(s.cmd);
    return c;
  };
  const auto s = vigil::vrrp::io::notify_scripts(vi, resolve);
  REQUIRE(s.master);
  CHECK(s.master->argv == std::vector<std::string>{"/bin/true", "a"});
  CHECK_FALSE(s.notify);  // did not resolve: left out
  CHECK_FALSE(s.backup);
  CHECK(s.notify_priority_changes);

  vigil::config::GlobalDefs g;
  g.notify_fifo = vigil::config::NotifyFifo{"/run/a.fifo", "", ""};
  g.vrrp_notify_fifo = vigil::config::NotifyFifo{"/run/b.fifo", "", ""};
  g.vrrp_notify_fifo_script = vigil::config::Script{"/bin/true", "", "", {}};
  const auto fifos = vigil::vrrp::io::vrrp_notify_fifos(g, resolve, {});
  REQUIRE(fifos.size() == 2);
  CHECK(fifos[0].path == "/run/a.fifo");
  CHECK_FALSE(fifos[0].script);
  CHECK(fifos[1].path == "/run/b.fifo");
  CHECK(fifos[1].script);
}
