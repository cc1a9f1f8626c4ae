// SPDX-License-Identifier: GPL-2.0-or-later
// Golden-file comparison: compare text with a checked-in file, or rewrite the
// file when UPDATE_GOLDEN=1 is set (then review the git diff like code).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool update_golden() {
  const char* v = std::getenv("UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

/// Returns the expected text (after rewriting it when updating).
inline std::string golden(const std::filesystem::path& p, const std::string& actual) {
  if (update_golden()) {
    std::ofstream(p, std::ios::binary) << actual;
    return actual;
  }
  return read_file(p);
}

inline std::filesystem::path source_dir() {
  return VIGIL_SOURCE_DIR;
}

}  // namespace vigil::test
