// SPDX-License-Identifier: GPL-2.0-or-later
// What one probe run says, and what a checker's verdict on its real server is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil::hc {

/// The outcome of one probe run (one connect, one GET, one script run...).
struct ProbeResult {
  bool ok = false;
  /// MISC_CHECK with misc_dynamic: the weight its exit status asks for
  /// (keepalived.conf(5)); FILE_CHECK: the weight the file's value gives.
  std::optional<std::uint32_t> weight;
  /// Why it failed (or a short note when it passed), for the log:
  /// "connect to 198.18.0.2:80: Connection refused", "HTTP status 503 not in 200-299",
  /// "digest 0123... != expected abcd...", "misc_path timed out after 5 s".
  std::string detail;
};

}  // namespace vigil::hc
