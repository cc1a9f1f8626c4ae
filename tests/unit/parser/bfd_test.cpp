// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance: keywords, ranges (intervals in milliseconds), and the checks
// keepalived makes (neighbour required, families, duplicates, max_hops).
#include <catch2/catch.hpp>
#include <string>

#include "diags.hpp"
#include "vigil/config/load.hpp"

using namespace vigil::config;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using vigil::test::diags;
using vigil::test::has;
using vigil::test::located;

namespace {

LoadResult load(const std::string& text) {
  return load_string(text, "t.conf", {});
}

}  // namespace

TEST_CASE("bfd_instance defaults", "[parser][bfd]") {
  auto r = load("bfd_instance b {\n neighbor_ip 198.18.0.2\n}\n");
  CHECK(located(r).empty());
  REQUIRE(r.model.bfd.bfd_instance.size() == 1);
  const auto& b = r.model.bfd.bfd_instance[0];
  CHECK(b.min_rx == milliseconds(10));
  CHECK(b.min_tx == milliseconds(10));
  CHECK(b.idle_tx == milliseconds(1000));
  CHECK(b.multiplier == 5);
  CHECK_FALSE(b.passive);
  CHECK(b.max_hops == 0);
  CHECK(b.weight == 0);
  CHECK_FALSE(b.vrrp);
  CHECK_FALSE(b.checker);
}

TEST_CASE("bfd_instance keywords", "[parser][bfd]") {
  auto r = load(
      "bfd_instance b {\n neighbour_ip 198.18.0.2\n source_ip 198.18.0.1\n min_rx 3.312\n"
      " min_tx 20\n idle_tx 1500\n multiplier 3\n passive\n ttl 64\n hoplimit 10\n max_hops 2\n"
      " weight -10 reverse\n vrrp\n checker\n}\n");
  CHECK(located(r).empty());
  REQUIRE(r.model.bfd.bfd_instance.size() == 1);
  const auto& b = r.model.bfd.bfd_instance[0];
  CHECK(b.neighbor_ip->str() == "198.18.0.2");
  CHECK(b.source_ip->str() == "198.18.0.1");
  CHECK(b.min_rx == microseconds(3312));
  CHECK(b.min_tx == milliseconds(20));
  CHECK(b.idle_tx == milliseconds(1500));
  CHECK(b.multiplier == 3);
  CHECK(b.passive);
  CHECK(b.ttl == 64);
  CHECK(b.hoplimit == 10);
  CHECK(b.max_hops == 2);
  CHECK(b.weight == -10);
  CHECK(b.weight_reverse);
  CHECK(b.vrrp);
  CHECK(b.checker);
}

TEST_CASE("bfd_instance ranges", "[parser][bfd]") {
  auto r = load(
      "bfd_instance b {\n neighbor_ip 198.18.0.2\n min_rx 0\n min_tx 0.0001\n idle_tx 900\n"
      " multiplier 256\n ttl 0\n hoplimit 256\n max_hops -2\n weight 254\n weight 5 foo\n"
      " min_rx abc\n}\n");
  CHECK(has(r, "3:9: error: '0' for 'min_rx' is outside the range [1, 4294967] ms"));
  CHECK(has(r, "4:9: error: '0.0001' for 'min_tx' is outside the range [1, 4294967] ms"));
  CHECK(has(r, "5:10: error: '900' for 'idle_tx' is outside the range [1000, 4294967] ms"));
  CHECK(has(r, "6:13: error: '256' for 'multiplier' is outside the range [1, 255]"));
  CHECK(has(r, "7:6: error: '0' for 'ttl' is outside the range [1, 255]"));
  CHECK(has(r, "8:11: error: '256' for 'hoplimit' is outside the range [1, 255]"));
  CHECK(has(r, "9:11: error: '-2' for 'max_hops' is outside the range [-1, 255]"));
  CHECK(has(r, "10:9: error: '254' for 'weight' is outside the range [-253, 253]"));
  CHECK(has(r,
            "11:11: error: 'weight' takes only reverse|noreverse after the number; 'foo' is "
            "not expected"));
  CHECK(has(r, "12:9: error: 'abc' for 'min_rx' is not a number of milliseconds"));
  REQUIRE(r.model.bfd.bfd_instance.size() == 1);
  CHECK(r.model.bfd.bfd_instance[0].min_rx == milliseconds(10));
}

