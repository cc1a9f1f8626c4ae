// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/daemon/cli.hpp"

#include <getopt.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string_view>
#include <utility>

#include "control.hpp"
#include "metrics.hpp"
#include "vigil/config/dump.hpp"
#include "vigil/config/load.hpp"
#include "vigil/daemon/checker.hpp"

namespace vigil::daemon {

namespace {

enum LongOnly : int {
  kOptAll = 1000,
  kOptFlushLogFile,
  kOptSignum,
  kOptPerf,
  kOptDebug,
  kOptNoMemCheck,
  kOptStrict,
  kOptNoInterfaceCheck,
  kOptDryRun,
  kOptIpvsResync,
  kOptDumpDir,
  kOptControlSocket,
  kOptMetricsListen,
  kOptDrainTimeout,
};

constexpr const char* kShortOpts = "f:PCBlDS:g:GXVIRndp:r:Tc:ab:s:ei:xA:u:mM::t::vh";

const option kLongOpts[] = {
    {"use-file", required_argument, nullptr, 'f'},
    {"vrrp", no_argument, nullptr, 'P'},
    {"check", no_argument, nullptr, 'C'},
    {"no_bfd", no_argument, nullptr, 'B'},
    {"all", no_argument, nullptr, kOptAll},
    {"log-console", no_argument, nullptr, 'l'},
    {"log-detail", no_argument, nullptr, 'D'},
    {"log-facility", required_argument, nullptr, 'S'},
    {"log-file", required_argument, nullptr, 'g'},
    {"flush-log-file", no_argument, nullptr, kOptFlushLogFile},
    {"no-syslog", no_argument, nullptr, 'G'},
    {"release-vips", no_argument, nullptr, 'X'},
    {"dont-release-vrrp", no_argument, nullptr, 'V'},
    {"dont-release-ipvs", no_argument, nullptr, 'I'},
    {"dont-respawn", no_argument, nullptr, 'R'},
    {"dont-fork", no_argument, nullptr, 'n'},
    {"dump-conf", optional_argument, nullptr, 'd'},
    {"pid", required_argument, nullptr, 'p'},
    {"vrrp_pid", required_argument, nullptr, 'r'},
    {"genhash", no_argument, nullptr, 'T'},
    {"checkers_pid", required_argument, nullptr, 'c'},
    {"address-monitoring", no_argument, nullptr, 'a'},
    {"bfd_pid", required_argument, nullptr, 'b'},
    {"namespace", required_argument, nullptr, 's'},
    {"all-config", no_argument, nullptr, 'e'},
    {"config-id", required_argument, nullptr, 'i'},
    {"snmp", no_argument, nullptr, 'x'},
    {"snmp-agent-socket", required_argument, nullptr, 'A'},
    {"umask", required_argument, nullptr, 'u'},
    {"core-dump", no_argument, nullptr, 'm'},
    {"core-dump-pattern", optional_argument, nullptr, 'M'},
    {"signum", required_argument, nullptr, kOptSignum},
    {"config-test", optional_argument, nullptr, 't'},
    {"perf", optional_argument, nullptr, kOptPerf},
    {"debug", optional_argument, nullptr, kOptDebug},
    {"no-mem-check", no_argument, nullptr, kOptNoMemCheck},
    {"strict", no_argument, nullptr, kOptStrict},
    {"no-interface-check", no_argument, nullptr, kOptNoInterfaceCheck},
    {"dry-run", no_argument, nullptr, kOptDryRun},
    {"ipvs-resync", required_argument, nullptr, kOptIpvsResync},
    {"dump-dir", required_argument, nullptr, kOptDumpDir},
    {"control-socket", required_argument, nullptr, kOptControlSocket},
    {"metrics-listen", required_argument, nullptr, kOptMetricsListen},
    {"drain-timeout", required_argument, nullptr, kOptDrainTimeout},
    {"version", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {nullptr, 0, nullptr, 0},
};

bool host_user_exists(const std::string& name) {
  std::array<char, 16384> buf{};
  passwd pw{};
  passwd* found = nullptr;
  return ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr;
}

bool host_group_exists(const std::string& name) {
  std::array<char, 16384> buf{};
  group gr{};
  group* found = nullptr;
  return ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr;
}

// An absolute or relative path is checked as it is; a bare name is looked up on
// PATH, as execvp() would.
bool host_program_exists(const std::string& program) {
  if (program.empty()) {
    return false;
  }
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), F_OK) == 0;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    if (::access((dir + "/" + program).c_str(), F_OK) == 0) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string usage() {
  return R"(Usage: vigild [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file
                                default '/etc/keepalived/keepalived.conf'
  -P, --vrrp                   Only run the VRRP subsystem
  -C, --check                  Only run the health-checker/IPVS subsystem
  -B, --no_bfd                 Don't run the BFD subsystem
      --all                    Run all subsystems, even if they have no configuration
  -l, --log-console            Log messages to the console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=([0-7]|local[0-7]|user|daemon)
  -g, --log-file=FILE          Write log entries to FILE
  -G, --no-syslog              Don't log via syslog
  -X, --release-vips           Drop VIPs on transition from signal
  -V, --dont-release-vrrp      Don't remove VRRP VIPs and VROUTEs on daemon stop
  -I, --dont-release-ipvs      Don't remove IPVS topology on daemon stop
  -R, --dont-respawn           Accepted for compatibility (vigil is one process)
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf[=json]       Dump the configuration (json: the normalized model as JSON)
  -p, --pid=FILE               Pidfile for the main process
  -r, --vrrp_pid=FILE          Pidfile for the VRRP subsystem
  -c, --checkers_pid=FILE      Pidfile for the checker subsystem
  -b, --bfd_pid=FILE           Pidfile for the BFD subsystem
  -e, --all-config             Error if any configuration file is missing
  -i, --config-id ID           Skip '@' lines that don't match ID and '@^' lines that do
                                (default: the host name without its domain)
      --signum=SIGFUNC         Print the signal number for STOP, RELOAD, DATA, STATS,
                                STATS_CLEAR or JSON
  -t, --config-test[=LOG_FILE] Check the configuration and exit; diagnostics go to
                                stderr, or to LOG_FILE
      --strict                 Treat unknown keywords as errors
      --no-interface-check     Don't require the configured interfaces to exist on this
                                host (to check a director's config elsewhere, e.g. in CI)
      --dry-run                With -C: print the IPVS ops for an empty table as
                                `ipvsadm -R` input, and exit without touching the kernel
      --ipvs-resync=SECONDS    How often to re-read the IPVS table and repair drift
                                (default 5)
      --dump-dir=DIR           Where the DATA, STATS and JSON signals write
                                keepalived.data/.stats/.json (default /tmp)
      --control-socket=PATH    The socket `vigild status` and `reload --dry-run` use
                                (default /run/vigild.sock; '' or 'none': no socket)
      --metrics-listen=ADDR:PORT  Serve Prometheus/OpenMetrics at http://ADDR:PORT/metrics
                                (off by default; IPv6 as [ADDR]:PORT)
      --drain-timeout=SECONDS  How long a real server removed by a reload keeps its
                                connections at weight 0 before it is deleted (default
                                60; 0 deletes it at once, as keepalived does)
  -v, --version                Display the version number
  -h, --help                   Display this help message
Exit status with -t: 0 valid, 4 cannot run, 5 errors (would run), 6 script security.

  vigild ipvs [list|save] [--stats|--rate] [--json]
                               Print the live IPVS table (as ipvsadm -Ln / -Sn would)
  vigild genhash -s SERVER [-p PORT] [-u PATH] [-S [-I]] [-V VHOST] [-P 1.0|1.0c|1.1]
                 [-t SECONDS] [-m FWMARK] [-v]    (also: vigild --genhash ...)
                               Print the MD5 digest of a page, for a url block's digest
  vigild status [--json] [--socket PATH]
                               The running daemon's instances, servers and checks
  vigild reload --dry-run [--socket PATH]
                               What a SIGHUP would change, without applying it
)";
}

std::optional<CliOptions> parse_args(int argc, char** argv, std::ostream& err) {
  CliOptions o;
  optind = 0;  // full re-initialisation, so tests can call this repeatedly
  opterr = 0;
  int c = 0;
  int long_index = 0;
  while ((c = getopt_long(argc, argv, kShortOpts, kLongOpts, &long_index)) != -1) {
    const std::string arg = optarg != nullptr ? optarg : "";
    switch (c) {
      case 'f':
        o.use_file = arg;
        break;
      case 'P':
        o.vrrp_only = true;
        break;
      case 'C':
        o.check_only = true;
        break;
      case 'B':
        o.no_bfd = true;
        break;
      case kOptAll:
        o.all = true;
        break;
      case 'l':
        o.log_console = true;
        break;
      case 'D':
        o.log_detail = true;
        break;
      case 'n':
        o.dont_fork = true;
        break;
      case 'd':
        if (optarg == nullptr || arg == "text") {
          o.dump_conf = DumpFormat::Text;
        } else if (arg == "json") {
          o.dump_conf = DumpFormat::Json;
        } else {
          err << "vigild: --dump-conf takes 'json' or 'text', not '" << arg << "'\n";
          return std::nullopt;
        }
        break;
      case 'p':
        o.pid_file = arg;
        break;
      case 'r':
        o.vrrp_pid_file = arg;
        break;
      case 'c':
        o.checkers_pid_file = arg;
        break;
      case 'b':
        o.bfd_pid_file = arg;
        break;
      case 'e':
        o.all_config = true;
        break;
      case 'i':
        o.config_id = arg;
        break;
      case 'X':
        o.release_vips = true;
        break;
      case 'V':
        o.dont_release_vrrp = true;
        break;
      case 'I':
        o.dont_release_ipvs = true;
        break;
      case 'R':
        o.dont_respawn = true;
        break;
      case 't':
        o.config_test = true;
        if (optarg != nullptr) {
          o.config_test_log = arg;
        }
        break;
      case kOptSignum:
        o.signum = arg;
        break;
      case kOptStrict:
        o.strict = true;
        break;
      case kOptNoInterfaceCheck:
        o.no_interface_check = true;
        break;
      case kOptDryRun:
        o.dry_run = true;
        break;
      case kOptIpvsResync: {
        char* end = nullptr;
        const double secs = std::strtod(arg.c_str(), &end);
        if (arg.empty() || end == nullptr || *end != '\0' || !(secs >= 0.1 && secs <= 86400)) {
          err << "vigild: --ipvs-resync takes seconds between 0.1 and 86400, not '" << arg << "'\n";
          return std::nullopt;
        }
        o.ipvs_resync = std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000));
        break;
      }
      case kOptDumpDir:
        if (arg.empty()) {
          err << "vigild: --dump-dir takes a directory\n";
          return std::nullopt;
        }
        o.dump_dir = arg;
        break;
      case kOptControlSocket:
        o.control_socket = arg == "none" ? "" : arg;
        break;
      case kOptMetricsListen: {
        std::string why;
        if (!parse_listen_address(arg, why)) {
          err << "vigild: --metrics-listen=" << arg << ": " << why << "\n";
          return std::nullopt;
        }
        o.metrics_listen = arg;
        break;
      }
      case kOptDrainTimeout: {
        char* end = nullptr;
        const long secs = std::strtol(arg.c_str(), &end, 10);
        if (arg.empty() || end == nullptr || *end != '\0' || secs < 0 || secs > 86400) {
          err << "vigild: --drain-timeout takes whole seconds from 0 to 86400, not '" << arg
              << "'\n";
          return std::nullopt;
        }
        o.drain_timeout = std::chrono::seconds(secs);
        break;
      }
      case 'G':
        o.no_syslog = true;
        break;
      case 'v':
        o.show_version = true;
        break;
      case 'h':
        o.show_help = true;
        break;
      case 'S':
      case 'g':
      case 'T':
      case 'a':
      case 's':
      case 'x':
      case 'A':
      case 'u':
      case 'm':
      case 'M':
      case kOptFlushLogFile:
      case kOptPerf:
      case kOptDebug:
      case kOptNoMemCheck:
        o.ignored.push_back(argv[optind - 1]);
        break;
      case '?':
      default:
        if (optopt != 0 && optopt < 256) {
          err << "vigild: invalid option or missing argument: -" << static_cast<char>(optopt)
              << "\n";
        } else {
          err << "vigild: unrecognised option '" << argv[optind - 1] << "'\n";
        }
        err << "Try 'vigild --help'.\n";
        return std::nullopt;
    }
  }
  if (optind < argc) {
    err << "vigild: unexpected argument '" << argv[optind] << "'\nTry 'vigild --help'.\n";
    return std::nullopt;
  }
  return o;
}

