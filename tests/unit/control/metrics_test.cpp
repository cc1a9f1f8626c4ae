// SPDX-License-Identifier: GPL-2.0-or-later
// The metrics renders (golden files, and the reference Python client's
// Prometheus and OpenMetrics parsers) and the HTTP listener on 127.0.0.1 with
// real clients: Python's urllib, and raw sockets for bad requests.
#include "metrics.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "golden.hpp"
#include "sample_state.hpp"

using namespace vigil::daemon;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::filesystem::path here() {
  return vigil::test::source_dir() / "tests/unit/control";
}

struct PyResult {
  int rc = -1;
  std::vector<json> lines;
};

/// Runs check_metrics.py (Debian's python3, where python3-prometheus-client is).
PyResult python(const std::string& mode, const std::string& where) {
  const std::string cmd = "/usr/bin/python3 " + (here() / "check_metrics.py").string() + " " +
                          mode + " '" + where + "'";
  PyResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  const int st = ::pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const auto e = out.find('\n', pos);
    r.lines.push_back(json::parse(out.substr(pos, e - pos)));
    pos = e == std::string::npos ? out.size() : e + 1;
  }
  return r;
}

/// The value of the one sample with this name and these labels (NaN if none).
double value(const PyResult& r, const std::string& name, const json& labels) {
  for (const json& l : r.lines) {
    if (l.contains("name") && l["name"] == name && l["labels"] == labels) {
      return l["value"].get<double>();
    }
  }
  return std::nan("");
}

std::string temp_file(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

/// What a real consumer must see in the sample State, in either format.
void check_samples(const PyResult& r) {
  CHECK(r.rc == 0);
  CHECK(value(r, "vigil_build_info", {{"version", "0.1.0"}}) == 1);
  CHECK(value(r, "vigil_reloads_total", json::object()) == 2);
  CHECK(value(r, "vigil_reload_failures_total", json::object()) == 1);
  CHECK(value(r, "vigil_uptime_seconds", json::object()) == 3723.5);
  CHECK(value(r, "vigil_vrrp_state", {{"instance", "VI_1"}, {"state", "MASTER"}}) == 1);
  CHECK(value(r, "vigil_vrrp_state", {{"instance", "VI_1"}, {"state", "BACKUP"}}) == 0);
  // The escaped instance name comes back as it was.
  const std::string odd = "odd \"name\" \\ here";
  CHECK(value(r, "vigil_vrrp_state", {{"instance", odd}, {"state", "BACKUP"}}) == 1);
  CHECK(value(r, "vigil_vrrp_priority", {{"instance", "VI_1"}}) == 150);
  CHECK(value(r, "vigil_vrrp_effective_priority", {{"instance", "VI_1"}}) == 140);
  CHECK(value(r, "vigil_vrrp_adverts_sent_total", {{"instance", "VI_1"}}) == 1000);
  CHECK(value(r, "vigil_vrrp_adverts_received_total", {{"instance", odd}}) == 50);
  CHECK(value(r, "vigil_vrrp_became_master_total", {{"instance", "VI_1"}}) == 2);
  const json rs1{{"virtual_server", "198.18.0.100:80 TCP"}, {"real_server", "198.18.0.11:80"}};
  const json rs2{{"virtual_server", "198.18.0.100:80 TCP"}, {"real_server", "198.18.0.12:80"}};
  CHECK(value(r, "vigil_real_server_alive", rs1) == 1);
  CHECK(value(r, "vigil_real_server_alive", rs2) == 0);
  CHECK(value(r, "vigil_real_server_weight", rs1) == 3);
  CHECK(value(r, "vigil_real_server_kernel_weight", rs1) == 3);
  CHECK(std::isnan(value(r, "vigil_real_server_kernel_weight", rs2)));  // not in the kernel
  CHECK(value(r, "vigil_real_server_active_connections", rs1) == 7);
  CHECK(value(r, "vigil_real_server_inactive_connections", rs1) == 12);
  CHECK(value(r, "vigil_real_server_out_bytes_total", rs1) == 8000000);
  CHECK(value(r, "vigil_virtual_server_connections_total",
              {{"virtual_server", "198.18.0.100:80 TCP"}}) == 120);
  CHECK(value(r, "vigil_virtual_server_quorum_up", {{"virtual_server", "fwmark 5"}}) == 0);
  CHECK(value(r, "vigil_virtual_server_sorry_active", {{"virtual_server", "fwmark 5"}}) == 1);
  json chk = rs1;
  chk["check"] = "HTTP_GET";
  chk["target"] = "198.18.0.11:80";
  CHECK(value(r, "vigil_check_up", chk) == 1);
  CHECK(value(r, "vigil_check_runs_total", chk) == 40);
  CHECK(value(r, "vigil_check_failures_total", chk) == 1);
  CHECK(value(r, "vigil_check_last_duration_seconds", chk) == Approx(0.00125));
  json misc = rs2;
  misc["check"] = "MISC_CHECK";
  misc["target"] = "/bin/check \"x\"\nnext";  // newline and quotes survive escaping
  CHECK(value(r, "vigil_check_failures_total", misc) == 3);
  CHECK(value(r, "vigil_check_last_duration_seconds", misc) == Approx(0.0155));
}

/// One raw HTTP exchange with a bounded wait: sends `req`, reads until close.
std::string http_raw(unsigned short port, const std::string& req) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  timeval tv{10, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (!req.empty()) {
    asio::write(s, asio::buffer(req));
  }
  std::string got;
  std::array<char, 65536> buf{};
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    got.append(buf.data(), n);
    if (ec) {
      break;
    }
  }
  return got;
}

