// SPDX-License-Identifier: GPL-2.0-or-later
// `vigild genhash`: keepalived's genhash(1) options, printing the MD5 digest
// of a page's body for the `digest` of an HTTP_GET/SSL_GET url block.
#include "vigil/hc/io/genhash.hpp"

#include <getopt.h>

#include <charconv>
#include <ostream>
#include <string>
#include <string_view>

#include "vigil/daemon/cli.hpp"

namespace vigil::daemon {

namespace {

constexpr const char* kGenhashShort = "s:p:u:SIV:vhm:P:t:";

constexpr option kGenhashLong[] = {
    {"server", required_argument, nullptr, 's'},
    {"port", required_argument, nullptr, 'p'},
    {"url", required_argument, nullptr, 'u'},
    {"use-ssl", no_argument, nullptr, 'S'},
    {"use-sni", no_argument, nullptr, 'I'},
    {"use-virtualhost", required_argument, nullptr, 'V'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"fwmark", required_argument, nullptr, 'm'},
    {"protocol", required_argument, nullptr, 'P'},
    {"timeout", required_argument, nullptr, 't'},
    {nullptr, 0, nullptr, 0},
};

std::string genhash_usage() {
  return R"(Usage: vigild genhash -s SERVER [OPTION...]   (also: vigild --genhash ...)
  -s, --server=ADDRESS         The server to connect to
  -p, --port=PORT              Its port (default 80, 443 with -S)
  -u, --url=PATH               The path to fetch (default /)
  -S, --use-ssl                Use TLS (the certificate is not verified)
  -I, --use-sni                Send the virtual host (-V) as the TLS server name
  -V, --use-virtualhost=HOST   The Host header to send
  -P, --protocol=VERSION       HTTP version: 1.0, 1.0c (1.0 with Connection: close), 1.1
  -t, --timeout=SECONDS        Connection timeout (default 5)
  -m, --fwmark=MARK            Firewall mark for the connection
  -v, --verbose                Show the request, the response header and timing
  -h, --help                   Display this help message
Prints the MD5 digest of the response body, whatever the HTTP status.
)";
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

int run_genhash(int argc, char** argv, std::ostream& out, std::ostream& err) {
  hc::io::GenhashOptions o;
  bool verbose = false;
  optind = 0;
  opterr = 0;
  int c = 0;
  while ((c = getopt_long(argc, argv, kGenhashShort, kGenhashLong, nullptr)) != -1) {
    const std::string arg = optarg != nullptr ? optarg : "";
    switch (c) {
      case 's':
        o.server = arg;
        break;
      case 'p':
        if (!parse_number(arg, o.port) || o.port == 0) {
          err << "vigild genhash: bad port '" << arg << "'\n";
          return kExitProgramError;
        }
        break;
      case 'u':
        o.url = arg;
        break;
      case 'S':
        o.ssl = true;
        break;
      case 'I':
        o.sni = true;
        break;
      case 'V':
        o.virtualhost = arg;
        break;
      case 'v':
        verbose = true;
        break;
      case 'h':
        out << genhash_usage();
        return kExitOk;
      case 'm': {
        std::uint32_t mark = 0;
        if (!parse_number(arg, mark)) {
          err << "vigild genhash: bad fwmark '" << arg << "'\n";
          return kExitProgramError;
        }
        o.fwmark = mark;
        break;
      }
      case 'P':
        if (arg == "1.0") {
          o.protocol = config::HttpProtocol::v1_0;
        } else if (arg == "1.0c" || arg == "1.0C") {
          o.protocol = config::HttpProtocol::v1_0C;
        } else if (arg == "1.1") {
          o.protocol = config::HttpProtocol::v1_1;
        } else {
          err << "vigild genhash: protocol must be 1.0, 1.0c or 1.1, not '" << arg << "'\n";
          return kExitProgramError;
        }
        break;
      case 't': {
        unsigned secs = 0;
        if (!parse_number(arg, secs) || secs == 0 || secs > 86400) {
          err << "vigild genhash: bad timeout '" << arg << "'\n";
          return kExitProgramError;
        }
        o.timeout = std::chrono::seconds(secs);
        break;
      }
      default:
        err << "vigild genhash: unknown option '" << argv[optind - 1] << "'\n" << genhash_usage();
        return kExitProgramError;
    }
  }
  if (optind < argc) {
    err << "vigild genhash: unexpected argument '" << argv[optind] << "'\n";
    return kExitProgramError;
  }
  if (o.server.empty()) {
    err << "vigild genhash: -s SERVER is required\n" << genhash_usage();
    return kExitProgramError;
  }
  if (o.sni && o.virtualhost.empty()) {
    err << "vigild genhash: -I needs a virtual host (-V)\n";
    return kExitProgramError;
  }
  const hc::io::GenhashResult r = hc::io::genhash_fetch(o);
  if (verbose) {
    out << r.request << "\n";
    if (!r.headers.empty()) {
      out << "----- response header -----\n" << r.headers;
    }
  }
  if (!r.ok) {
    err << "vigild genhash: " << (r.request.empty() ? o.server : r.request) << ": " << r.error
        << "\n";
    return 1;
  }
  if (verbose) {
    out << "----- body: " << r.body_bytes << " bytes, HTTP status " << r.status << " -----\n"
        << "MD5 digest: ";
  }
  out << r.digest_hex << "\n";
  if (verbose) {
    out << "response time: " << r.elapsed.count() << " us\n";
  }
  return kExitOk;
}

}  // namespace vigil::daemon
