// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the script tests: a fresh temporary directory removed at the end,
// running the loop until a condition holds (bounded), and small file helpers.
#pragma once

#include <stdlib.h>  // mkdtemp

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "loop.hpp"

namespace vigil::test {

/// A directory made with mkdtemp under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir() {
    const auto base = std::filesystem::temp_directory_path() / "vigil-test-XXXXXX";
    std::string tmpl = base.string();
    if (::mkdtemp(tmpl.data()) != nullptr) {
      path_ = tmpl;
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
}

}  // namespace vigil::test
