// SPDX-License-Identifier: GPL-2.0-or-later
// Where configuration text comes from. The parser reads files only through this
// interface, so tests can give it an in-memory tree and the real daemon the disk.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil::config {

class FileSource {
 public:
  virtual ~FileSource() = default;
  /// The file's bytes, or nullopt with `error` set (an strerror-style text).
  virtual std::optional<std::string> read(const std::string& path, std::string& error) const = 0;
  /// Paths matching a glob pattern (with csh brace expansion), sorted; empty if none.
  virtual std::vector<std::string> glob(const std::string& pattern) const = 0;
  /// A canonical name for cycle detection (realpath on disk).
  virtual std::string canonical(const std::string& path) const = 0;
};

/// The real filesystem.
class DiskFileSource final : public FileSource {
 public:
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::vector<std::string> glob(const std::string& pattern) const override;
  std::string canonical(const std::string& path) const override;
};

/// A map of absolute paths to contents, for tests and the fuzzer. Globs support
/// `*`, `?`, `[...]` and `{a,b}`.
class MemoryFileSource final : public FileSource {
 public:
  MemoryFileSource() = default;
  explicit MemoryFileSource(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  void add(std::string path, std::string text) { files_[std::move(path)] = std::move(text); }
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::vector<std::string> glob(const std::string& pattern) const override;
  std::string canonical(const std::string& path) const override { return path; }

 private:
  std::map<std::string, std::string> files_;
};

/// Expands csh-style braces: "a{b,c}d" -> {"abd", "acd"}. Unbalanced braces are
/// kept literally. The result is capped at `limit` entries.
std::vector<std::string> expand_braces(const std::string& pattern, std::size_t limit = 4096);

}  // namespace vigil::config
