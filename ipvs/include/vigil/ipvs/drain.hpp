// SPDX-License-Identifier: GPL-2.0-or-later
// Drains: a real server that a reload takes out of a virtual server that stays
// is not deleted at once (which would cut its connections) but kept in the
// kernel at weight 0: no new connections, the existing ones go on. It is
// deleted once the kernel counts no active or inactive connection to it, or
// when its deadline (`--drain-timeout`) passes; a later reload that names it
// again ends the drain and it is programmed as configured. A removed virtual
// server is deleted at once, with its destinations (its service is gone, so
// nothing could drain in it). Pure: the time comes in as a parameter.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

using DrainClock = std::chrono::steady_clock;

/// Something that happened to a drain, for the log.
struct DrainEvent {
  enum class Kind : std::uint8_t {
    Started,    ///< taken out by a reload: weight 0 until its connections end
    Drained,    ///< no connection left: deleted
    Expired,    ///< the deadline passed first: deleted with its connections
    Readded,    ///< a reload named it again: programmed as configured
    Abandoned,  ///< its service went away (deleted with it), or the kernel lost it
  };
  Kind kind = Kind::Started;
  ServiceKey service;
  DestKey dest;
  std::uint32_t active_conns = 0;  ///< as last seen (Drained, Expired)
  std::uint32_t inact_conns = 0;
  DrainClock::duration elapsed{};  ///< since the drain started (all but Started)
  bool operator==(const DrainEvent&) const = default;
};

/// "started", "drained", "deadline passed", "re-added", "abandoned".
const char* drain_kind_name(DrainEvent::Kind k);

class Drainer {
 public:
  /// timeout 0: no drains at all, a removed destination is deleted at once
  /// (keepalived's behaviour).
  explicit Drainer(DrainClock::duration timeout = std::chrono::seconds(60)) : timeout_(timeout) {}

  /// A reload: the desired table goes from `before` (what was last programmed,
  /// drains included) to `after` (the new configuration's, drains not yet
  /// added). `declared` is what the new configuration names, alive or not
  /// (declared_dests()). A destination of `before` whose service `after` keeps
  /// and that `declared` no longer names starts draining (one already draining
  /// keeps its deadline); drains of destinations named again, or of services
  /// gone, end.
  std::vector<DrainEvent> reload(const Table& before, const Table& after,
                                 const std::set<std::pair<ServiceKey, DestKey>>& declared,
                                 DrainClock::time_point now);

  /// Adds every draining destination, at weight 0, to `desired` (whose
  /// services come from the same reload). A destination `desired` already has
  /// is left as it is.
  void overlay(Table& desired) const;

  /// Looks at the kernel's connection counts (`kernel`: a dump) and ends the
  /// drains with none left, those past their deadline, and those the kernel no
  /// longer has. Call overlay() again afterwards: the ended ones are gone.
  std::vector<DrainEvent> tick(const Table& kernel, DrainClock::time_point now);

  [[nodiscard]] bool pending() const { return !drains_.empty(); }
  [[nodiscard]] bool draining(const ServiceKey& svc, const DestKey& dest) const {
    return drains_.count({svc, dest}) != 0;
  }
  [[nodiscard]] std::size_t size() const { return drains_.size(); }
  /// The draining destinations, by service.
  [[nodiscard]] std::vector<std::pair<ServiceKey, DestKey>> drains() const;
  /// The services with at least one drain, each once, in order: what tick()
  /// needs to see of the kernel.
  [[nodiscard]] std::vector<ServiceKey> services() const;
  [[nodiscard]] DrainClock::duration timeout() const { return timeout_; }
  void set_timeout(DrainClock::duration t) { timeout_ = t; }

 private:
  struct Drain {
    DestSpec spec;  ///< as it was programmed, weight 0
    DrainClock::time_point started;
    DrainClock::time_point deadline;
  };
  DrainClock::duration timeout_;
  std::map<std::pair<ServiceKey, DestKey>, Drain> drains_;
};

}  // namespace vigil::ipvs
