// SPDX-License-Identifier: GPL-2.0-or-later
// ScriptState: keepalived's rise/fall counting for vrrp_script, as tables of
// results and the transitions they report.
#include "vigil/vrrp/script_state.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

struct Case {
  const char* description;
  int rise;
  int fall;
  bool init_fail;
  std::string results;  ///< 'o' success, 'x' failure
  std::string expect;   ///< per result: 'U' went up, 'D' went down, '.' no change
  bool final_up;
};

}  // namespace

TEST_CASE("ScriptState follows keepalived's rise and fall counting", "[vrrp][script]") {
  const std::vector<Case> cases{
      {"first success goes up at once (init)", 3, 3, false, "o", "U", true},
      {"first failure goes down at once (init)", 3, 3, false, "x", "D", false},
      {"rise 1 fall 1 flips on every change", 1, 1, false, "oxxoo", "UD.U.", true},
      {"fall 3 needs three failures in a row", 1, 3, false, "oxxoxxx", "U.....D", false},
      {"a success while up restarts the failure count", 1, 2, false, "oxoxox", "U.....", true},
      {"rise 2 needs two successes in a row", 2, 1, false, "xoxoo", "D...U", true},
      {"init_fail starts down and needs rise successes", 2, 2, true, "ooo", ".U.", true},
      {"init_fail: a first failure reports nothing", 2, 2, true, "x", ".", false},
      {"init_fail rise 1", 1, 1, true, "o", "U", true},
      {"a failure while down restarts the success count", 3, 1, true, "ooxooo", ".....U", true},
      {"values below 1 are taken as 1", 0, -5, false, "ox", "UD", false},
  };
  for (const auto& c : cases) {
    INFO(c.description);
    vigil::vrrp::ScriptState s(c.rise, c.fall, c.init_fail);
    CHECK(s.known() == c.init_fail);
    std::string got;
    for (const char r : c.results) {
      const auto change = s.on_result(r == 'o');
      got.push_back(!change ? '.' : (*change ? 'U' : 'D'));
    }
    CHECK(got == c.expect);
    CHECK(s.up() == c.final_up);
    CHECK(s.known());
  }
}
