// SPDX-License-Identifier: GPL-2.0-or-later
// track_file values (keepalived's strtol reading) and TrackFileMonitor with real
// files: init_file, writes, renames into place, deletion, creation.
#include "vigil/vrrp/io/track_file.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

#include "io_test_util.hpp"

namespace {

using vigil::test::read_file;
using vigil::test::run_until;
using vigil::test::TempDir;
using vigil::test::write_file;
using vigil::vrrp::io::track_file_value;
using vigil::vrrp::io::TrackFileMonitor;

struct ValueCase {
  const char* content;
  std::optional<std::int64_t> expect;
};

}  // namespace

TEST_CASE("track_file_value reads like keepalived's strtol base 0", "[vrrp_io][track_file]") {
  const std::vector<ValueCase> cases{
      {"12", 12},
      {"  -5\n", -5},
      {"+7", 7},
      {"0x10", 16},
      {"010", 8},
      {"7 apples", 7},
      {"abc", 0},
      {"", 0},
      {"\n", 0},
      {"2147483648", 2147483648LL},
      {"-2147483648", -2147483648LL},
      {"2147483649", std::nullopt},
      {"-2147483649", std::nullopt},
      {"99999999999999999999999", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("content: '" << c.content << "'");
    CHECK(track_file_value(c.content) == c.expect);
  }
}

TEST_CASE("TrackFileMonitor reports initial values and applies init_file",
          "[vrrp_io][track_file]") {
  TempDir dir;
  write_file(dir.file("a"), "5\n");
  write_file(dir.file("d"), "9\n");
  write_file(dir.file("e"), "9\n");
  std::vector<TrackFileMonitor::File> files{
      {"a", dir.file("a"), std::nullopt},
      {"b", dir.file("b"), std::nullopt},                            // missing: 0
      {"c", dir.file("c"), vigil::config::TrackFileInit{3, false}},  // created
      {"d", dir.file("d"), vigil::config::TrackFileInit{1, true}},   // overwritten
      {"e", dir.file("e"), vigil::config::TrackFileInit{1, false}},  // kept
  };
  boost::asio::io_context io;
  std::map<std::string, std::int64_t> seen;
  TrackFileMonitor mon(io, files, [&](const std::string& n, std::int64_t v) { seen[n] = v; });
  mon.start();
  CHECK(seen ==
        std::map<std::string, std::int64_t>{{"a", 5}, {"b", 0}, {"c", 3}, {"d", 1}, {"e", 9}});
  CHECK(read_file(dir.file("c")) == "3\n");
  CHECK(read_file(dir.file("d")) == "1\n");
  CHECK(mon.value("a") == 5);
}

TEST_CASE("TrackFileMonitor follows writes, renames, deletion and creation",
          "[vrrp_io][track_file]") {
  TempDir dir;
  const auto a = dir.file("a");
  const auto b = dir.file("b");
  write_file(a, "5");
  boost::asio::io_context io;
  std::vector<std::pair<std::string, std::int64_t>> changes;
  TrackFileMonitor mon(io, {{"a", a, std::nullopt}, {"b", b, std::nullopt}},
                       [&](const std::string& n, std::int64_t v) { changes.emplace_back(n, v); });
  mon.start();
  REQUIRE(changes.size() == 2);
  changes.clear();
  using Changes = std::vector<std::pair<std::string, std::int64_t>>;

  // Written elsewhere, renamed into place.
  write_file(dir.file("a.tmp"), "10\n");
  std::filesystem::rename(dir.file("a.tmp"), a);
  REQUIRE(run_until(io, [&] { return changes.size() == 1; }));
  CHECK(changes == Changes{{"a", 10}});

  // Rewritten in place.
  write_file(a, "-20");
  REQUIRE(run_until(io, [&] { return changes.size() == 2; }));
  CHECK(changes.back() == std::pair<std::string, std::int64_t>{"a", -20});

  // Not a valid number: ignored, the value is kept.
  write_file(a, "99999999999999");
  // Then deleted: 0.
  std::filesystem::remove(a);
  REQUIRE(run_until(io, [&] { return changes.size() == 3; }));
  CHECK(changes.back() == std::pair<std::string, std::int64_t>{"a", 0});
  CHECK(mon.value("a") == 0);

  // Created.
  write_file(b, "4");
  REQUIRE(run_until(io, [&] { return changes.size() == 4; }));
  CHECK(changes.back() == std::pair<std::string, std::int64_t>{"b", 4});

  // Renamed away: 0.
  std::filesystem::rename(b, dir.file("b.old"));
  REQUIRE(run_until(io, [&] { return changes.size() == 5; }));
  CHECK(changes.back() == std::pair<std::string, std::int64_t>{"b", 0});

  mon.stop();
  write_file(b, "8");
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(50));
  CHECK(changes.size() == 5);
}
