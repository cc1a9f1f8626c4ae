// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/config/source.hpp"

#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace vigil::config {

std::optional<std::string> DiskFileSource::read(const std::string& path, std::string& error) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> DiskFileSource::glob(const std::string& pattern) const {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), GLOB_BRACE | GLOB_TILDE_CHECK, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      out.emplace_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  return out;
}

std::string DiskFileSource::canonical(const std::string& path) const {
  std::unique_ptr<char, decltype(&::free)> p(::realpath(path.c_str(), nullptr), &::free);
  return p ? std::string(p.get()) : path;
}

namespace {
std::string normal(const std::string& p) {
  return std::filesystem::path(p).lexically_normal().string();
}
}  // namespace

std::optional<std::string> MemoryFileSource::read(const std::string& path,
                                                  std::string& error) const {
  auto it = files_.find(normal(path));
  if (it == files_.end()) {
    error = "No such file or directory";
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> MemoryFileSource::glob(const std::string& pattern) const {
  std::vector<std::string> out;
  for (const auto& raw : expand_braces(pattern)) {
    const std::string alt = normal(raw);
    std::vector<std::string> part;
    for (const auto& [path, text] : files_) {
      if (::fnmatch(alt.c_str(), path.c_str(), FNM_PATHNAME) == 0) {
        part.push_back(path);
      }
    }
    std::sort(part.begin(), part.end());
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<std::string> expand_braces(const std::string& pattern, std::size_t limit) {
  // Find the first top-level {...} group that contains a comma.
  std::size_t open = std::string::npos;
  int depth = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] == '{') {
      if (depth == 0) {
        open = i;
      }
      ++depth;
    } else if (pattern[i] == '}' && depth > 0) {
      --depth;
      if (depth == 0) {
        // split the group's body on top-level commas
        std::vector<std::string> alts;
        std::string cur;
        int d = 0;
        for (std::size_t j = open + 1; j < i; ++j) {
          const char c = pattern[j];
          if (c == '{') {
            ++d;
          } else if (c == '}') {
            --d;
          }
          if (c == ',' && d == 0) {
            alts.push_back(cur);
            cur.clear();
          } else {
            cur.push_back(c);
          }
        }
        alts.push_back(cur);
        if (alts.size() < 2) {
          continue;  // "{x}" is literal, as in csh
        }
        const std::string head = pattern.substr(0, open);
        const std::string tail = pattern.substr(i + 1);
        std::vector<std::string> out;
        for (const auto& a : alts) {
          for (auto& e : expand_braces(head + a + tail, limit)) {
            if (out.size() >= limit) {
              return out;
            }
            out.push_back(std::move(e));
          }
        }
        return out;
      }
    }
  }
  return {pattern};
}

}  // namespace vigil::config
