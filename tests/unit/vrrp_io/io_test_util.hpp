// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the script tests: a fresh temporary directory removed at the end,
// running the loop until a condition holds (bounded), and small file helpers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "loop.hpp"
#include "temp_dir.hpp"

namespace vigil::test {

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
