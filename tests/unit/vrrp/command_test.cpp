// SPDX-License-Identifier: GPL-2.0-or-later
// split_command (keepalived's quoting and escapes for script lines) and
// resolve_command (who runs a script, enable_script_security).
#include "vigil/vrrp/command.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace {

using vigil::config::GlobalDefs;
using vigil::config::Script;
using vigil::vrrp::CommandLookups;
using vigil::vrrp::resolve_command;
using vigil::vrrp::split_command;
using vigil::vrrp::UserIds;
using Words = std::vector<std::string>;

struct SplitCase {
  const char* description;
  const char* line;
  Words expect;
};

// Fake host: users keepalived_script (900:900) and alice (1000:1000), group
// staff (50), programs found in /usr/bin, and /tmp/* insecure.
CommandLookups fake_host(bool with_keepalived_script) {
  CommandLookups l;
  std::map<std::string, UserIds> users{{"alice", {1000, 1000}}, {"root", {0, 0}}};
  if (with_keepalived_script) {
    users["keepalived_script"] = {900, 900};
  }
  l.user = [users](const std::string& name) -> std::optional<UserIds> {
    auto it = users.find(name);
    return it == users.end() ? std::nullopt : std::optional<UserIds>(it->second);
  };
  l.group = [](const std::string& name) -> std::optional<std::uint32_t> {
    return name == "staff" ? std::optional<std::uint32_t>(50) : std::nullopt;
  };
  l.find_program = [](const std::string& name) -> std::optional<std::string> {
    return name == "true" ? std::optional<std::string>("/usr/bin/true") : std::nullopt;
  };
  l.insecure_reason = [](const std::string& path) -> std::optional<std::string> {
    return path.rfind("/tmp/", 0) == 0 ? std::optional<std::string>("/tmp is writable by others")
                                       : std::nullopt;
  };
  return l;
}

Script script(std::string cmd, std::string user = {}, std::string group = {}) {
  Script s;
  s.cmd = std::move(cmd);
  s.user = std::move(user);
  s.group = std::move(group);
  return s;
}

}  // namespace

TEST_CASE("split_command splits like keepalived's quoted and escaped strings", "[vrrp][script]") {
  const std::vector<SplitCase> cases{
      {.description = "plain words", .line = "/bin/x a b", .expect = {"/bin/x", "a", "b"}},
      {.description = "tabs and runs of blanks",
       .line = "  /bin/x \t a   b  ",
       .expect = {"/bin/x", "a", "b"}},
      {.description = "single quotes keep blanks",
       .line = "/bin/x 'a b' c",
       .expect = {"/bin/x", "a b", "c"}},
      {.description = "double quotes keep blanks",
       .line = "/bin/x \"a  b\"",
       .expect = {"/bin/x", "a  b"}},
      {.description = "quotes join with adjacent text",
       .line = "abcd\" efg h jkl \"mnop",
       .expect = {"abcd efg h jkl mnop"}},
      {.description = "the other quote is literal inside quotes",
       .line = "/x \"it's\" 'say \"hi\"'",
       .expect = {"/x", "it's", "say \"hi\""}},
      {.description = "empty quotes make an empty word",
       .line = "/x '' b",
       .expect = {"/x", "", "b"}},
      {.description = "escaped blank joins words", .line = "/x a\\ b", .expect = {"/x", "a b"}},
      {.description = "escaped quotes and backslash",
       .line = "/x \\\"a\\' \\\\",
       .expect = {"/x", "\"a'", "\\"}},
      {.description = "C escapes inside quotes",
       .line = "/x '\\t\\n\\E\\a'",
       .expect = {"/x", "\t\n\x1b\a"}},
      {.description = "octal, hex and control escapes",
       .line = "/x \\101\\x42\\cC",
       .expect = {"/x", "AB\x03"}},
      {.description = "no shell: $HOME, globs and ; stay literal",
       .line = "/x $HOME * ; `id` ~",
       .expect = {"/x", "$HOME", "*", ";", "`id`", "~"}},
      {.description = "empty line", .line = "", .expect = {}},
      {.description = "blank line", .line = " \t ", .expect = {}},
      {.description = "unterminated quote is invalid", .line = "/x 'a b", .expect = {}},
      {.description = "trailing backslash is invalid", .line = "/x a\\", .expect = {}},
  };
  for (const auto& c : cases) {
    INFO(c.description);
    CHECK(split_command(c.line) == c.expect);
  }
}

