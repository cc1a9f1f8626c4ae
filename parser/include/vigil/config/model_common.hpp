// SPDX-License-Identifier: GPL-2.0-or-later
// Model pieces used by several families.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/types.hpp"

namespace vigil::config {

/// A script to run: the command line (with its arguments, as written), and the
/// optional user and group to run it as.
struct Script {
  std::string cmd;
  std::string user;
  std::string group;
  SourceLoc loc;  ///< where it was configured (not part of the dump)
  bool operator==(const Script&) const = default;
};

/// An optional value held on the heap, for large fields that are rarely set
/// (notify scripts): an unset one costs a pointer instead of the whole value, so
/// objects that exist by the tens of thousands stay small. It reads like
/// std::optional and compares by value.
template <class T>
class HeapOptional {
 public:
  HeapOptional() = default;
  HeapOptional(std::nullopt_t) {}  // NOLINT(google-explicit-constructor)
  HeapOptional(T v) : value_(std::make_unique<T>(std::move(v))) {}  // NOLINT
  HeapOptional(const HeapOptional& o)
      : value_(o.value_ ? std::make_unique<T>(*o.value_) : nullptr) {}
  HeapOptional(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(const HeapOptional& o) {
    if (this != &o) {
      value_ = o.value_ ? std::make_unique<T>(*o.value_) : nullptr;
    }
    return *this;
  }
  HeapOptional& operator=(HeapOptional&&) noexcept = default;
  ~HeapOptional() = default;
  HeapOptional& operator=(std::nullopt_t) {
    value_.reset();
    return *this;
  }

  [[nodiscard]] bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }
  void reset() { value_.reset(); }
  template <class... Args>
  T& emplace(Args&&... args) {
    value_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *value_;
  }
  bool operator==(const HeapOptional& o) const {
    return has_value() == o.has_value() && (!has_value() || *value_ == *o.value_);
  }

 private:
  std::unique_ptr<T> value_;
};

/// An optional script (notify_*, quorum_*, startup_script, ...).
using OptionalScript = HeapOptional<Script>;

/// Raw words of keywords that vigil parses but does not act on yet.
using RawLines = std::vector<std::vector<std::string>>;

}  // namespace vigil::config
