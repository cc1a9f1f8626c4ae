// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's log: syslog (the journal picks it up) and, with -l, the console,
// as keepalived does. Messages are plain text; transitions are logged, polls
// are not (DESIGN.md §10.7).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace vigil::log {

/// syslog(3) priorities.
enum class Level : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

struct Options {
  std::string ident = "vigild";
  bool console = false;   ///< -l: also write to stderr
  bool syslog = true;     ///< -G turns it off
  bool detail = false;    ///< -D: log Debug messages too
  int facility = 3 << 3;  ///< LOG_DAEMON
};

/// Sets where messages go; until called, messages go to stderr only.
void init(const Options& options);
void write(Level level, std::string_view message);
[[nodiscard]] bool enabled(Level level);

template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Error, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Warning, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void notice(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Notice, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::Debug)) {
    write(Level::Debug, fmt::format(f, std::forward<Args>(args)...));
  }
}

}  // namespace vigil::log
