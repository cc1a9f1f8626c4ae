// SPDX-License-Identifier: GPL-2.0-or-later
// Tracking weights and fault rules (keepalived.conf(5), track_* sections).
#include "vigil/vrrp/tracking.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace vigil::vrrp {
namespace {

std::string_view kind_word(TrackKind k) {
  switch (k) {
    case TrackKind::Interface:
      return "track_interface";
    case TrackKind::Script:
      return "track_script";
    case TrackKind::File:
      return "track_file";
    case TrackKind::Process:
      return "track_process";
    case TrackKind::Bfd:
      return "track_bfd";
  }
  return "track";
}

int clamp_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(),
                                                   std::numeric_limits<int>::max()));
}

template <class Def>
const Def* find_named(const std::vector<Def>& defs, const std::string& name) {
  const auto it =
      std::find_if(defs.begin(), defs.end(), [&](const Def& d) { return d.name == name; });
  return it == defs.end() ? nullptr : &*it;
}

void add_refs(Tracking& t, const config::Model& m, const std::vector<config::TrackedInterface>& ifs,
              const std::vector<config::TrackRef>& scripts,
              const std::vector<config::TrackRef>& files,
              const std::vector<config::TrackRef>& processes,
              const std::vector<config::TrackRef>& bfds) {
  for (const config::TrackedInterface& i : ifs) {
    t.add(TrackKind::Interface, i.name, i.weight, i.reverse);
  }
  for (const config::TrackRef& r : scripts) {
    const config::VrrpScript* d = find_named(m.vrrp.vrrp_script, r.name);
    const int weight = r.weight.value_or(d != nullptr ? d->weight : 0);
    const bool reverse = r.weight ? r.reverse : (d != nullptr && d->weight_reverse);
    t.add(TrackKind::Script, r.name, weight, reverse, d == nullptr || !d->init_fail);
  }
  for (const config::TrackRef& r : files) {
    const config::TrackFile* d = find_named(m.vrrp.track_file, r.name);
    const int weight = r.weight.value_or(d != nullptr ? d->weight : 1);
    const bool reverse = r.weight ? r.reverse : (d != nullptr && d->weight_reverse);
    t.add(TrackKind::File, r.name, weight, reverse);
    if (d != nullptr && d->init_file) {
      t.set_value(r.name, d->init_file->value);
    }
  }
  for (const config::TrackRef& r : processes) {
    const config::VrrpTrackProcess* d = find_named(m.vrrp.vrrp_track_process, r.name);
    const int weight = r.weight.value_or(d != nullptr ? d->weight : 0);
    const bool reverse = r.weight ? r.reverse : (d != nullptr && d->weight_reverse);
    t.add(TrackKind::Process, r.name, weight, reverse);
  }
  for (const config::TrackRef& r : bfds) {
    t.add(TrackKind::Bfd, r.name, r.weight.value_or(0), r.reverse);
  }
}

}  // namespace

void Tracking::add(TrackKind kind, std::string name, int weight, bool reverse, bool up) {
  items_.push_back(Item{kind, std::move(name), weight, reverse, up, 0});
}

void Tracking::add_primary(std::string ifname) {
  add(TrackKind::Interface, std::move(ifname), 0, false);
}

bool Tracking::set_up(TrackKind kind, const std::string& name, bool up) {
  bool found = false;
  for (Item& i : items_) {
    if (i.kind == kind && i.name == name) {
      i.up = up;
      found = true;
    }
  }
  return found;
}

bool Tracking::set_value(const std::string& name, std::int64_t value) {
  bool found = false;
  for (Item& i : items_) {
    if (i.kind == TrackKind::File && i.name == name) {
      i.value = value;
      found = true;
    }
  }
  return found;
}

Tracking::Verdict Tracking::verdict() const {
  Verdict v;
  std::int64_t delta = 0;
  for (const Item& i : items_) {
    const std::int64_t sign = i.reverse ? -1 : 1;
    if (i.kind == TrackKind::File) {
      // track_file: weight 0 -> a non-zero value (zero with reverse) is a fault; otherwise
      // the priority moves by value * weight (negated with reverse).
      if (i.weight == 0) {
        if ((i.value != 0) != i.reverse) {
          if (!v.fault) {
            v.reason = fmt::format("{} {} value {}", kind_word(i.kind), i.name, i.value);
          }
          v.fault = true;
        }
      } else {
        delta += i.value * i.weight * sign;
      }
      continue;
    }
    if (i.weight == 0) {
      // Weight 0: down is a fault (up, with reverse).
      if (i.up == i.reverse) {
        if (!v.fault) {
          v.reason = fmt::format("{} {} {}", kind_word(i.kind), i.name, i.up ? "up" : "down");
        }
        v.fault = true;
      }
    } else if (i.weight > 0 ? i.up : !i.up) {
      // Positive weights count while up, negative ones while down; reverse negates them
      // (keepalived's weight multiplier of -1).
      delta += i.weight * sign;
    }
  }
  v.delta = clamp_int(delta);
  return v;
}

Tracking Tracking::for_instance(const config::Model& m, const config::VrrpInstance& v) {
  Tracking t;
  if (!v.dont_track_primary && !v.interface.empty()) {
    t.add_primary(v.interface);
  }
  add_refs(t, m, v.track_interface, v.track_script, v.track_file, v.track_process, v.track_bfd);
  for (const config::VrrpSyncGroup& g : m.vrrp.vrrp_sync_group) {
    const bool member = std::any_of(g.group.begin(), g.group.end(),
                                    [&](const config::NameRef& n) { return n.name == v.name; });
    if (member) {
      add_refs(t, m, g.track_interface, g.track_script, g.track_file, g.track_process, g.track_bfd);
    }
  }
  return t;
}

}  // namespace vigil::vrrp
