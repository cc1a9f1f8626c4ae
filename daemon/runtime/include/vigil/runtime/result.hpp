// SPDX-License-Identifier: GPL-2.0-or-later
// Result<T, E>: a value or an error, the return type of everything in vigil
// that can fail (decoders, kernel calls, script resolution). Errors are values
// (DESIGN.md §6); nothing here throws. Each module names its own alias, e.g.
// `ipvs::Result<T>` = Result<T, ipvs::Error>.
#pragma once

#include <utility>
#include <variant>

namespace vigil {

/// Either a T or an E. `ok()` tells which; `value()` / `error()` require the matching state.
template <class T, class E>
class Result {
 public:
  Result(T value)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<0>, std::move(value)) {}
  Result(E error)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, std::move(error)) {}
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  [[nodiscard]] const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace vigil