std::string status_line(const std::string& resp) {
  return resp.substr(0, resp.find("\r\n"));
}

struct MetricsThread {
  asio::io_context io;
  MetricsServer server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread t;
  unsigned short port = 0;
  explicit MetricsThread(MetricsServerOptions o = {})
      : server(
            io, [] { return vigil::test::sample_state(); }, o) {
    REQUIRE(server.start(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)).empty());
    port = server.local_endpoint().port();
    work.emplace(io.get_executor());
    t = std::thread([this] { io.run(); });
  }
  MetricsThread(const MetricsThread&) = delete;
  MetricsThread& operator=(const MetricsThread&) = delete;
  MetricsThread(MetricsThread&&) = delete;
  MetricsThread& operator=(MetricsThread&&) = delete;
  ~MetricsThread() {
    work.reset();
    io.stop();
    t.join();
  }
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  }
};

}  // namespace

TEST_CASE("metrics renders match their golden files", "[metrics]") {
  const auto s = vigil::test::sample_state();
  const std::string prom = render_metrics(s, MetricsFormat::Prometheus);
  CHECK(prom == vigil::test::golden(here() / "golden/metrics.prom", prom));
  const std::string om = render_metrics(s, MetricsFormat::OpenMetrics);
  CHECK(om == vigil::test::golden(here() / "golden/metrics.om", om));
  CHECK(om.size() >= 6);
  CHECK(om.substr(om.size() - 6) == "# EOF\n");
  CHECK(prom.find("# EOF") == std::string::npos);
}

TEST_CASE("the Prometheus render parses with the reference parser", "[metrics]") {
  const auto s = vigil::test::sample_state();
  check_samples(python(
      "prom", temp_file("vigil-metrics.prom", render_metrics(s, MetricsFormat::Prometheus))));
}

TEST_CASE("the OpenMetrics render parses with the reference parser", "[metrics]") {
  const auto s = vigil::test::sample_state();
  const PyResult r =
      python("om", temp_file("vigil-metrics.om", render_metrics(s, MetricsFormat::OpenMetrics)));
  check_samples(r);
  bool info = false;
  for (const json& l : r.lines) {
    info = info || (l["family"] == "vigil_build" && l["type"] == "info");
  }
  CHECK(info);
}

TEST_CASE("an empty State renders and parses", "[metrics]") {
  const State s;
  CHECK(python("prom", temp_file("vigil-empty.prom", render_metrics(s, MetricsFormat::Prometheus)))
            .rc == 0);
  CHECK(
      python("om", temp_file("vigil-empty.om", render_metrics(s, MetricsFormat::OpenMetrics))).rc ==
      0);
}

TEST_CASE("content negotiation", "[metrics]") {
  CHECK(negotiate_metrics_format("") == MetricsFormat::Prometheus);
  CHECK(negotiate_metrics_format("text/plain;version=0.0.4") == MetricsFormat::Prometheus);
  CHECK(negotiate_metrics_format("application/openmetrics-text; version=1.0.0,text/plain;q=0.5") ==
        MetricsFormat::OpenMetrics);
  CHECK(negotiate_metrics_format("Application/OpenMetrics-Text") == MetricsFormat::OpenMetrics);
}

