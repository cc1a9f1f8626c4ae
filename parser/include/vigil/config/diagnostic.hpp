// SPDX-License-Identifier: GPL-2.0-or-later
// Configuration diagnostics as values: every message carries the file, line and
// column it is about, and prints in compiler format so editors can jump to it.
#pragma once

#include <fmt/format.h>

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace vigil::config {

/// A file name shared by every location in that file: the Reader hands out one
/// shared string per file, so a model with millions of located objects holds
/// each name once (16 bytes per location instead of a string copy).
class FileName {
 public:
  FileName() = default;
  FileName(std::string name)  // NOLINT(google-explicit-constructor): reads like a string
      : name_(std::make_shared<const std::string>(std::move(name))) {}
  FileName(const char* name) : FileName(std::string(name)) {}  // NOLINT
  explicit FileName(std::shared_ptr<const std::string> shared) : name_(std::move(shared)) {}

  [[nodiscard]] const std::string& str() const { return name_ ? *name_ : no_name(); }
  operator const std::string&() const { return str(); }  // NOLINT
  [[nodiscard]] bool empty() const { return str().empty(); }
  bool operator==(const FileName& o) const { return str() == o.str(); }
  std::strong_ordering operator<=>(const FileName& o) const { return str() <=> o.str(); }

 private:
  static const std::string& no_name() {
    static const std::string kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const std::string> name_;
};

/// Where something was written. line and col are 1-based; 0 means "unknown".
struct SourceLoc {
  FileName file;
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

template <>
struct fmt::formatter<vigil::config::FileName> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const vigil::config::FileName& f, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(f.str(), ctx);
  }
};
