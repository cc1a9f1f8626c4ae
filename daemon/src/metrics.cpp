// SPDX-License-Identifier: GPL-2.0-or-later
// Prometheus/OpenMetrics rendering of a State and the small HTTP listener that
// serves it (see metrics.hpp). The listener is a OneShotServer
// (one_shot_server.hpp): one request per connection, with a deadline and a
// bounded request buffer, so a scraper never holds the loop.
#include "metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <deque>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "one_shot_server.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::daemon {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  std::string value;
};

enum class Type { Gauge, Counter, Info };

/// One metric family: its name without the _total (counter) or _info (info) suffix.
struct Family {
  std::string name;
  Type type;
  std::string help;
  std::vector<Sample> samples;

  void add(Labels l, std::string v) { samples.push_back({std::move(l), std::move(v)}); }
  void add(Labels l, std::uint64_t v) { add(std::move(l), std::to_string(v)); }
  void add(Labels l, int v) { add(std::move(l), std::to_string(v)); }
  void add(Labels l, bool v) { add(std::move(l), std::string(v ? "1" : "0")); }
  void add(Labels l, double v) {
    std::string s;
    if (std::isnan(v)) {
      s = "NaN";
    } else if (std::isinf(v)) {
      s = v > 0 ? "+Inf" : "-Inf";
    } else {
      s = fmt::format("{}", v);
    }
    add(std::move(l), std::move(s));
  }
};

/// Label values: backslash, double quote and newline escaped (both formats).
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void write_family(std::string& out, const Family& f, MetricsFormat fmt_) {
  if (f.samples.empty()) {
    return;
  }
  const bool om = fmt_ == MetricsFormat::OpenMetrics;
  std::string sample_name = f.name;
  const char* type = "gauge";
  if (f.type == Type::Counter) {
    sample_name += "_total";
    type = "counter";
  } else if (f.type == Type::Info) {
    sample_name += "_info";
    type = om ? "info" : "gauge";
  }
  // Prometheus 0.0.4 names the family after its samples; OpenMetrics strips
  // the type's suffix.
  const std::string& family_name = om ? f.name : sample_name;
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family_name, f.help, family_name, type);
  for (const Sample& s : f.samples) {
    out += sample_name;
    if (!s.labels.empty()) {
      out += '{';
      for (std::size_t i = 0; i < s.labels.size(); ++i) {
        if (i > 0) {
          out += ',';
        }
        out += s.labels[i].first;
        out += "=\"";
        out += escape_label(s.labels[i].second);
        out += '"';
      }
      out += '}';
    }
    out += ' ';
    out += s.value;
    out += '\n';
  }
}

constexpr std::array<const char*, 5> kVrrpStates{"INIT", "BACKUP", "MASTER", "FAULT", "STOP"};

}  // namespace

