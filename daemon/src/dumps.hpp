// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived-style state dumps: what SIGUSR1 (DATA), SIGUSR2 (STATS) and the
// JSON signal write to /tmp/keepalived.data, /tmp/keepalived.stats and
// /tmp/keepalived.json. The renderers are pure functions of a State, so the
// shapes are fixed by golden files; only write_dump touches the file system.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state.hpp"

namespace vigil::daemon {

/// The text dump (keepalived.data): the daemon, the VRRP topology as
/// keepalived prints it, then vigil's virtual and real servers.
std::string render_data(const State& s);
/// The VRRP counters (keepalived.stats), one block per instance in
/// keepalived's layout.
std::string render_stats(const State& s);
/// keepalived.json: an array with one {"data": {...}, "stats": {...}} object
/// per VRRP instance, keepalived's key names.
std::string render_json(const State& s);

enum class DumpKind { Data, Stats, Json };

/// "keepalived.data", "keepalived.stats" or "keepalived.json": keepalived's
/// names, so operators' scripts that read them keep working.
std::string_view dump_file_name(DumpKind kind);
/// The renderer for `kind`.
std::string render_dump(DumpKind kind, const State& s);

/// Writes `content` to dir/name atomically (a temporary file in the same
/// directory, then rename), so a reader never sees half a dump. Returns the
/// path written, or nullopt with `error` set.
std::optional<std::string> write_dump(const std::string& dir, std::string_view name,
                                      std::string_view content, std::string& error);

}  // namespace vigil::daemon
