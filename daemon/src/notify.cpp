// SPDX-License-Identifier: GPL-2.0-or-later
// sd_notify wrappers. Failures are logged at debug level only: a lost
// notification must never stop the daemon (systemd then times the unit out,
// which says more than we could).
#include "notify.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "vigil/runtime/log.hpp"

namespace vigil::daemon::notify {

namespace {

void send(const std::string& message) {
  // unset_environment = 0: NOTIFY_SOCKET stays set for the next notification.
  const int r = ::sd_notify(0, message.c_str());
  if (r < 0) {
    log::debug("sd_notify failed: {}", std::strerror(-r));
  }
}

/// Status lines are one line: a newline would start a new assignment.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return out;
}

}  // namespace

void ready(std::string_view status) {
  send("READY=1\nSTATUS=" + one_line(status));
}

void reloading() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
  send(fmt::format("RELOADING=1\nSTATUS=Reloading the configuration\nMONOTONIC_USEC={}", usec));
}

void stopping() {
  send("STOPPING=1\nSTATUS=Stopping");
}

void status(std::string_view status) {
  send("STATUS=" + one_line(status));
}

}  // namespace vigil::daemon::notify
