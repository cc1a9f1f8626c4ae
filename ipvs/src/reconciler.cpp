// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/ipvs/reconciler.hpp"

#include <algorithm>
#include <utility>

#include "vigil/ipvs/diff.hpp"

namespace vigil::ipvs {

namespace {

/// The service an op needs to exist (nullopt for table-wide ops).
std::optional<ServiceKey> needs_service(const Op& op) {
  if (const auto* a = std::get_if<AddDest>(&op)) {
    return a->svc;
  }
  if (const auto* e = std::get_if<EditDest>(&op)) {
    return e->svc;
  }
  if (const auto* d = std::get_if<DelDest>(&op)) {
    return d->svc;
  }
  return std::nullopt;
}

/// A kernel-reported daemon matches the configured one; 0 in the config means
/// "the kernel's default", whatever value the kernel then reports.
bool daemon_matches(const SyncDaemon& kernel, const SyncDaemon& want) {
  return kernel.role == want.role && kernel.mcast_ifn == want.mcast_ifn &&
         kernel.syncid == want.syncid &&
         (want.sync_maxlen == 0 || kernel.sync_maxlen == want.sync_maxlen) &&
         (want.mcast_port == 0 || kernel.mcast_port == want.mcast_port) &&
         (want.mcast_ttl == 0 || kernel.mcast_ttl == want.mcast_ttl) &&
         (!want.mcast_group || kernel.mcast_group == want.mcast_group);
}

/// Timeouts differ in a field the config sets (0 leaves the kernel's value).
bool timeouts_differ(const Timeouts& kernel, const Timeouts& want) {
  return (want.tcp != 0 && kernel.tcp != want.tcp) ||
         (want.tcpfin != 0 && kernel.tcpfin != want.tcpfin) ||
         (want.udp != 0 && kernel.udp != want.udp);
}

}  // namespace

std::size_t SyncReport::failed() const {
  return static_cast<std::size_t>(
      std::count_if(ops.begin(), ops.end(), [](const Applied& a) { return a.error.has_value(); }));
}

std::size_t SyncReport::succeeded() const {
  return ops.size() - failed();
}

std::set<ServiceKey> Reconciler::owned() const {
  std::set<ServiceKey> keys = retired_;
  for (const auto& [key, svc] : desired_.table.services) {
    keys.insert(key);
  }
  return keys;
}

void Reconciler::apply_all(const std::vector<Op>& ops, SyncReport& report) {
  // Two pipelined batches: first the ops that need no service (adding and
  // editing services), then the rest, leaving out the destination ops of a
  // service whose add failed (the kernel would refuse them all with ESRCH).
  std::vector<Op> first;
  std::vector<Op> second;
  for (const Op& op : ops) {
    (needs_service(op) || std::holds_alternative<DelService>(op) ? second : first).push_back(op);
  }
  std::set<ServiceKey> missing;
  auto send = [&](const std::vector<Op>& batch) {
    std::vector<std::optional<Error>> results = backend_.apply_all(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::optional<Error> err = i < results.size() ? std::move(results[i]) : std::nullopt;
      const Op& op = batch[i];
      if (err) {
        if (const auto* add = std::get_if<AddService>(&op)) {
          missing.insert(add->key);
        }
      } else if (const auto* del = std::get_if<DelService>(&op)) {
        retired_.erase(del->key);
      }
      report.ops.push_back(Applied{op, std::move(err)});
    }
  };
  send(first);
  std::erase_if(second, [&](const Op& op) {
    auto svc = needs_service(op);
    if (svc && missing.count(*svc) != 0) {
      ++report.skipped;
      return true;
    }
    return false;
  });
  send(second);
}

Reconciler::Prepared Reconciler::prepare(const Desired& want, const std::set<ServiceKey>& mine,
                                         bool read_kernel) const {
  Prepared p;
  if (read_kernel || !view_valid_) {
    p.dumped = true;
    Result<Table> dump = backend_.dump();
    if (!dump.ok()) {
      p.read_error = dump.error();
      return p;
    }
    for (auto& [key, svc] : dump.value().services) {
      if (mine.count(key) != 0) {
        p.current.services.emplace(key, std::move(svc));
      }
    }
  } else {
    p.current = view_;
  }

  p.ops = diff(p.current, want.table);

  if (read_kernel) {
    if (want.timeouts) {
      Result<Timeouts> kt = backend_.timeouts();
      if (!kt.ok() || timeouts_differ(kt.value(), *want.timeouts)) {
        p.ops.emplace_back(SetTimeouts{*want.timeouts});
      }
    }
    if (!want.sync_daemons.empty() || !our_daemons_.empty()) {
      Result<std::vector<SyncDaemon>> kd = backend_.daemons();
      const std::vector<SyncDaemon> running = kd.ok() ? kd.value() : std::vector<SyncDaemon>{};
      for (const SyncDaemon& wanted : want.sync_daemons) {
        auto same_role = std::find_if(running.begin(), running.end(),
                                      [&](const SyncDaemon& k) { return k.role == wanted.role; });
        if (same_role != running.end() && daemon_matches(*same_role, wanted)) {
          continue;
        }
        if (same_role != running.end()) {
          p.ops.emplace_back(StopDaemon{wanted.role});
        }
        p.ops.emplace_back(StartDaemon{wanted});
      }
      for (const SyncDaemon& ours : our_daemons_) {
        const bool still_wanted =
            std::any_of(want.sync_daemons.begin(), want.sync_daemons.end(),
                        [&](const SyncDaemon& w) { return w.role == ours.role; });
        const bool running_now =
            std::any_of(running.begin(), running.end(),
                        [&](const SyncDaemon& k) { return daemon_matches(k, ours); });
        if (!still_wanted && running_now) {
          p.ops.emplace_back(StopDaemon{ours.role});
        }
      }
    }
  }
  return p;
}

SyncReport Reconciler::sync(bool read_kernel) {
  SyncReport report;
  Prepared p = prepare(desired_, owned(), read_kernel);
  report.dumped = p.dumped;
  if (p.read_error) {
    report.read_error = std::move(p.read_error);
    view_valid_ = false;
    return report;
  }
  if (p.dumped) {
    // A retired service the kernel no longer has needs no delete.
    for (auto it = retired_.begin(); it != retired_.end();) {
      it = p.current.services.count(*it) == 0 ? retired_.erase(it) : std::next(it);
    }
  }
  const std::vector<Op>& ops = p.ops;

  apply_all(ops, report);

  for (const Applied& a : report.ops) {
    if (a.error) {
      continue;
    }
    if (const auto* start = std::get_if<StartDaemon>(&a.op)) {
      std::erase_if(our_daemons_,
                    [&](const SyncDaemon& d) { return d.role == start->daemon.role; });
      our_daemons_.push_back(start->daemon);
    } else if (const auto* stop = std::get_if<StopDaemon>(&a.op)) {
      std::erase_if(our_daemons_, [&](const SyncDaemon& d) { return d.role == stop->role; });
    }
  }

  view_valid_ = report.failed() == 0 && report.skipped == 0;
  if (view_valid_) {
    view_ = desired_.table;
  }
  return report;
}

SyncReport Reconciler::start(Desired desired, bool flush) {
  desired_ = std::move(desired);
  view_valid_ = false;
  if (!flush) {
    return sync(true);
  }
  SyncReport flushed;
  apply_all({Op{Flush{}}}, flushed);
  SyncReport report = sync(true);
  report.ops.insert(report.ops.begin(), flushed.ops.begin(), flushed.ops.end());
  return report;
}

bool Reconciler::globals_change(const Desired& next) const {
  return next.timeouts != desired_.timeouts || next.sync_daemons != desired_.sync_daemons;
}

Result<std::vector<Op>> Reconciler::plan(const Desired& next) const {
  // The services update(next) would own: ours now plus the new ones (the ones
  // it drops are retired, so still ours until deleted).
  std::set<ServiceKey> mine = owned();
  for (const auto& [key, svc] : next.table.services) {
    mine.insert(key);
  }
  Prepared p = prepare(next, mine, globals_change(next));
  if (p.read_error) {
    return *p.read_error;
  }
  return std::move(p.ops);
}

SyncReport Reconciler::update(Desired desired) {
  for (const auto& [key, svc] : desired_.table.services) {
    if (desired.table.services.count(key) == 0) {
      retired_.insert(key);
    }
  }
  const bool globals_changed = globals_change(desired);
  desired_ = std::move(desired);
  return sync(globals_changed);
}

SyncReport Reconciler::resync() {
  return sync(true);
}

SyncReport Reconciler::release(bool flush_all) {
  SyncReport report;
  std::vector<Op> ops;
  if (flush_all) {
    ops.emplace_back(Flush{});
  } else {
    // Delete what the kernel has of ours; if it can't be read, try them all.
    std::set<ServiceKey> mine = owned();
    Result<Table> dump = backend_.dump();
    report.dumped = true;
    for (const ServiceKey& key : mine) {
      if (!dump.ok() || dump.value().services.count(key) != 0) {
        ops.emplace_back(DelService{key});
      }
    }
  }
  for (const SyncDaemon& d : our_daemons_) {
    ops.emplace_back(StopDaemon{d.role});
  }
  apply_all(ops, report);
  our_daemons_.clear();
  desired_ = Desired{};
  view_ = Table{};
  view_valid_ = false;
  if (flush_all && report.failed() == 0) {
    retired_.clear();
  }
  return report;
}

}  // namespace vigil::ipvs