const char* metrics_content_type(MetricsFormat f) {
  return f == MetricsFormat::OpenMetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

MetricsFormat negotiate_metrics_format(const std::string& accept) {
  return text::ascii_lower(accept).find("application/openmetrics-text") != std::string::npos
             ? MetricsFormat::OpenMetrics
             : MetricsFormat::Prometheus;
}

std::string render_metrics(const State& s, MetricsFormat f) {
  const DaemonStatus& d = s.daemon;
  // A deque: the references handed out stay valid as families are added.
  std::deque<Family> fams;
  auto fam = [&fams](std::string name, Type t, std::string help) -> Family& {
    fams.push_back(Family{std::move(name), t, std::move(help), {}});
    return fams.back();
  };

  fam("vigil_build", Type::Info, "The vigild version running.").add({{"version", d.version}}, 1);
  fam("vigil_uptime_seconds", Type::Gauge, "Seconds since vigild started.")
      .add({}, d.uptime_seconds);
  fam("vigil_reloads", Type::Counter, "Configuration reloads applied.").add({}, d.reloads);
  fam("vigil_reload_failures", Type::Counter,
      "Configuration reloads rejected because the new configuration had errors.")
      .add({}, d.reloads_failed);
  Family& half =
      fam("vigil_half_running", Type::Gauge, "1 if this half of the daemon runs (vrrp, ipvs).");
  half.add({{"half", "vrrp"}}, d.vrrp);
  half.add({{"half", "ipvs"}}, d.ipvs);

  Family& vinfo = fam("vigil_vrrp_instance", Type::Info, "Each VRRP instance and where it runs.");
  Family& vstate = fam("vigil_vrrp_state", Type::Gauge,
                       "1 for the state the VRRP instance is in, 0 for the others.");
  Family& vsecs = fam("vigil_vrrp_state_seconds", Type::Gauge,
                      "Seconds the VRRP instance has been in its current state.");
  Family& vprio = fam("vigil_vrrp_priority", Type::Gauge, "Configured VRRP priority.");
  Family& veff =
      fam("vigil_vrrp_effective_priority", Type::Gauge, "VRRP priority after tracking weights.");
  Family& vsent = fam("vigil_vrrp_adverts_sent", Type::Counter, "VRRP adverts sent.");
  Family& vrecv = fam("vigil_vrrp_adverts_received", Type::Counter, "VRRP adverts received.");
  Family& vbm =
      fam("vigil_vrrp_became_master", Type::Counter, "Transitions of the VRRP instance to MASTER.");
  Family& vrm = fam("vigil_vrrp_released_master", Type::Counter,
                    "Transitions of the VRRP instance out of MASTER.");
  Family& vdrop = fam("vigil_vrrp_packets_dropped", Type::Counter,
                      "Received VRRP adverts rejected (TTL, authentication, version...).");
  Family& vp0s =
      fam("vigil_vrrp_priority_zero_sent", Type::Counter, "VRRP adverts with priority 0 sent.");
  Family& vp0r = fam("vigil_vrrp_priority_zero_received", Type::Counter,
                     "VRRP adverts with priority 0 received.");
  for (const VrrpStatus& v : s.vrrp) {
    const Labels l{{"instance", v.name}};
    vinfo.add({{"instance", v.name},
               {"interface", v.interface},
               {"vrid", std::to_string(v.vrid)},
               {"version", std::to_string(v.version)},
               {"family", v.family},
               {"sync_group", v.sync_group}},
              1);
    for (const char* st : kVrrpStates) {
      vstate.add({{"instance", v.name}, {"state", st}}, v.state == st);
    }
    vsecs.add(l, v.state_seconds);
    vprio.add(l, v.base_priority);
    veff.add(l, v.effective_priority);
    vsent.add(l, v.adverts_sent);
    vrecv.add(l, v.adverts_received);
    vbm.add(l, v.became_master);
    vrm.add(l, v.released_master);
    vdrop.add(l, v.packets_dropped);
    vp0s.add(l, v.priority_zero_sent);
    vp0r.add(l, v.priority_zero_received);
  }

  Family& vsq = fam("vigil_virtual_server_quorum_up", Type::Gauge,
                    "1 if the virtual server has its quorum of alive real servers.");
  Family& vss = fam("vigil_virtual_server_sorry_active", Type::Gauge,
                    "1 if the virtual server's sorry server is installed.");
  Family& rsa =
      fam("vigil_real_server_alive", Type::Gauge, "1 if all the real server's checks pass.");
  Family& rsw =
      fam("vigil_real_server_weight", Type::Gauge, "The real server's configured weight.");
  Family& rsk = fam("vigil_real_server_kernel_weight", Type::Gauge,
                    "The real server's weight in the kernel's IPVS table.");
  Family& rsac = fam("vigil_real_server_active_connections", Type::Gauge,
                     "Active connections to the real server (IPVS).");
  Family& rsin = fam("vigil_real_server_inactive_connections", Type::Gauge,
                     "Inactive connections to the real server (IPVS).");
  // IPVS counters: the same five for services and destinations.
  struct CounterFams {
    Family* conns;
    Family* inpkts;
    Family* outpkts;
    Family* inbytes;
    Family* outbytes;
    void add(const Labels& l, const IpvsCounters& c) const {
      conns->add(l, c.conns);
      inpkts->add(l, c.inpkts);
      outpkts->add(l, c.outpkts);
      inbytes->add(l, c.inbytes);
      outbytes->add(l, c.outbytes);
    }
  };
  auto counter_fams = [&fam](const std::string& prefix, const std::string& what) {
    return CounterFams{
        &fam(prefix + "_connections", Type::Counter, "Connections scheduled to the " + what + "."),
        &fam(prefix + "_in_packets", Type::Counter, "Incoming packets of the " + what + "."),
        &fam(prefix + "_out_packets", Type::Counter, "Outgoing packets of the " + what + "."),
        &fam(prefix + "_in_bytes", Type::Counter, "Incoming bytes of the " + what + "."),
        &fam(prefix + "_out_bytes", Type::Counter, "Outgoing bytes of the " + what + ".")};
  };
  const CounterFams vsc = counter_fams("vigil_virtual_server", "virtual server (IPVS)");
  const CounterFams rsc = counter_fams("vigil_real_server", "real server (IPVS)");
  Family& cup = fam("vigil_check_up", Type::Gauge, "1 if the checker's last verdict is up.");
  Family& cdur = fam("vigil_check_last_duration_seconds", Type::Gauge,
                     "How long the checker's last finished probe took.");
  Family& cruns = fam("vigil_check_runs", Type::Counter, "Probes the checker finished.");
  Family& cfail = fam("vigil_check_failures", Type::Counter, "Probes of the checker that failed.");
  for (const VirtualServerStatus& vs : s.virtual_servers) {
    const Labels vl{{"virtual_server", vs.name}};
    vsq.add(vl, vs.quorum_up);
    vss.add(vl, vs.sorry_active);
    if (vs.counters) {
      vsc.add(vl, *vs.counters);
    }
    for (const RealServerStatus& rs : vs.real_servers) {
      const Labels rl{{"virtual_server", vs.name}, {"real_server", rs.address}};
      rsa.add(rl, rs.alive);
      rsw.add(rl, rs.weight);
      if (rs.kernel_weight) {
        rsk.add(rl, *rs.kernel_weight);
      }
      if (rs.counters) {
        rsac.add(rl, static_cast<std::uint64_t>(rs.active_conns));
        rsin.add(rl, static_cast<std::uint64_t>(rs.inactive_conns));
        rsc.add(rl, *rs.counters);
      }
      for (const CheckStatus& c : rs.checks) {
        const Labels cl{{"virtual_server", vs.name},
                        {"real_server", rs.address},
                        {"check", c.kind},
                        {"target", c.target}};
        cup.add(cl, c.up);
        if (c.last_latency_ms) {
          cdur.add(cl, *c.last_latency_ms / 1000.0);
        }
        cruns.add(cl, c.runs);
        cfail.add(cl, c.failures);
      }
    }
  }

  std::string out;
  for (const Family& x : fams) {
    write_family(out, x, f);
  }
  if (f == MetricsFormat::OpenMetrics) {
    out += "# EOF\n";
  }
  return out;
}

std::optional<tcp::endpoint> parse_listen_address(const std::string& text, std::string& err) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      err = "expected [IPV6]:PORT";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      err = "expected ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(host, ec);
  if (ec) {
    err = fmt::format("'{}' is not an IP address", host);
    return std::nullopt;
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoul(port) < 1 || std::stoul(port) > 65535) {
    err = fmt::format("'{}' is not a port number (1-65535)", port);
    return std::nullopt;
  }
  return tcp::endpoint(addr, static_cast<unsigned short>(std::stoul(port)));
}

