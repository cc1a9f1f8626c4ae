// SPDX-License-Identifier: GPL-2.0-or-later
// Turning a configured script (notify_*, vrrp_script, *_fifo_script) into what
// to execute: the argument vector, split from the command line the way
// keepalived splits it (no shell is ever involved), and the user and group to
// run it as, with keepalived's defaults and its enable_script_security rules.
// Pure: every host lookup (users, groups, PATH, file modes) is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/config/model_common.hpp"
#include "vigil/config/model_global.hpp"
#include "vigil/runtime/result.hpp"

namespace vigil::vrrp {

/// Splits a script command line (config::Script::cmd, the configured string with
/// the config file's double quotes already removed) into argv, as keepalived does
/// for scripts: unquoted blanks (space, tab) separate words; single or double
/// quotes group characters, blanks included, into a word and are removed; a
/// backslash escapes the next character (`\ ` is a literal blank, `\'` a quote),
/// inside or outside quotes. Nothing else is interpreted: `$HOME`, `*`, `;`, `|`
/// and `~` stay literal, since no shell runs the command. An unterminated quote
/// runs to the end of the line. Empty input gives an empty vector.
std::vector<std::string> split_command(std::string_view line);

/// What to execute, ready for io::ProcessRunner.
struct Command {
  /// argv[0] is the program as configured; the rest are its arguments.
  std::vector<std::string> argv;
  /// The file to execve(2): argv[0] resolved through PATH when it has no '/'.
  /// Empty: argv[0] itself.
  std::string program;
  /// Run as this uid/gid (setgid + setgroups({gid}) + setuid in the child).
  /// Unset: keep the daemon's own identity (root in production).
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
  /// The user name it runs as, for logs ("root" when uid is unset and we are root).
  std::string user;
  bool operator==(const Command&) const = default;
};

/// A user's uid and primary gid, as getpwnam(3) gives them.
struct UserIds {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

/// The host lookups resolve_command needs. io::host_lookups() gives the real ones;
/// tests pass fakes. Unset functions mean "not found" (user, group, find_program)
/// or "secure" (insecure_reason).
struct CommandLookups {
  /// getpwnam: the user's ids, or nullopt if there is no such user.
  std::function<std::optional<UserIds>(const std::string& name)> user;
  /// getgrnam: the group's gid, or nullopt.
  std::function<std::optional<std::uint32_t>(const std::string& name)> group;
  /// The absolute path of an executable named `name` (no '/') found in PATH,
  /// or nullopt.
  std::function<std::optional<std::string>(const std::string& name)> find_program;
  /// For a script run as root with enable_script_security: why `path` is unsafe
  /// (the file or a directory on its path is writable by a non-root user), or
  /// nullopt when it is safe.
  std::function<std::optional<std::string>(const std::string& path)> insecure_reason;
  /// The daemon's own uid (geteuid()); scripts without a user run as it.
  std::uint32_t own_uid = 0;
};

/// Why a script must not (or cannot) run.
struct CommandError {
  std::string text;  ///< e.g. "script '/x' run as root is insecure: /x is writable by uid 1000"
  bool operator==(const CommandError&) const = default;
};

/// A Command or a CommandError.
using CommandResult = Result<Command, CommandError>;

/// Resolves `script` into a Command. The user is, in order: the script's own user
/// (and group, else the user's primary group); global_defs script_user (and
/// script_group); the `keepalived_script` user if it exists; else the daemon's own
/// identity (root). Errors: an empty command; an unknown user or group; a program
/// not found; and, with enable_script_security, no user to run as other than root
/// when keepalived_script is missing and no script_user is set, or a script that
/// runs as root while its path is writable by a non-root user.
CommandResult resolve_command(const config::Script& script, const config::GlobalDefs& globals,
                              const CommandLookups& lookups);

}  // namespace vigil::vrrp
