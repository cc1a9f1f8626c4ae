// SPDX-License-Identifier: GPL-2.0-or-later
// Drainer: real servers removed by a reload stay at weight 0 until their
// connections end or their deadline passes.
#include "vigil/ipvs/drain.hpp"

namespace vigil::ipvs {

const char* drain_kind_name(DrainEvent::Kind k) {
  switch (k) {
    case DrainEvent::Kind::Started:
      return "started";
    case DrainEvent::Kind::Drained:
      return "drained";
    case DrainEvent::Kind::Expired:
      return "deadline passed";
    case DrainEvent::Kind::Readded:
      return "re-added";
    case DrainEvent::Kind::Abandoned:
      return "abandoned";
  }
  return "?";
}

std::vector<DrainEvent> Drainer::reload(const Table& before, const Table& after,
                                        const std::set<std::pair<ServiceKey, DestKey>>& declared,
                                        DrainClock::time_point now) {
  std::vector<DrainEvent> events;
  // Drains that end: named again, or their service is gone.
  for (auto it = drains_.begin(); it != drains_.end();) {
    const auto& [svc, dest] = it->first;
    const bool named = declared.count(it->first) != 0;
    const bool service_kept = after.services.count(svc) != 0;
    if (named || !service_kept) {
      DrainEvent e;
      e.kind = named && service_kept ? DrainEvent::Kind::Readded : DrainEvent::Kind::Abandoned;
      e.service = svc;
      e.dest = dest;
      e.elapsed = now - it->second.started;
      events.push_back(e);
      it = drains_.erase(it);
    } else {
      ++it;
    }
  }
  if (timeout_ <= DrainClock::duration::zero()) {
    return events;
  }
  // New drains: in the last programmed table, in a service that stays, no longer named.
  for (const auto& [key, svc] : before.services) {
    if (after.services.count(key) == 0) {
      continue;  // the service goes, with its destinations
    }
    for (const auto& [dkey, dest] : svc.dests) {
      const std::pair<ServiceKey, DestKey> id{key, dkey};
      if (declared.count(id) != 0 || drains_.count(id) != 0) {
        continue;
      }
      Drain d;
      d.spec = dest.spec;
      d.spec.weight = 0;
      d.started = now;
      d.deadline = now + timeout_;
      drains_.emplace(id, d);
      DrainEvent e;
      e.kind = DrainEvent::Kind::Started;
      e.service = key;
      e.dest = dkey;
      events.push_back(e);
    }
  }
  return events;
}

std::vector<std::pair<ServiceKey, DestKey>> Drainer::drains() const {
  std::vector<std::pair<ServiceKey, DestKey>> out;
  out.reserve(drains_.size());
  for (const auto& [id, d] : drains_) {
    out.push_back(id);
  }
  return out;
}

std::vector<ServiceKey> Drainer::services() const {
  std::vector<ServiceKey> out;
  for (const auto& [id, d] : drains_) {
    if (out.empty() || !(out.back() == id.first)) {  // drains_ is ordered by service
      out.push_back(id.first);
    }
  }
  return out;
}

void Drainer::overlay(Table& desired) const {
  for (const auto& [id, d] : drains_) {
    const auto svc = desired.services.find(id.first);
    if (svc == desired.services.end()) {
      continue;
    }
    auto [it, fresh] = svc->second.dests.try_emplace(id.second);
    if (fresh) {
      it->second.key = id.second;
      it->second.spec = d.spec;
    }
  }
}

std::vector<DrainEvent> Drainer::tick(const Table& kernel, DrainClock::time_point now) {
  std::vector<DrainEvent> events;
  for (auto it = drains_.begin(); it != drains_.end();) {
    const auto& [svc, dest] = it->first;
    DrainEvent e;
    e.service = svc;
    e.dest = dest;
    e.elapsed = now - it->second.started;
    bool ends = false;
    const Dest* found = nullptr;
    if (const auto s = kernel.services.find(svc); s != kernel.services.end()) {
      if (const auto d = s->second.dests.find(dest); d != s->second.dests.end()) {
        found = &d->second;
      }
    }
    if (found == nullptr) {
      e.kind = DrainEvent::Kind::Abandoned;
      ends = true;
    } else {
      e.active_conns = found->rt.active_conns;
      e.inact_conns = found->rt.inact_conns;
      if (e.active_conns == 0 && e.inact_conns == 0) {
        e.kind = DrainEvent::Kind::Drained;
        ends = true;
      } else if (now >= it->second.deadline) {
        e.kind = DrainEvent::Kind::Expired;
        ends = true;
      }
    }
    if (ends) {
      events.push_back(e);
      it = drains_.erase(it);
    } else {
      ++it;
    }
  }
  return events;
}

}  // namespace vigil::ipvs
