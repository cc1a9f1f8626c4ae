// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/runtime/log.hpp"

#include <syslog.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace vigil::log {

namespace {

struct State {
  Options options;
  bool initialised = false;
};

State& state() {
  static State s;
  return s;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::Error:
      return "error: ";
    case Level::Warning:
      return "warning: ";
    default:
      return "";
  }
}

}  // namespace

void init(const Options& options) {
  State& s = state();
  if (s.initialised && s.options.syslog) {
    ::closelog();
  }
  s.options = options;
  s.initialised = true;
  if (options.syslog) {
    ::openlog(s.options.ident.c_str(), LOG_PID | LOG_NDELAY, options.facility);
  }
}

bool enabled(Level level) {
  return level != Level::Debug || state().options.detail;
}

void write(Level level, std::string_view message) {
  const State& s = state();
  if (!enabled(level)) {
    return;
  }
  if (s.initialised && s.options.syslog) {
    ::syslog(static_cast<int>(level), "%.*s", static_cast<int>(message.size()), message.data());
  }
  if (!s.initialised || s.options.console) {
    // keepalived's console format: "Sat Nov 21 10:00:00 2026: message".
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char stamp[64];
    std::strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
    std::string line = fmt::format("{}: {}{}\n", stamp, level_name(level), message);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace vigil::log