std::optional<int> signum_for(const std::string& name) {
  if (name == "STOP") {
    return SIGTERM;
  }
  if (name == "RELOAD") {
    return SIGHUP;
  }
  if (name == "DATA") {
    return SIGUSR1;
  }
  if (name == "STATS") {
    return SIGUSR2;
  }
  if (name == "STATS_CLEAR") {
    return SIGRTMAX - 1;
  }
  if (name == "JSON") {
    return SIGRTMIN + 2;
  }
  return std::nullopt;
}

std::string short_hostname() {
  utsname u{};
  if (::uname(&u) != 0) {
    return {};
  }
  std::string h = u.nodename;
  return h.substr(0, h.find('.'));
}

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (argc >= 2 && std::string_view(argv[1]) == "ipvs") {
    return run_ipvs_tool(argc - 1, argv + 1, out, err);
  }
  if (argc >= 2 &&
      (std::string_view(argv[1]) == "genhash" || std::string_view(argv[1]) == "--genhash")) {
    return run_genhash(argc - 1, argv + 1, out, err);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "status") {
    return run_status(argc - 1, argv + 1, out, err);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "reload") {
    return run_reload(argc - 1, argv + 1, out, err);
  }
  auto opts = parse_args(argc, argv, err);
  if (!opts) {
    return kExitProgramError;
  }
  if (opts->show_help) {
    out << usage();
    return kExitOk;
  }
  if (opts->show_version) {
    out << "vigild " << VIGIL_VERSION << " (keepalived 2.2.7 configuration compatible)\n";
    return kExitOk;
  }
  if (opts->signum) {
    if (auto s = signum_for(*opts->signum)) {
      out << *s << "\n";
      return kExitOk;
    }
    err << "Unknown sigfunc " << *opts->signum << "\n";
    return kExitNoMemory;
  }

  config::LoadOptions lo;
  lo.config_id = opts->config_id.value_or(short_hostname());
  lo.strict = opts->strict;
  lo.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  };
  lo.random_seed = static_cast<std::uint32_t>(::getpid());
  if (!opts->no_interface_check) {
    lo.interface_exists = [](const std::string& name) {
      return ::if_nametoindex(name.c_str()) != 0;
    };
  }

  lo.user_exists = [](const std::string& name) { return host_user_exists(name); };
  lo.group_exists = [](const std::string& name) { return host_group_exists(name); };
  lo.script_exists = [](const std::string& program) { return host_program_exists(program); };

  const ConfigLoader load = [&opts, lo]() {
    config::DiskFileSource fs;
    return config::load_file(opts->use_file, fs, lo);
  };
  config::LoadResult r = load();

  std::ofstream log_file;
  std::ostream* diag_out = &err;
  if (opts->config_test_log) {
    log_file.open(*opts->config_test_log, std::ios::app);
    if (!log_file) {
      err << "vigild: cannot open " << *opts->config_test_log << " for writing\n";
      return kExitProgramError;
    }
    diag_out = &log_file;
  }
  for (const auto& d : r.diags.all()) {
    *diag_out << config::format(d) << "\n";
  }

  if (opts->dump_conf == DumpFormat::Json) {
    out << config::dump_json(r.model);
  } else if (opts->dump_conf == DumpFormat::Text) {
    out << config::dump_text(r.model);
  }

  if (opts->config_test) {
    return r.diags.config_test_status();
  }
  if (opts->dump_conf != DumpFormat::None) {
    return r.diags.has_fatal() ? kExitConfig : kExitOk;
  }
  if (r.diags.has_fatal()) {
    return kExitConfig;
  }
  return run_checker(*opts, load, std::move(r), out);
}

}  // namespace vigil::daemon
