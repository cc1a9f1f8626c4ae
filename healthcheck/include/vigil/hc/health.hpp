// SPDX-License-Identifier: GPL-2.0-or-later
// HealthBook: the checkers' verdicts folded into what the IPVS module needs.
// A real server is alive while every one of its checkers is up (keepalived:
// no failed checkers); a real server without checkers is always alive. Its
// weight is the configured one unless a MISC_CHECK (misc_dynamic) or a
// FILE_CHECK set another: a checker's weight is the real server weight it asks
// for; with several such checkers each one moves the configured weight by its
// own offset (keepalived adds every dynamic checker's change). The book turns verdict changes into
// events for notify_up/notify_down, and Desired::quorum_up changes into quorum_up/down events, and
// gives ipvs::desired_state its HealthView and QuorumView. Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/hc/plan.hpp"
#include "vigil/ipvs/desired.hpp"

namespace vigil::hc {

/// A real server went up or down (run its notify_up / notify_down).
struct RsEvent {
  std::size_t vs_index = 0;
  std::size_t rs_index = 0;
  bool up = false;
};

/// A virtual server gained or lost quorum (run quorum_up / quorum_down).
struct QuorumEvent {
  std::size_t vs_index = 0;
  bool up = false;
};

/// What a checker is and where it sits, for log lines.
struct CheckerInfo {
  CheckKind kind = CheckKind::Tcp;
  std::size_t vs_index = 0;
  std::size_t rs_index = 0;
};

class HealthBook {
 public:
  /// Start, or a reload: the new model and its checks. The model must outlive
  /// the book's use of it (and the views it hands out). Verdicts of checker_ids
  /// that are still present with the same probe_key are kept (the engine keeps
  /// those slots); new checkers start as their tracker
  /// does (down under alpha, else up); quorum history is kept by virtual
  /// server identity. Returns nothing: a reload itself fires no notify.
  void reset(const config::Model& model, const std::vector<CheckDef>& checks);

  /// One checker's verdict changed (or its weight: the checker's current
  /// dynamic weight, nullopt for none). Returns the real-server event when the
  /// real server's aliveness changed; an unknown checker_id changes nothing.
  std::optional<RsEvent> set_verdict(const std::string& checker_id, bool up,
                                     std::optional<std::uint32_t> weight = std::nullopt);

  /// For ipvs::desired_state: aliveness and weight per (vs, rs), looked up by
  /// rs_id (a real server the book does not know is alive at its weight).
  /// The views refer to this book: use them while it lives.
  [[nodiscard]] ipvs::HealthView health_view() const;
  /// For ipvs::desired_state: the quorum state last recorded.
  [[nodiscard]] ipvs::QuorumView quorum_view() const;
  /// Records the quorum states of a new desired state; returns the changes
  /// (none at the first call after reset for a virtual server without history).
  std::vector<QuorumEvent> record_quorum(const ipvs::Desired& desired);

  /// Omega on shutdown: notify_down for every live real server and
  /// quorum_down for every virtual server with quorum, of virtual servers
  /// with `omega`.
  [[nodiscard]] std::vector<RsEvent> omega_rs_events() const;
  [[nodiscard]] std::vector<QuorumEvent> omega_quorum_events() const;

  [[nodiscard]] bool alive(const std::string& rs_id) const;

  /// A checker's kind and real server (nullopt: unknown checker_id), so that a
  /// caller can name it in a log line without keeping the CheckDefs.
  [[nodiscard]] std::optional<CheckerInfo> checker(const std::string& checker_id) const;

 private:
  struct Rs;
  struct Checker {
    std::string probe_key;
    Rs* rs = nullptr;  ///< its real server in rs_
    CheckKind kind = CheckKind::Tcp;
    bool up = true;
    std::optional<std::uint32_t> weight;
  };
  struct Rs {
    std::size_t vs_index = 0;
    std::size_t rs_index = 0;
    bool alive = true;
    std::vector<const Checker*> checkers;  ///< its checkers, in checkers_
  };
  [[nodiscard]] bool compute_alive(const Rs& rs) const;
  [[nodiscard]] std::optional<std::uint32_t> weight_of(const Rs& rs,
                                                       std::uint32_t configured) const;
  const config::Model* model_ = nullptr;
  /// A map built once per reset() and then only read and updated in place: a
  /// sorted array, so no tree node per entry, and values never move (the
  /// pointers between checkers and real servers stay valid until the next reset).
  template <class V>
  struct FlatMap {
    std::vector<std::pair<std::string, V>> items;
    /// After the pushes: sorts by key; of equal keys the last pushed stays.
    void seal();
    V* find(std::string_view key);
    const V* find(std::string_view key) const;
  };
  FlatMap<Checker> checkers_;           ///< by checker_id
  FlatMap<Rs> rs_;                      ///< by rs_id
  std::map<std::string, bool> quorum_;  ///< by virtual server identity
};

}  // namespace vigil::hc
