// SPDX-License-Identifier: GPL-2.0-or-later
// CurlMulti on the Asio loop: many concurrent transfers complete, each once,
// never from inside start(); abandon() drops a transfer; no descriptor stays
// open afterwards (counted in /proc/self/fd).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "http_server_util.hpp"
#include "vigil/hc/io/curl_multi.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

size_t sink(char* /*data*/, size_t size, size_t nmemb, void* user) {
  *static_cast<std::size_t*>(user) += size * nmemb;
  return size * nmemb;
}

void setup(CURL* h, const std::string& u, std::size_t* bytes, long timeout_ms = 5000) {
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, u.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, bytes);
}

}  // namespace

TEST_CASE("CurlMulti runs concurrent transfers on the loop and leaks nothing", "[hc_io][curl]") {
  test::TempDir dir;
  test::PyServer srv(dir, false);
  REQUIRE(srv.port != 0);
  boost::asio::io_context io;
  const std::string ok = "http://127.0.0.1:" + std::to_string(srv.port) + "/ok";

  SECTION("50 transfers at once, three rounds") {
    hc::io::CurlMulti multi(io);
    {
      // Warm-up so descriptors the libraries open once are in the baseline.
      hc::io::CurlEasy h;
      std::size_t bytes = 0;
      setup(h.get(), ok, &bytes);
      bool done = false;
      multi.start(h.get(), [&](CURLcode) { done = true; });
      REQUIRE(test::run_until(io, [&] { return done; }));
    }
    const auto before = test::open_fds();
    for (int round = 0; round < 3; ++round) {
      std::vector<hc::io::CurlEasy> handles(50);
      std::vector<std::size_t> bytes(handles.size(), 0);
      std::vector<int> calls(handles.size(), 0);
      std::vector<CURLcode> codes(handles.size(), CURLE_OK);
      for (std::size_t i = 0; i < handles.size(); ++i) {
        setup(handles[i].get(), ok, &bytes[i]);
        multi.start(handles[i].get(), [&, i](CURLcode c) {
          ++calls[i];
          codes[i] = c;
        });
      }
      CHECK(multi.running() == handles.size());
      CHECK(std::all_of(calls.begin(), calls.end(), [](int c) { return c == 0; }));
      REQUIRE(test::run_until(
          io, [&] { return multi.running() == 0; }, 20s));
      test::run_until(
          io, [] { return false; }, 50ms);  // let stray handlers run
      for (std::size_t i = 0; i < handles.size(); ++i) {
        CHECK(calls[i] == 1);
        CHECK(codes[i] == CURLE_OK);
        CHECK(bytes[i] == 12);
      }
      CHECK(multi.open_sockets() == 0);
    }
    CHECK(test::open_fds() == before);
  }

  SECTION("abandon drops a running transfer and closes its socket") {
    hc::io::CurlMulti multi(io);
    const auto before = test::open_fds();
    hc::io::CurlEasy h;
    std::size_t bytes = 0;
    setup(h.get(), "http://127.0.0.1:" + std::to_string(srv.hang_port) + "/", &bytes);
    bool called = false;
    multi.start(h.get(), [&](CURLcode) { called = true; });
    REQUIRE(test::run_until(
        io, [&] { return multi.open_sockets() == 1; }, 3s));
    multi.abandon(h.get());
    CHECK(multi.running() == 0);
    CHECK(multi.open_sockets() == 0);
    test::run_until(
        io, [] { return false; }, 100ms);
    CHECK_FALSE(called);
    CHECK(test::open_fds() == before);
    // The handle can be used again afterwards.
    setup(h.get(), ok, &bytes);
    CURLcode code = CURLE_FAILED_INIT;
    multi.start(h.get(), [&](CURLcode c) {
      called = true;
      code = c;
    });
    REQUIRE(test::run_until(io, [&] { return called; }));
    CHECK(code == CURLE_OK);
  }

  SECTION("destroying the multi with transfers running closes everything") {
    {
      // The loop opens its reactor descriptors on first use: count after that.
      hc::io::CurlMulti warm(io);
      hc::io::CurlEasy h;
      std::size_t bytes = 0;
      setup(h.get(), ok, &bytes);
      bool done = false;
      warm.start(h.get(), [&](CURLcode) { done = true; });
      REQUIRE(test::run_until(io, [&] { return done; }));
    }
    const auto before = test::open_fds();
    std::vector<hc::io::CurlEasy> handles(5);
    std::size_t bytes = 0;
    bool called = false;
    {
      hc::io::CurlMulti multi(io);
      for (auto& h : handles) {
        setup(h.get(), "http://127.0.0.1:" + std::to_string(srv.hang_port) + "/", &bytes);
        multi.start(h.get(), [&](CURLcode) { called = true; });
      }
      REQUIRE(test::run_until(
          io, [&] { return multi.open_sockets() == 5; }, 3s));
    }
    test::run_until(
        io, [] { return false; }, 100ms);
    CHECK_FALSE(called);
    CHECK(test::open_fds() == before);
  }

  SECTION("idle easy handles are pooled, reset, and a running one is stopped first") {
    hc::io::CurlMulti multi(io);
    const auto before = test::open_fds();
    hc::io::CurlEasy a = multi.take_easy();
    REQUIRE(a);
    CURL* raw = a.get();
    std::size_t bytes = 0;
    setup(raw, ok, &bytes);
    bool called = false;
    multi.start(raw, [&](CURLcode) { called = true; });
    REQUIRE(test::run_until(io, [&] { return called; }));
    CHECK(bytes == 12);
    multi.give_back(std::move(a));
    CHECK(multi.idle_easy() == 1);
    // The same handle comes back.
    hc::io::CurlEasy b = multi.take_easy();
    CHECK(b.get() == raw);
    CHECK(multi.idle_easy() == 0);
    // Given back while running: the transfer is abandoned, its done never runs
    // and its socket is closed.
    setup(b.get(), "http://127.0.0.1:" + std::to_string(srv.hang_port) + "/", &bytes);
    called = false;
    multi.start(b.get(), [&](CURLcode) { called = true; });
    REQUIRE(test::run_until(
        io, [&] { return multi.open_sockets() == 1; }, 3s));
    multi.give_back(std::move(b));
    CHECK(multi.running() == 0);
    CHECK(multi.open_sockets() == 0);
    CHECK(multi.idle_easy() == 1);
    test::run_until(
        io, [] { return false; }, 100ms);
    CHECK_FALSE(called);
    CHECK(test::open_fds() == before);
    // The pool is bounded.
    std::vector<hc::io::CurlEasy> many;
    for (std::size_t i = 0; i < hc::io::CurlMulti::kIdleEasy + 5; ++i) {
      many.push_back(multi.take_easy());
    }
    for (auto& h : many) {
      multi.give_back(std::move(h));
    }
    CHECK(multi.idle_easy() == hc::io::CurlMulti::kIdleEasy);
  }

  SECTION("a timeout is driven by the loop's timer") {
    hc::io::CurlMulti multi(io);
    hc::io::CurlEasy h;
    std::size_t bytes = 0;
    setup(h.get(), "http://127.0.0.1:" + std::to_string(srv.hang_port) + "/", &bytes, 300);
    CURLcode code = CURLE_OK;
    bool called = false;
    const auto t0 = std::chrono::steady_clock::now();
    multi.start(h.get(), [&](CURLcode c) {
      called = true;
      code = c;
    });
    REQUIRE(test::run_until(
        io, [&] { return called; }, 5s));
    CHECK(code == CURLE_OPERATION_TIMEDOUT);
    CHECK(std::chrono::steady_clock::now() - t0 >= 250ms);
  }
}
