// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/config/diagnostic.hpp"

#include <fmt/format.h>

namespace vigil::config {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
    case Severity::Fatal:
      return "fatal error";
  }
  return "error";
}

std::string format(const Diagnostic& d) {
  return fmt::format("{}:{}:{}: {}: {}",
                     d.loc.file.empty() ? std::string("<command line>") : d.loc.file.str(),
                     d.loc.line, d.loc.col, severity_name(d.severity), d.message);
}

void Diagnostics::add(SourceLoc loc, Severity severity, std::string message) {
  Diagnostic d{std::move(loc), severity, std::move(message)};
  if (!seen_.insert(format(d)).second) {
    return;
  }
  switch (severity) {
    case Severity::Note:
      ++notes_;
      break;
    case Severity::Warning:
      ++warnings_;
      break;
    case Severity::Error:
      ++errors_;
      break;
    case Severity::Fatal:
      ++fatals_;
      break;
  }
  items_.push_back(std::move(d));
}

std::size_t Diagnostics::count(Severity s) const {
  switch (s) {
    case Severity::Note:
      return notes_;
    case Severity::Warning:
      return warnings_;
    case Severity::Error:
      return errors_;
    case Severity::Fatal:
      return fatals_;
  }
  return 0;
}

int Diagnostics::config_test_status() const {
  if (fatals_ > 0) {
    return 4;
  }
  if (security_) {
    return 6;
  }
  if (errors_ + warnings_ > 0) {
    return 5;
  }
  return 0;
}

}  // namespace vigil::config