// ---- The HTTP listener ----------------------------------------------------

namespace {

/// A whole response; the body only when `with_body` (HEAD and some errors
/// send the head alone).
std::string http_response(int code, const char* reason, const std::string& type,
                          const std::string& body, const std::string& extra, bool with_body) {
  std::string response = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
      code, reason, type, body.size(), extra);
  if (with_body) {
    response += body;
  }
  return response;
}

/// The response to a request head (request line and headers, up to the blank
/// line); nullopt when the client stopped before the head was whole.
std::optional<std::string> http_answer(RequestEnd end, const std::string& head,
                                       const MetricsServer::StateFn& state) {
  if (end == RequestEnd::TooLong) {
    return http_response(431, "Request Header Fields Too Large", "text/plain",
                         "request too large\n", {}, true);
  }
  if (end != RequestEnd::Delimiter) {
    return std::nullopt;
  }
  // Request line: METHOD SP TARGET SP HTTP/1.x
  const auto eol = head.find("\r\n");
  const std::string line = head.substr(0, eol);
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos ||
      line.find(' ', sp2 + 1) != std::string::npos || sp1 == 0 || sp2 == sp1 + 1 ||
      (line.substr(sp2 + 1) != "HTTP/1.1" && line.substr(sp2 + 1) != "HTTP/1.0")) {
    return http_response(400, "Bad Request", "text/plain", "bad request\n", {}, true);
  }
  const std::string method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  std::string accept;
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    const auto e = head.find("\r\n", pos);
    const std::string h = head.substr(pos, e - pos);
    pos = e == std::string::npos ? head.size() : e + 2;
    const auto colon = h.find(':');
    if (colon != std::string::npos && text::ascii_lower(h.substr(0, colon)) == "accept") {
      accept += std::string(trim_blanks(std::string_view(h).substr(colon + 1)));
      accept += ',';
    }
  }
  if (target != "/metrics") {
    return http_response(404, "Not Found", "text/plain", "not found: try /metrics\n", {},
                         method != "HEAD");
  }
  if (method != "GET" && method != "HEAD") {
    return http_response(405, "Method Not Allowed", "text/plain", "method not allowed\n",
                         "Allow: GET, HEAD\r\n", true);
  }
  const MetricsFormat f = negotiate_metrics_format(accept);
  return http_response(200, "OK", metrics_content_type(f), render_metrics(state(), f), {},
                       method == "GET");
}

}  // namespace

