// SPDX-License-Identifier: GPL-2.0-or-later
// `vigild status` views of a State: an aligned text report for people and a
// JSON document for scripts. Pure functions, so golden tests pin them down.
#pragma once

#include <string>

#include "state.hpp"

namespace vigil::daemon {

/// The daemon, its VRRP instances, virtual and real servers and checkers as
/// aligned text tables.
std::string render_status_text(const State& s);

/// The same as a JSON document (two-space indent, trailing newline). Optional
/// values the daemon does not know are null.
std::string render_status_json(const State& s);

/// "1h02m03s"-style durations for people (seconds rounded down).
std::string human_duration(double seconds);

}  // namespace vigil::daemon
