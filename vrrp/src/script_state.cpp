// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_script rise/fall counting (see script_state.hpp).
#include "vigil/vrrp/script_state.hpp"

#include <algorithm>

namespace vigil::vrrp {

ScriptState::ScriptState(int rise, int fall, bool init_fail)
    : rise_(std::max(rise, 1)),
      fall_(std::max(fall, 1)),
      // Without init_fail the counter sits just below "up", so one success is
      // enough; the first failure is reported too (initial_).
      result_(init_fail ? 0 : rise_ - 1),
      initial_(!init_fail) {}

std::optional<bool> ScriptState::on_result(bool ok) {
  const int top = rise_ + fall_ - 1;
  std::optional<bool> change;
  if (ok) {
    if (result_ < rise_ - 1) {
      ++result_;
    } else if (result_ != top) {
      if (result_ < rise_) {
        change = true;
      }
      result_ = top;
    }
  } else {
    if (result_ > rise_) {
      --result_;
    } else {
      if (result_ == rise_ || initial_) {
        change = false;
      }
      result_ = 0;
    }
  }
  initial_ = false;
  return change;
}

}  // namespace vigil::vrrp
