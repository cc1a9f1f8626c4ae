// SPDX-License-Identifier: GPL-2.0-or-later
// The one owner of the kernel's IPVS table: keeps the services the config
// declares equal to the desired state, and leaves everything else alone.
//
//   start()    lvs_flush if asked, then adopt: dump the kernel, keep what
//              already matches (no connection is lost on a restart), fix the rest.
//   update()   a new desired state (reload, health change): diff against the
//              cached view of the kernel, so one changed destination is one op.
//   resync()   dump the kernel again and repair whatever changed behind our back.
//   release()  on stop: delete our own services (or flush everything).
//
// Pure decisions over a Backend: it never reads a clock and never logs; every
// call returns a report of what it did, which the daemon logs.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vigil/ipvs/backend.hpp"
#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

/// One op the reconciler sent, and the kernel's answer.
struct Applied {
  Op op;
  std::optional<Error> error;
};

struct SyncReport {
  bool dumped = false;              ///< the kernel table was read
  std::optional<Error> read_error;  ///< reading the kernel failed; nothing was changed
  std::vector<Applied> ops;         ///< in the order sent
  std::size_t skipped = 0;          ///< ops not sent because an op they need failed

  [[nodiscard]] std::size_t failed() const;
  [[nodiscard]] std::size_t succeeded() const;
  [[nodiscard]] bool clean() const { return !read_error && failed() == 0 && skipped == 0; }
};

class Reconciler {
 public:
  explicit Reconciler(Backend& backend) : backend_(backend) {}

  /// First sync. With flush (keepalived's `lvs_flush`) the whole kernel table is
  /// flushed first; otherwise matching services are adopted as they are.
  SyncReport start(Desired desired, bool flush);
  /// Moves to a new desired state with the minimal ops. Services the previous
  /// desired state had and this one lacks are deleted.
  SyncReport update(Desired desired);
  /// The ops update(next) would send now, in the order it would send them,
  /// without sending anything: update() computes its ops with this same code.
  /// It reads the kernel when update() would (the cached view is stale, or the
  /// timeouts or sync daemons change); an error when that read fails.
  [[nodiscard]] Result<std::vector<Op>> plan(const Desired& next) const;
  /// Reads the kernel and repairs drift in the services we own.
  SyncReport resync();
  /// On stop: deletes our services and stops our sync daemons; with flush_all
  /// (`lvs_flush_on_stop`) flushes the whole table instead.
  SyncReport release(bool flush_all);

  [[nodiscard]] const Desired& desired() const { return desired_; }
  /// The services this reconciler manages now (declared, or still to delete).
  [[nodiscard]] std::set<ServiceKey> owned() const;

 private:
  /// What a sync would do: the kernel's (or cached) view of `mine` and the ops.
  struct Prepared {
    bool dumped = false;
    std::optional<Error> read_error;
    Table current;
    std::vector<Op> ops;
  };
  /// Reads what it needs (never writes) and computes the ops that take the
  /// kernel to `want`, for the services `mine`.
  Prepared prepare(const Desired& want, const std::set<ServiceKey>& mine, bool read_kernel) const;
  [[nodiscard]] bool globals_change(const Desired& next) const;
  SyncReport sync(bool read_kernel);
  void apply_all(const std::vector<Op>& ops, SyncReport& report);

  Backend& backend_;
  Desired desired_;
  /// Our services as the kernel had them after the last sync (valid only when
  /// view_valid_): update() diffs against it instead of dumping.
  Table view_;
  bool view_valid_ = false;
  /// Services we declared before and must still delete (their delete failed).
  std::set<ServiceKey> retired_;
  /// Sync daemons we started (stopped again on release).
  std::vector<SyncDaemon> our_daemons_;
};

}  // namespace vigil::ipvs
