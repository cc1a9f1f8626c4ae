// SPDX-License-Identifier: GPL-2.0-or-later
// Priority arithmetic for track_interface / track_script / track_file /
// track_process / track_bfd (keepalived.conf(5)): weight 0 means the object
// failing puts the instance in FAULT; a positive weight is added while the object
// is up, a negative one while it is down; `reverse` inverts the sense; a
// track_file adds value * weight. Script rise/fall are not here: this takes the
// already-debounced up/down. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"

namespace vigil::vrrp {

enum class TrackKind : std::uint8_t { Interface, Script, File, Process, Bfd };

class Tracking {
 public:
  struct Verdict {
    bool fault = false;
    std::string reason;  ///< the first faulting object, e.g. "track_script chk_haproxy down"
    int delta = 0;       ///< sum of the weights in effect (for Instance::set_priority_delta)
    bool operator==(const Verdict&) const = default;
  };

  /// Adds a tracked object. `up` is its initial state; for File, use set_value().
  void add(TrackKind kind, std::string name, int weight, bool reverse, bool up = true);
  /// The instance's own interface: FAULT while it is down (unless dont_track_primary).
  void add_primary(std::string ifname);
  /// Sets an object's state; unknown names are ignored. Returns true if it was tracked.
  bool set_up(TrackKind kind, const std::string& name, bool up);
  /// Sets a track_file's value.
  bool set_value(const std::string& name, std::int64_t value);

  [[nodiscard]] Verdict verdict() const;

  /// Everything `v` tracks, plus the track_* of the vrrp_sync_group that lists it, with each
  /// weight from the reference or else from the tracked object's own definition. Scripts
  /// start up unless init_fail; files start at init_file's value (else 0); the rest start up.
  static Tracking for_instance(const config::Model& m, const config::VrrpInstance& v);

 private:
  struct Item {
    TrackKind kind = TrackKind::Script;
    std::string name;
    int weight = 0;
    bool reverse = false;
    bool up = true;
    std::int64_t value = 0;
  };
  std::vector<Item> items_;
};

}  // namespace vigil::vrrp
