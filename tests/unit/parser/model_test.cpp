// SPDX-License-Identifier: GPL-2.0-or-later
// Model value types: HeapOptional behaves like std::optional with value semantics.
#include "vigil/config/model.hpp"

#include <catch2/catch.hpp>

using namespace vigil::config;

TEST_CASE("HeapOptional copies deeply and compares by value", "[parser][model]") {
  OptionalScript a;
  CHECK_FALSE(a);
  CHECK(a == OptionalScript{});
  a = Script{"/bin/true", "root", "", {}};
  REQUIRE(a.has_value());
  OptionalScript b = a;
  CHECK(b == a);
  b->cmd = "/bin/false";
  CHECK(a->cmd == "/bin/true");
  CHECK_FALSE(b == a);
  OptionalScript moved = std::move(b);
  CHECK(moved->cmd == "/bin/false");
  moved = std::nullopt;
  CHECK_FALSE(moved.has_value());
  moved.emplace(Script{"x", "", "", {}});
  CHECK((*moved).cmd == "x");
  a.reset();
  CHECK(a == OptionalScript{});
}

TEST_CASE("Unset scripts cost a pointer, not a Script", "[parser][model]") {
  CHECK(sizeof(OptionalScript) == sizeof(void*));
  CHECK(sizeof(OptionalScript) < sizeof(std::optional<Script>));
}