TEST_CASE("bfd_instance needs a usable neighbour", "[parser][bfd]") {
  auto none = load("bfd_instance b {\n min_rx 10\n}\n");
  CHECK(has(none, "1:1: error: bfd_instance b has no neighbor_ip; instance ignored"));
  CHECK(none.model.bfd.bfd_instance.empty());

  auto bad = load("bfd_instance b {\n neighbor_ip foo\n}\n");
  CHECK(has(bad, "2:14: error: 'foo' for 'neighbor_ip' is not an IP address"));
  CHECK(bad.model.bfd.bfd_instance.empty());

  auto fam = load("bfd_instance b {\n neighbor_ip 198.18.0.2\n source_ip 2001:db8::1\n}\n");
  CHECK(has(fam,
            "1:1: error: bfd_instance b: source_ip 2001:db8::1 and neighbor_ip 198.18.0.2 "
            "are not of the same address family; instance ignored"));
}

TEST_CASE("bfd_instance names and neighbours are unique", "[parser][bfd]") {
  auto r = load(
      "bfd_instance b {\n neighbor_ip 198.18.0.2\n}\nbfd_instance c {\n neighbor_ip 198.18.0.2\n}\n"
      "bfd_instance b {\n neighbor_ip 198.18.0.3\n}\n");
  CHECK(has(r,
            "4:1: error: bfd_instance c: neighbor_ip 198.18.0.2 is already used by "
            "bfd_instance b; instance ignored"));
  CHECK(has(r, "7:14: error: bfd_instance b is already defined at line 1; this one is ignored"));
  CHECK(r.model.bfd.bfd_instance.size() == 1);

  auto other_src = load(
      "bfd_instance b {\n neighbor_ip 198.18.0.2\n source_ip 198.18.0.1\n}\n"
      "bfd_instance c {\n neighbor_ip 198.18.0.2\n source_ip 198.18.0.4\n}\n");
  CHECK(located(other_src).empty());

  auto longname =
      load("bfd_instance abcdefghijklmnopqrstuvwxyzabcdef {\n neighbor_ip 198.18.0.2\n}\n");
  CHECK(has(longname,
            "1:14: error: bfd_instance name 'abcdefghijklmnopqrstuvwxyzabcdef' is too "
            "long (at most 31 characters); instance ignored"));
}

TEST_CASE("max_hops above the ttl is lowered", "[parser][bfd]") {
  auto r = load("bfd_instance b {\n neighbor_ip 198.18.0.2\n ttl 5\n max_hops 10\n}\n");
  CHECK(has(r, "1:1: warning: bfd_instance b: max_hops 10 exceeds the ttl 5; using 5"));
  CHECK(r.model.bfd.bfd_instance[0].max_hops == 5);
  auto v6 = load("bfd_instance b {\n neighbor_ip 2001:db8::2\n max_hops 100\n}\n");
  CHECK(has(v6, "max_hops 100 exceeds the hoplimit 64; using 64"));
  // keepalived 2.2.7 lowers 255 ("no check") as well when a smaller ttl is set.
  auto off = load("bfd_instance b {\n neighbor_ip 198.18.0.2\n ttl 5\n max_hops 255\n}\n");
  CHECK(has(off, "max_hops 255 exceeds the ttl 5; using 5"));
  auto fine = load("bfd_instance b {\n neighbor_ip 198.18.0.2\n max_hops 255\n}\n");
  CHECK(located(fine).empty());
}