TEST_CASE("resolve_command uses the script's own user and group", "[vrrp][script]") {
  const auto r =
      resolve_command(script("/bin/x a", "alice", "staff"), GlobalDefs{}, fake_host(true));
  REQUIRE(r.ok());
  CHECK(r.value().argv == Words{"/bin/x", "a"});
  CHECK(r.value().uid == 1000U);
  CHECK(r.value().gid == 50U);
  CHECK(r.value().user == "alice");
  CHECK(r.value().program.empty());
}

TEST_CASE("resolve_command defaults the group to the user's primary group", "[vrrp][script]") {
  const auto r = resolve_command(script("/bin/x", "alice"), GlobalDefs{}, fake_host(true));
  REQUIRE(r.ok());
  CHECK(r.value().gid == 1000U);
}

TEST_CASE("resolve_command falls back to script_user, then keepalived_script, then root",
          "[vrrp][script]") {
  GlobalDefs g;
  g.script_user = "alice";
  g.script_group = "staff";
  auto r = resolve_command(script("/bin/x"), g, fake_host(true));
  REQUIRE(r.ok());
  CHECK(r.value().uid == 1000U);
  CHECK(r.value().gid == 50U);

  r = resolve_command(script("/bin/x"), GlobalDefs{}, fake_host(true));
  REQUIRE(r.ok());
  CHECK(r.value().uid == 900U);
  CHECK(r.value().user == "keepalived_script");

  r = resolve_command(script("/bin/x"), GlobalDefs{}, fake_host(false));
  REQUIRE(r.ok());
  CHECK_FALSE(r.value().uid.has_value());
  CHECK(r.value().user == "root");
}

TEST_CASE("resolve_command reports unknown users, groups and programs", "[vrrp][script]") {
  CHECK_FALSE(resolve_command(script("/bin/x", "bob"), GlobalDefs{}, fake_host(true)).ok());
  CHECK_FALSE(
      resolve_command(script("/bin/x", "alice", "wheel"), GlobalDefs{}, fake_host(true)).ok());
  GlobalDefs g;
  g.script_user = "bob";
  CHECK_FALSE(resolve_command(script("/bin/x"), g, fake_host(true)).ok());
  const auto missing = resolve_command(script("nosuch a"), GlobalDefs{}, fake_host(true));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().text.find("not found in PATH") != std::string::npos);
  CHECK_FALSE(resolve_command(script("/x 'a"), GlobalDefs{}, fake_host(true)).ok());
}

TEST_CASE("resolve_command searches PATH for a bare program name", "[vrrp][script]") {
  const auto r = resolve_command(script("true --x"), GlobalDefs{}, fake_host(true));
  REQUIRE(r.ok());
  CHECK(r.value().program == "/usr/bin/true");
  CHECK(r.value().argv == Words{"true", "--x"});
}

TEST_CASE("enable_script_security needs a user other than root when keepalived_script is missing",
          "[vrrp][script]") {
  GlobalDefs g;
  g.enable_script_security = true;
  const auto r = resolve_command(script("/bin/x"), g, fake_host(false));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().text.find("keepalived_script") != std::string::npos);
  // An explicit root user is the configuration's choice.
  CHECK(resolve_command(script("/bin/x", "root"), g, fake_host(false)).ok());
}

TEST_CASE("enable_script_security refuses an insecure script run as root", "[vrrp][script]") {
  GlobalDefs g;
  g.enable_script_security = true;
  const auto r = resolve_command(script("/tmp/x", "root"), g, fake_host(true));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().text.find("insecure") != std::string::npos);
  // Run as a non-root user, the same script is allowed.
  CHECK(resolve_command(script("/tmp/x", "alice"), g, fake_host(true)).ok());
  // Without enable_script_security it runs (and is only logged).
  CHECK(resolve_command(script("/tmp/x", "root"), GlobalDefs{}, fake_host(true)).ok());
}
