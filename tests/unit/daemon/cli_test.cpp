// SPDX-License-Identifier: GPL-2.0-or-later
// vigild's command line: keepalived(8) options, `-t` exit codes, dumps.
#include "vigil/daemon/cli.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace vigil::daemon;

namespace {

struct Run {
  int rc;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  args.insert(args.begin(), "vigild");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int rc = run_cli(static_cast<int>(args.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "vigil-cli-test";
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

const char* kValid =
    "global_defs {\n  router_id lb1\n  enable_script_security\n  script_user root\n}\n"
    "vrrp_script chk {\n  script \"/bin/true\"\n}\n";

}  // namespace

TEST_CASE("Short and long options parse as keepalived's", "[daemon][cli]") {
  std::ostringstream err;
  std::vector<std::string> args{
      "vigild", "-nlD", "-P", "--use-file=/x.conf", "-i", "main", "--dump-conf=json", "-I"};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  auto o = parse_args(static_cast<int>(argv.size()), argv.data(), err);
  REQUIRE(o);
  CHECK(o->dont_fork);
  CHECK(o->log_console);
  CHECK(o->log_detail);
  CHECK(o->vrrp_only);
  CHECK(o->use_file == "/x.conf");
  CHECK(o->config_id == std::optional<std::string>("main"));
  CHECK(o->dump_conf == DumpFormat::Json);
  CHECK(o->dont_release_ipvs);
}

TEST_CASE("Config test (-t) of a valid configuration exits 0 and prints nothing", "[daemon][cli]") {
  auto r = run({"-t", "-f", write_temp("valid.conf", kValid)});
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
}

TEST_CASE("Config test (-t) with an unknown keyword exits 5, as keepalived does", "[daemon][cli]") {
  auto r = run({"-t", "-f", write_temp("unknown.conf", "global_defs {\n  routr_id x\n}\n")});
  CHECK(r.rc == kExitConfigTest);
  CHECK_THAT(r.err, Catch::Contains("unknown.conf:2:3: warning: unknown keyword 'routr_id'"));
  CHECK_THAT(r.err, Catch::Contains("did you mean 'router_id'?"));
}

TEST_CASE("Config test (-t) of a missing file exits 4 with a located message", "[daemon][cli]") {
  auto r = run({"-t", "-f", "/nonexistent/vigil.conf"});
  CHECK(r.rc == kExitConfig);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent/vigil.conf:0:0: fatal error"));
}

TEST_CASE("Config test with a log file (-t=FILE) writes diagnostics to the file", "[daemon][cli]") {
  const auto log = std::filesystem::temp_directory_path() / "vigil-cli-test" / "t.log";
  std::filesystem::remove(log);
  auto r = run(
      {"--config-test=" + log.string(), "-f", write_temp("unknown2.conf", "bogus_keyword 1\n")});
  CHECK(r.rc == kExitConfigTest);
  CHECK(r.err.empty());
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  CHECK_THAT(line, Catch::Contains("unknown keyword 'bogus_keyword'"));
}

TEST_CASE("Dumping as JSON (--dump-conf=json) prints the normalized model", "[daemon][cli]") {
  auto r = run({"--dump-conf=json", "-f", write_temp("dump.conf", kValid)});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Catch::Contains("\"router_id\": \"lb1\""));
  auto t = run({"-d", "-f", write_temp("dump.conf", kValid)});
  CHECK_THAT(t.out, Catch::Contains("router_id lb1"));
}

TEST_CASE("Asking for signal numbers (--signum) answers as keepalived 2.2.7 does",
          "[daemon][cli]") {
  CHECK(run({"--signum=STOP"}).out == "15\n");
  CHECK(run({"--signum=RELOAD"}).out == "1\n");
  CHECK(run({"--signum=DATA"}).out == "10\n");
  CHECK(run({"--signum=STATS"}).out == "12\n");
  auto bad = run({"--signum=NOPE"});
  CHECK(bad.rc == 1);
}

TEST_CASE("A bad option is a usage error", "[daemon][cli]") {
  auto r = run({"--no-such-option"});
  CHECK(r.rc == kExitProgramError);
  CHECK_THAT(r.err, Catch::Contains("--no-such-option"));
  CHECK(run({"-h"}).out.find("--config-test") != std::string::npos);
  CHECK(run({"-v"}).out.find("vigild") == 0);
}

TEST_CASE("Interfaces must exist unless --no-interface-check is given", "[daemon][cli]") {
  const auto f =
      write_temp("iface.conf",
                 "vrrp_instance VI_1 {\n interface vigil-no-such0\n virtual_router_id 7\n"
                 " virtual_ipaddress {\n  198.18.0.1\n }\n}\n");
  auto checked = run({"-t", "-f", f});
  CHECK(checked.rc == kExitConfigTest);
  CHECK_THAT(checked.err, Catch::Contains("vigil-no-such0"));
  auto unchecked = run({"-t", "--no-interface-check", "-f", f});
  CHECK(unchecked.rc == 0);
  CHECK(unchecked.err.empty());
}

TEST_CASE("Config test (-t) exits 6 when scripts would run without script security",
          "[daemon][cli]") {
  auto r = run(
      {"-t", "-f", write_temp("insecure.conf", "global_defs {\n  startup_script /bin/true\n}\n")});
  CHECK(r.rc == kExitConfigTestSecurity);
  CHECK_THAT(r.err, Catch::Contains("insecure.conf:2:3: warning: SECURITY VIOLATION"));
  // A script whose program does not exist never runs, so it is no violation.
  auto gone =
      run({"-t", "-f",
           write_temp("gone.conf", "global_defs {\n  startup_script /nonexistent/x.sh\n}\n")});
  CHECK(gone.rc == 0);
}

TEST_CASE("The IPVS options parse (--dry-run, --ipvs-resync, -G)", "[daemon][cli]") {
  std::vector<std::string> args = {"vigild", "-C", "--dry-run", "--ipvs-resync=0.5", "-G"};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  std::ostringstream err;
  auto o = parse_args(static_cast<int>(argv.size()), argv.data(), err);
  REQUIRE(o);
  CHECK(o->check_only);
  CHECK(o->dry_run);
  CHECK(o->no_syslog);
  CHECK(o->ipvs_resync == std::chrono::milliseconds(500));
  for (const char* bad : {"--ipvs-resync=0", "--ipvs-resync=abc", "--ipvs-resync=1e9"}) {
    CHECK(run({bad}).rc == kExitProgramError);
  }
}

TEST_CASE("vigild -C --dry-run prints the ops for an empty table as ipvsadm -R input",
          "[daemon][cli]") {
  const auto conf = write_temp("dry.conf",
                               "virtual_server 198.18.0.1 80 {\n"
                               "  lvs_sched wrr\n  lvs_method DR\n  protocol TCP\n"
                               "  persistence_timeout 60\n"
                               "  real_server 198.18.1.1 80 { weight 3 }\n"
                               "}\n");
  const Run r = run({"-C", "--dry-run", "-f", conf});
  CHECK(r.rc == kExitOk);
  CHECK(r.out ==
        "-A -t 198.18.0.1:80 -s wrr -p 60\n"
        "-a -t 198.18.0.1:80 -r 198.18.1.1:80 -g -w 3\n");
}

TEST_CASE("vigild ipvs rejects unknown arguments without touching the kernel", "[daemon][cli]") {
  const Run r = run({"ipvs", "--bogus"});
  CHECK(r.rc == kExitProgramError);
  CHECK_THAT(r.err, Catch::Contains("unknown argument '--bogus'"));
  const Run h = run({"ipvs", "--help"});
  CHECK(h.rc == kExitOk);
  CHECK_THAT(h.out, Catch::Contains("ipvsadm -Ln"));
}
