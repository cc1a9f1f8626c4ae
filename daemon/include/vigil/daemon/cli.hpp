// SPDX-License-Identifier: GPL-2.0-or-later
// The command line: keepalived(8)'s options parsed into a value, and the
// top-level run for the modes this build supports.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace vigil::daemon {

/// keepalived's exit codes (the 2.2.7 binary's values; its man page is off by one).
enum ExitCode : int {
  kExitOk = 0,
  kExitNoMemory = 1,
  kExitProgramError = 2,
  kExitFatal = 3,
  kExitConfig = 4,              ///< -t: the configuration cannot run
  kExitConfigTest = 5,          ///< -t: errors, but it would run
  kExitConfigTestSecurity = 6,  ///< -t: scripts configured without script security
  kExitNoConfig = 7,
};

enum class DumpFormat { None, Text, Json };

struct CliOptions {
  std::string use_file = "/etc/keepalived/keepalived.conf";
  bool config_test = false;
  std::optional<std::string> config_test_log;  ///< -t=FILE
  DumpFormat dump_conf = DumpFormat::None;
  bool dont_fork = false;
  bool log_console = false;
  bool log_detail = false;
  bool vrrp_only = false;   ///< -P
  bool check_only = false;  ///< -C
  bool no_bfd = false;      ///< -B
  bool all = false;
  bool strict = false;              ///< vigil: unknown keywords are errors
  bool no_interface_check = false;  ///< vigil: don't require interfaces to exist here
  bool dry_run = false;             ///< vigil: -C prints its IPVS ops instead of applying them
  std::chrono::milliseconds ipvs_resync{5000};  ///< vigil: IPVS drift-repair interval
  /// vigil: how long a real server removed by a reload drains (0: deleted at once).
  std::chrono::seconds drain_timeout{60};
  bool no_syslog = false;   ///< -G
  bool all_config = false;  ///< -e
  std::optional<std::string> config_id;
  std::string pid_file = "/run/keepalived.pid";
  std::string vrrp_pid_file = "/run/keepalived_vrrp.pid";
  std::string checkers_pid_file = "/run/keepalived_checkers.pid";
  std::string bfd_pid_file = "/run/keepalived_bfd.pid";
  std::optional<std::string> signum;
  /// vigil: where SIGUSR1/SIGUSR2/JSON write keepalived.data/.stats/.json
  /// (keepalived's fixed /tmp by default).
  std::string dump_dir = "/tmp";
  bool release_vips = false;       ///< -X
  bool dont_release_vrrp = false;  ///< -V
  bool dont_release_ipvs = false;  ///< -I
  bool dont_respawn = false;       ///< -R
  bool show_version = false;
  bool show_help = false;
  std::vector<std::string> ignored;  ///< accepted for compatibility, no effect yet

  // vigil: the control socket (`vigild status`, `reload --dry-run`); "" = none.
  std::string control_socket = "/run/vigild.sock";
  // vigil: serve metrics at http://ADDR:PORT/metrics; off by default.
  std::optional<std::string> metrics_listen;
};

/// Parses argv. On a usage error returns nullopt and writes the message to err.
std::optional<CliOptions> parse_args(int argc, char** argv, std::ostream& err);

/// `--signum=NAME` as keepalived answers it, or nullopt for an unknown name.
std::optional<int> signum_for(const std::string& name);

/// The short host name (keepalived's default config id).
std::string short_hostname();

/// Runs vigild with the given command line; returns the exit status.
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

std::string usage();

/// `vigild genhash ...` / `vigild --genhash ...` (argv[0] is "genhash"): keepalived's
/// genhash options; prints the MD5 digest of the page's body. 0 on success.
int run_genhash(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace vigil::daemon
