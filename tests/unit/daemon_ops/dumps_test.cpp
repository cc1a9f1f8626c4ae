// SPDX-License-Identifier: GPL-2.0-or-later
// render_data / render_stats / render_json on the hand-built sample States, against
// golden files in golden/ (UPDATE_GOLDEN=1 rewrites them), the JSON's
// keepalived key names, and write_dump's atomic write.
#include "dumps.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "golden.hpp"
#include "sample_state.hpp"

using namespace vigil::daemon;
using vigil::test::sample_empty_state;
using vigil::test::sample_state;

namespace {

std::filesystem::path golden_dir() {
  return vigil::test::source_dir() / "tests" / "unit" / "daemon_ops" / "golden";
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto expected = vigil::test::golden(golden_dir() / name, actual);
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("dumps: empty state", "[dumps]") {
  const State s = sample_empty_state();
  check_golden("empty.data", render_data(s));
  CHECK(render_stats(s).empty());
  CHECK(render_json(s) == "[]\n");
}

TEST_CASE("dumps: data dump of a full state", "[dumps]") {
  check_golden("full.data", render_data(sample_state()));
}

TEST_CASE("dumps: stats dump of a full state", "[dumps]") {
  check_golden("full.stats", render_stats(sample_state()));
}

TEST_CASE("dumps: JSON dump of a full state", "[dumps]") {
  const std::string text = render_json(sample_state());
  check_golden("full.json", text);
  const auto j = nlohmann::json::parse(text);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  // keepalived's key names, which readers of keepalived.json use.
  for (const char* key : {"iname", "state", "wantstate", "ifp_ifname", "vrid", "vips"}) {
    CAPTURE(key);
    CHECK(j[0]["data"].contains(key));
  }
  for (const char* key : {"advert_rcvd", "advert_sent", "become_master", "release_master",
                          "packet_len_err", "advert_interval_err", "ip_ttl_err",
                          "invalid_type_rcvd", "addr_list_err", "invalid_authtype",
                          "authtype_mismatch", "auth_failure", "pri_zero_rcvd", "pri_zero_sent"}) {
    CAPTURE(key);
    CHECK(j[0]["stats"].contains(key));
  }
  CHECK(j[0]["data"]["iname"] == "VI_1");
  CHECK(j[0]["data"]["vips"] == nlohmann::json::array({"198.18.0.100/32", "198.18.0.101/32"}));
  CHECK(j[0]["stats"]["advert_sent"] == 1000);
  CHECK(j[0]["stats"]["pri_zero_sent"] == 1);
  CHECK(j[1]["stats"]["pri_zero_sent"] == 0);
  // The name with quotes and a backslash comes back as it was.
  CHECK(j[1]["data"]["iname"] == "odd \"name\" \\ here");
}

TEST_CASE("dumps: JSON state codes are keepalived's", "[dumps]") {
  const auto code = [](const std::string& state) {
    State s;
    VrrpStatus v;
    v.name = "VI";
    v.state = state;
    s.vrrp.push_back(v);
    return nlohmann::json::parse(render_json(s))[0]["data"]["state"].get<int>();
  };
  CHECK(code("INIT") == 0);
  CHECK(code("BACKUP") == 1);
  CHECK(code("MASTER") == 2);
  CHECK(code("FAULT") == 3);
  CHECK(code("STOP") == 0);
}

TEST_CASE("dumps: keepalived's file names", "[dumps]") {
  CHECK(dump_file_name(DumpKind::Data) == "keepalived.data");
  CHECK(dump_file_name(DumpKind::Stats) == "keepalived.stats");
  CHECK(dump_file_name(DumpKind::Json) == "keepalived.json");
  const State s = sample_state();
  CHECK(render_dump(DumpKind::Data, s) == render_data(s));
  CHECK(render_dump(DumpKind::Stats, s) == render_stats(s));
  CHECK(render_dump(DumpKind::Json, s) == render_json(s));
}

TEST_CASE("dumps: write_dump replaces the file and leaves no temporary", "[dumps]") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-dumps-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  const std::filesystem::path dir(tmpl);
  std::string error;
  auto path = write_dump(dir.string(), "keepalived.data", "first\n", error);
  REQUIRE(path);
  CHECK(*path == (dir / "keepalived.data").string());
  CHECK(vigil::test::read_file(*path) == "first\n");
  path = write_dump(dir.string(), "keepalived.data", "second\n", error);
  REQUIRE(path);
  CHECK(vigil::test::read_file(*path) == "second\n");
  struct stat st {};
  REQUIRE(::stat(path->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("dumps: write_dump into a missing directory is an error, not a crash", "[dumps]") {
  std::string error;
  const auto path = write_dump("/nonexistent-vigil-dir/sub", "keepalived.json", "[]\n", error);
  CHECK_FALSE(path);
  CHECK(error.find("/nonexistent-vigil-dir/sub/keepalived.json") != std::string::npos);
}