TEST_CASE("listen addresses", "[metrics]") {
  std::string err;
  auto a = parse_listen_address("127.0.0.1:9650", err);
  REQUIRE(a);
  CHECK(a->port() == 9650);
  a = parse_listen_address("[::1]:80", err);
  REQUIRE(a);
  CHECK(a->address().is_v6());
  for (const char* bad :
       {"", ":", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536", "localhost:80",
        "::1:80", "[::1]", "[::1]80", "[nope]:80", "127.0.0.1:123456"}) {
    INFO(bad);
    err.clear();
    CHECK_FALSE(parse_listen_address(bad, err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("the HTTP endpoint serves both formats to a real client", "[metrics][http]") {
  MetricsThread m;
  PyResult r = python("fetch", m.url());
  REQUIRE_FALSE(r.lines.empty());
  CHECK(r.lines[0]["content_type"] == "text/plain; version=0.0.4; charset=utf-8");
  check_samples(r);
  r = python("fetch-om", m.url());
  REQUIRE_FALSE(r.lines.empty());
  CHECK(r.lines[0]["content_type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8");
  check_samples(r);
}

TEST_CASE("the HTTP endpoint rejects bad requests and keeps serving", "[metrics][http]") {
  MetricsServerOptions o;
  o.timeout = 300ms;
  MetricsThread m(o);
  const std::string body = render_metrics(vigil::test::sample_state(), MetricsFormat::Prometheus);

  std::string resp = http_raw(m.port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_line(resp) == "HTTP/1.1 200 OK");
  CHECK(resp.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  CHECK(resp.substr(resp.find("\r\n\r\n") + 4) == body);

  resp = http_raw(m.port, "GET /metrics?name[]=x HTTP/1.0\r\n\r\n");
  CHECK(status_line(resp) == "HTTP/1.1 200 OK");

  resp = http_raw(m.port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  CHECK(status_line(resp) == "HTTP/1.1 200 OK");
  CHECK(resp.substr(resp.find("\r\n\r\n") + 4).empty());

  resp = http_raw(m.port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(status_line(resp) == "HTTP/1.1 405 Method Not Allowed");
  CHECK(resp.find("Allow: GET, HEAD\r\n") != std::string::npos);

  CHECK(status_line(http_raw(m.port, "GET / HTTP/1.1\r\n\r\n")) == "HTTP/1.1 404 Not Found");
  CHECK(status_line(http_raw(m.port, "GET /metricsx HTTP/1.1\r\n\r\n")) ==
        "HTTP/1.1 404 Not Found");
  for (const char* garbage :
       {"hello\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics HTTP/2.0\r\n\r\n",
        "GET  /metrics HTTP/1.1\r\n\r\n", "\x16\x03\x01\x02\r\n\r\n"}) {
    INFO(garbage);
    CHECK(status_line(http_raw(m.port, garbage)) == "HTTP/1.1 400 Bad Request");
  }
  // Headers past the bound (8 KiB) are refused at the bound, whatever follows.
  for (std::size_t len : {std::size_t{8192}, std::size_t{100000}}) {
    INFO(len);
    std::string big = "GET /metrics HTTP/1.1\r\nX: ";
    big.append(len - big.size(), 'a');
    resp = http_raw(m.port, big);
    CHECK(status_line(resp) == "HTTP/1.1 431 Request Header Fields Too Large");
  }

  // A client that never finishes its request is closed after the timeout.
  const auto before = std::chrono::steady_clock::now();
  CHECK(http_raw(m.port, "GET /metrics HTTP/1.1\r\n").empty());
  CHECK(std::chrono::steady_clock::now() - before >= 250ms);

  CHECK(status_line(http_raw(m.port, "GET /metrics HTTP/1.1\r\n\r\n")) == "HTTP/1.1 200 OK");
}

TEST_CASE("many scrapers at once", "[metrics][http]") {
  MetricsThread m;
  asio::io_context io;
  constexpr int kClients = 24;
  std::vector<std::unique_ptr<tcp::socket>> socks;
  for (int i = 0; i < kClients; ++i) {
    socks.push_back(std::make_unique<tcp::socket>(io));
    socks.back()->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), m.port));
  }
  // All connected before any request is sent: the server holds them together.
  const std::string req = "GET /metrics HTTP/1.1\r\n\r\n";
  int ok = 0;
  for (auto& s : socks) {
    asio::write(*s, asio::buffer(req));
  }
  for (auto& s : socks) {
    timeval tv{10, 0};
    ::setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    std::string got;
    std::array<char, 65536> buf{};
    boost::system::error_code ec;
    while (!ec) {
      const std::size_t n = s->read_some(asio::buffer(buf), ec);
      got.append(buf.data(), n);
    }
    ok += status_line(got) == "HTTP/1.1 200 OK" ? 1 : 0;
  }
  CHECK(ok == kClients);
}

TEST_CASE("a port in use is a clear error", "[metrics][http]") {
  MetricsThread m;
  asio::io_context io;
  MetricsServer other(io, [] { return State{}; });
  const std::string why = other.start(tcp::endpoint(asio::ip::make_address("127.0.0.1"), m.port));
  CHECK(why.find("cannot listen on 127.0.0.1:" + std::to_string(m.port)) == 0);
}
