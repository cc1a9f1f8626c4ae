// SPDX-License-Identifier: GPL-2.0-or-later
// Sync group propagation rules.
#include "vigil/vrrp/sync_group.hpp"

#include <algorithm>

namespace vigil::vrrp {

bool SyncGroup::can_goto_master(std::span<const State> states) {
  return std::none_of(states.begin(), states.end(), [](State s) { return s == State::Fault; });
}

std::vector<Force> SyncGroup::on_member_changed(std::size_t member, State to,
                                                std::span<const State> states) const {
  std::vector<Force> out;
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (i == member) {
      continue;
    }
    const State s = states[i];
    switch (to) {
      case State::Fault:
        if (s != State::Fault && s != State::Init) {
          out.push_back({i, State::Fault});
        }
        break;
      case State::Master:
        if (s == State::Backup && can_goto_master(states)) {
          out.push_back({i, State::Master});
        }
        break;
      case State::Backup:
        if (s == State::Master || s == State::Fault) {
          out.push_back({i, State::Backup});
        }
        break;
      case State::Init:
        break;
    }
  }
  return out;
}

}  // namespace vigil::vrrp
