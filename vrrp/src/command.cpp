// SPDX-License-Identifier: GPL-2.0-or-later
// Splitting script command lines and choosing who runs them (see command.hpp).
#include "vigil/vrrp/command.hpp"

#include <fmt/format.h>

#include <cctype>

#include "vigil/runtime/log.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::vrrp {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// Decodes the escape whose character after the backslash is line[i]; returns the
// character and advances i past the escape.
char decode_escape(std::string_view line, std::size_t& i) {
  const char c = line[i];
  if (c == 'x' && i + 1 < line.size() && text::hex_digit(line[i + 1]) >= 0) {
    // \xHH...: any number of hex digits, kept modulo 256 as in keepalived.
    unsigned v = 0;
    ++i;
    while (i < line.size() && text::hex_digit(line[i]) >= 0) {
      v = ((v << 4U) | static_cast<unsigned>(text::hex_digit(line[i]))) & 0xffU;
      ++i;
    }
    return static_cast<char>(v);
  }
  if (c == 'c' && i + 1 < line.size()) {
    // \cC: the control character of C.
    const char out = static_cast<char>(static_cast<unsigned char>(line[i + 1]) & 0x1fU);
    i += 2;
    return out;
  }
  if (is_octal(c)) {
    // \nnn: up to three octal digits.
    unsigned v = 0;
    for (int n = 0; n < 3 && i < line.size() && is_octal(line[i]); ++n, ++i) {
      v = ((v << 3U) | static_cast<unsigned>(line[i] - '0')) & 0xffU;
    }
    return static_cast<char>(v);
  }
  ++i;
  switch (c) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'E':
      return '\x1b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return c;  // \\, \", \', \  and any other character: itself
  }
}

std::string identity_name(std::uint32_t uid) {
  return uid == 0 ? std::string("root") : fmt::format("uid {}", uid);
}

}  // namespace

std::vector<std::string> split_command(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && is_blank(line[i])) {
      ++i;
    }
    if (i >= n) {
      break;
    }
    std::string word;
    char quote = 0;
    while (i < n) {
      const char c = line[i];
      if (c == '\\') {
        ++i;
        if (i >= n) {
          return {};  // a backslash at the end escapes nothing: the line is invalid
        }
        word.push_back(decode_escape(line, i));
        continue;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.push_back(c);
        }
        ++i;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        ++i;
        continue;
      }
      if (is_blank(c)) {
        break;
      }
      word.push_back(c);
      ++i;
    }
    if (quote != 0) {
      return {};  // unterminated quote: the line is invalid
    }
    words.push_back(std::move(word));
  }
  return words;
}

CommandResult resolve_command(const config::Script& script, const config::GlobalDefs& globals,
                              const CommandLookups& lookups) {
  Command cmd;
  cmd.argv = split_command(script.cmd);
  if (cmd.argv.empty() || cmd.argv[0].empty()) {
    return CommandError{
        fmt::format("script '{}': empty command, unterminated quote or "
                    "trailing backslash",
                    script.cmd)};
  }
  const auto find_user = [&](const std::string& name) -> std::optional<UserIds> {
    return lookups.user ? lookups.user(name) : std::nullopt;
  };
  const auto find_group = [&](const std::string& name) -> std::optional<std::uint32_t> {
    return lookups.group ? lookups.group(name) : std::nullopt;
  };

  // Who runs it: the script's own user, else script_user, else keepalived_script,
  // else the daemon itself.
  std::string user_name;
  std::string group_name;
  if (!script.user.empty()) {
    user_name = script.user;
    group_name = script.group;
  } else if (globals.script_user) {
    user_name = *globals.script_user;
    group_name = globals.script_group.value_or(std::string());
  } else if (find_user("keepalived_script")) {
    user_name = "keepalived_script";
  } else if (globals.enable_script_security) {
    return CommandError{
        fmt::format("script '{}': enable_script_security is set, no script_user "
                    "is set and the default user 'keepalived_script' does not "
                    "exist",
                    script.cmd)};
  }
  if (!user_name.empty()) {
    const auto ids = find_user(user_name);
    if (!ids) {
      return CommandError{fmt::format("script '{}': unknown user '{}'", script.cmd, user_name)};
    }
    cmd.uid = ids->uid;
    cmd.gid = ids->gid;
    cmd.user = user_name;
    if (!group_name.empty()) {
      const auto gid = find_group(group_name);
      if (!gid) {
        return CommandError{fmt::format("script '{}': unknown group '{}'", script.cmd, group_name)};
      }
      cmd.gid = *gid;
    }
  } else {
    cmd.user = identity_name(lookups.own_uid);
  }

  // What runs: a bare name is searched in PATH.
  if (cmd.argv[0].find('/') == std::string::npos) {
    auto found = lookups.find_program ? lookups.find_program(cmd.argv[0]) : std::nullopt;
    if (!found) {
      return CommandError{
          fmt::format("script '{}': '{}' not found in PATH", script.cmd, cmd.argv[0])};
    }
    cmd.program = std::move(*found);
  }
  const std::string& program = cmd.program.empty() ? cmd.argv[0] : cmd.program;

  // A script run as root (or with group root) must not be replaceable by anyone
  // else: with enable_script_security it is refused, without it only reported.
  const bool as_root = cmd.uid.value_or(lookups.own_uid) == 0 || cmd.gid.value_or(1) == 0;
  if (as_root && lookups.insecure_reason) {
    if (auto why = lookups.insecure_reason(program)) {
      if (globals.enable_script_security) {
        return CommandError{fmt::format("script '{}' would run as {} but is insecure: {}",
                                        script.cmd, cmd.user, *why)};
      }
      log::warning(
          "SECURITY VIOLATION: script '{}' runs as {} but is insecure ({}); set "
          "enable_script_security to refuse it",
          script.cmd, cmd.user, *why);
    }
  }
  return cmd;
}

}  // namespace vigil::vrrp
