// SPDX-License-Identifier: GPL-2.0-or-later
// `vigild status` renders of a hand-built State: golden text and JSON
// (UPDATE_GOLDEN=1 rewrites them), plus table tests of the small helpers.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "golden.hpp"
#include "sample_state.hpp"
#include "status_render.hpp"

using namespace vigil::daemon;

namespace {
std::filesystem::path golden_dir() {
  return vigil::test::source_dir() / "tests/unit/control/golden";
}
}  // namespace

TEST_CASE("status text render matches its golden file", "[control][render]") {
  const std::string text = render_status_text(vigil::test::sample_state());
  CHECK(text == vigil::test::golden(golden_dir() / "status.txt", text));
  // No trailing blanks on any line.
  CHECK(text.find(" \n") == std::string::npos);
}

TEST_CASE("status JSON render matches its golden file and parses", "[control][render]") {
  const std::string text = render_status_json(vigil::test::sample_state());
  CHECK(text == vigil::test::golden(golden_dir() / "status.json", text));
  const auto j = nlohmann::json::parse(text);
  CHECK(j["daemon"]["pid"] == 4242);
  CHECK(j["vrrp"][1]["name"] == "odd \"name\" \\ here");
  CHECK(j["vrrp"][1]["sync_group"].is_null());
  const auto& rs = j["virtual_servers"][0]["real_servers"];
  CHECK(rs.size() == 4);
  CHECK(rs[1]["kernel_weight"].is_null());
  CHECK(rs[1]["counters"].is_null());
  CHECK(rs[1]["checks"][0]["last_latency_ms"].is_null());
  CHECK(rs[1]["checks"][0]["last_error"] == "connect: Connection refused");
  CHECK(rs[0]["counters"]["outbytes"] == 8000000);
  CHECK(j["virtual_servers"][1]["counters"].is_null());
}

TEST_CASE("an empty State renders without tables", "[control][render]") {
  const State s;
  const std::string text = render_status_text(s);
  CHECK(text.find("VRRP instances: none") != std::string::npos);
  CHECK(text.find("Virtual servers: none") != std::string::npos);
  const auto j = nlohmann::json::parse(render_status_json(s));
  CHECK(j["vrrp"].is_array());
  CHECK(j["vrrp"].empty());
  CHECK(j["virtual_servers"].empty());
}

TEST_CASE("invalid UTF-8 in a name does not break the JSON", "[control][render]") {
  State s;
  s.daemon.config_file = std::string("/etc/\xff\xfe.conf");
  CHECK_NOTHROW(nlohmann::json::parse(render_status_json(s)));
}

TEST_CASE("human durations", "[control][render]") {
  const std::pair<double, const char*> cases[] = {
      {0, "0s"},     {-5, "0s"},           {0.9, "0s"},         {59, "59s"},
      {60, "1m00s"}, {3723.5, "1h02m03s"}, {86400, "1d00h00m"}, {90061, "1d01h01m"},
  };
  for (const auto& [secs, want] : cases) {
    INFO(secs);
    CHECK(human_duration(secs) == want);
  }
}
