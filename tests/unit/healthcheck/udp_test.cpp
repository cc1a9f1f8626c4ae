// SPDX-License-Identifier: GPL-2.0-or-later
// UDP_CHECK reply matcher: hex pattern with 'x' nibbles, length bounds.
#include "vigil/hc/udp.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using vigil::hc::match_udp_reply;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("UDP replies against require_reply patterns", "[udp]") {
  struct Row {
    Bytes reply;
    std::string pattern;
    std::uint16_t min;
    std::uint16_t max;
    bool ok;
    std::string reason_has;
  };
  const auto row = GENERATE_REF(values<Row>({
      {{0xab, 0x12}, "ab12", 0, 255, true, "matches"},
      {{0xab, 0x12}, "", 0, 255, true, "matches"},
      {{}, "", 0, 255, true, "matches"},
      {{0xab, 0x13}, "ab12", 0, 255, false, "byte 1"},
      {{0xab, 0x1f}, "ab1x", 0, 255, true, ""},
      {{0xfb, 0x12}, "xb12", 0, 255, true, ""},
      {{0xfc, 0x12}, "xb12", 0, 255, false, "byte 0"},
      {{0x55, 0x66}, "xxxx", 0, 255, true, ""},
      // Only the shorter of reply and pattern is compared (keepalived.conf(5)).
      {{0xab}, "ab12", 0, 255, true, ""},
      {{0xab, 0x12, 0x99}, "ab12", 0, 255, true, ""},
      {{0xac}, "ab12", 0, 255, false, "byte 0"},
      // Length bounds.
      {{1, 2, 3}, "", 4, 255, false, "outside 4..255"},
      {{1, 2, 3}, "", 0, 2, false, "outside 0..2"},
      {{1, 2, 3}, "", 3, 3, true, ""},
      {{}, "", 1, 255, false, "outside"},
      // A broken pattern fails instead of matching anything.
      {{0xab}, "a", 0, 255, false, "odd"},
      {{0xab}, "zz", 0, 255, false, "bad digit"},
  }));
  const auto v = match_udp_reply(row.reply, row.pattern, row.min, row.max);
  CHECK(v.ok == row.ok);
  CHECK(v.reason.find(row.reason_has) != std::string::npos);
}
