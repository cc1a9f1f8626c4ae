// SPDX-License-Identifier: GPL-2.0-or-later
// Errors of the VRRP adapters as values: what was attempted (op), on what (object)
// and the errno the kernel returned, and Result<T> (vigil::Result<T, Error>), either a
// value or such an Error. Nothing in vigil_vrrp_io throws across its API.
#pragma once

#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include "vigil/runtime/result.hpp"

namespace vigil::vrrp::io {

/// A failed kernel operation: `op` is the call ("bind", "RTM_NEWADDR"), `object` the thing it
/// was applied to ("eth0", "198.18.0.10/32 dev eth0"), `errnum` the errno (0 when the failure
/// is not an errno, e.g. an unsupported option), `detail` any extra words.
struct Error {
  std::string op;
  std::string object;
  int errnum = 0;
  std::string detail;

  /// "op object: errno text (detail)", e.g. "RTM_NEWADDR 198.18.0.10/32 dev eth0: File exists".
  [[nodiscard]] std::string text() const {
    std::string s = op;
    if (!object.empty()) {
      s += ' ';
      s += object;
    }
    if (errnum != 0 || !detail.empty()) {
      s += ": ";
    }
    if (errnum != 0) {
      s += std::system_category().message(errnum);
    }
    if (!detail.empty()) {
      s += errnum != 0 ? " (" + detail + ")" : detail;
    }
    return s;
  }
  bool operator==(const Error&) const = default;
};

/// Either a T or an Error. `ok()` tells which; `value()` / `error()` require the matching state.
template <class T>
using Result = ::vigil::Result<T, Error>;

}  // namespace vigil::vrrp::io