struct MetricsServer::Impl {
  std::shared_ptr<OneShotServer<tcp>> server;
};

MetricsServer::MetricsServer(asio::io_context& io, StateFn state, MetricsServerOptions opts)
    : impl_(std::make_unique<Impl>()) {
  OneShotHandler<tcp::socket> http;
  http.delimiter = "\r\n\r\n";
  http.answer = [fn = std::move(state)](RequestEnd end, const std::string& head,
                                        const OneShotHandler<tcp::socket>::Reply& reply) {
    reply(http_answer(end, head, fn));
  };
  // One deadline for the whole connection: request, response and close.
  impl_->server = std::make_shared<OneShotServer<tcp>>(
      io, std::move(http),
      OneShotLimits{opts.timeout, std::nullopt, opts.max_request, opts.max_connections});
}

MetricsServer::~MetricsServer() {
  stop();
}

std::string MetricsServer::start(const tcp::endpoint& at) {
  boost::system::error_code ec;
  auto& a = impl_->server->acceptor();
  if (a.open(at.protocol(), ec); ec) {
    return ec.message();
  }
  a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (a.bind(at, ec); ec) {
    a.close();
    return fmt::format("cannot listen on {}: {}",
                       fmt::to_string(at.address().to_string()) + ":" + std::to_string(at.port()),
                       ec.message());
  }
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) {
    a.close();
    return ec.message();
  }
  impl_->server->serve();
  return {};
}

tcp::endpoint MetricsServer::local_endpoint() const {
  boost::system::error_code ec;
  return impl_->server->acceptor().local_endpoint(ec);
}

void MetricsServer::stop() {
  impl_->server->stop();
}

}  // namespace vigil::daemon
