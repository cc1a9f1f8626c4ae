// SPDX-License-Identifier: GPL-2.0-or-later
// Configuration diagnostics as values: every message carries the file, line and
// column it is about, and prints in compiler format so editors can jump to it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace vigil::config {

/// Where something was written. line and col are 1-based; 0 means "unknown".
struct SourceLoc {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t col = 0;
  bool operator==(const SourceLoc&) const = default;
};

/// How bad a diagnostic is, and what it does to `-t`'s exit status.
enum class Severity {
  Note,     ///< vigil's own advice (deprecations, style); never changes the verdict
  Warning,  ///< keepalived would complain too and carry on; `-t` exits 5
  Error,    ///< the setting is rejected; `-t` exits 5 (keepalived still runs)
  Fatal,    ///< the configuration cannot run at all; `-t` exits 4
};

struct Diagnostic {
  SourceLoc loc;
  Severity severity = Severity::Error;
  std::string message;
  bool operator==(const Diagnostic&) const = default;
};

/// `file:line:col: severity: message`
std::string format(const Diagnostic& d);
const char* severity_name(Severity s);

/// Collects diagnostics in the order they were found. An exact repeat (same
/// place, severity and text, e.g. from a ~SEQ loop) is kept only once.
class Diagnostics {
 public:
  void add(SourceLoc loc, Severity severity, std::string message);
  void note(const SourceLoc& loc, std::string message) {
    add(loc, Severity::Note, std::move(message));
  }
  void warning(const SourceLoc& loc, std::string message) {
    add(loc, Severity::Warning, std::move(message));
  }
  void error(const SourceLoc& loc, std::string message) {
    add(loc, Severity::Error, std::move(message));
  }
  void fatal(const SourceLoc& loc, std::string message) {
    add(loc, Severity::Fatal, std::move(message));
  }
  /// A script-security problem: a warning that makes `-t` exit 6.
  void security(const SourceLoc& loc, std::string message) {
    security_ = true;
    add(loc, Severity::Warning, std::move(message));
  }

  [[nodiscard]] const std::vector<Diagnostic>& all() const { return items_; }
  [[nodiscard]] bool has_errors() const { return errors_ + fatals_ > 0; }
  [[nodiscard]] bool has_fatal() const { return fatals_ > 0; }
  [[nodiscard]] std::size_t count(Severity s) const;
  [[nodiscard]] bool has_security_issue() const { return security_; }
  /// keepalived's `-t` exit status for what was found: 0, 4 (fatal), 6 (script
  /// security; it overrides other errors, as in keepalived) or 5.
  [[nodiscard]] int config_test_status() const;

 private:
  std::vector<Diagnostic> items_;
  std::unordered_set<std::string> seen_;  // formatted, to drop exact repeats
  std::size_t notes_ = 0, warnings_ = 0, errors_ = 0, fatals_ = 0;
  bool security_ = false;
};

}  // namespace vigil::config
