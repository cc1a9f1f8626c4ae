// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstring>

#include "vigil/ipvs/backend.hpp"

namespace vigil::ipvs {

std::string Error::text() const {
  std::string s = op;
  if (!object.empty()) {
    s += ' ';
    s += object;
  }
  if (err != 0) {
    s += ": ";
    s += std::strerror(err);
    s += " (errno " + std::to_string(err) + ")";
  }
  if (!detail.empty()) {
    s += err != 0 ? " - " : ": ";
    s += detail;
  }
  return s;
}

}  // namespace vigil::ipvs
