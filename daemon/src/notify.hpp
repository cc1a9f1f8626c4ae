// SPDX-License-Identifier: GPL-2.0-or-later
// systemd's service notifications (Type=notify): READY, RELOADING, STOPPING and
// STATUS through libsystemd's sd_notify. Without NOTIFY_SOCKET (not started by
// systemd) every call does nothing, so the daemon runs the same everywhere.
#pragma once

#include <string_view>

namespace vigil::daemon::notify {

/// Both halves started (or a reload finished): READY=1 with a STATUS= line.
void ready(std::string_view status);
/// A reload begins (SIGHUP): RELOADING=1 with MONOTONIC_USEC, which newer
/// systemd versions (Type=notify-reload) want and 252 ignores.
void reloading();
/// Stopping (SIGTERM/SIGINT): STOPPING=1.
void stopping();
/// A STATUS= line only.
void status(std::string_view status);

}  // namespace vigil::daemon::notify
