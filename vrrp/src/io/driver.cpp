// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP driver (see driver.hpp). Each handler reads the clock once, calls the
// pure Instance, executes the Actions it returns in order, and re-arms that
// instance's timer on Instance::next_deadline(). Nothing here decides protocol
// behaviour; that is all in vigil_vrrp_core.
#include "vigil/vrrp/io/driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/runtime/log.hpp"
#include "vigil/vrrp/auth.hpp"
#include "vigil/vrrp/command.hpp"
#include "vigil/vrrp/instance.hpp"
#include "vigil/vrrp/io/address_manager.hpp"
#include "vigil/vrrp/io/gratuitous.hpp"
#include "vigil/vrrp/io/hmac.hpp"
#include "vigil/vrrp/io/link_monitor.hpp"
#include "vigil/vrrp/io/notify.hpp"
#include "vigil/vrrp/io/process.hpp"
#include "vigil/vrrp/io/socket.hpp"
#include "vigil/vrrp/io/track_file.hpp"
#include "vigil/vrrp/io/vrrp_script.hpp"
#include "vigil/vrrp/ipv4.hpp"
#include "vigil/vrrp/settings.hpp"
#include "vigil/vrrp/sync_group.hpp"
#include "vigil/vrrp/tracking.hpp"

namespace vigil::vrrp::io {

namespace asio = boost::asio;
using config::Family;
using config::IpAddress;

namespace {

TimePoint now() {
  return std::chrono::steady_clock::now();
}

/// Logs the 1st, 10th, 100th, ... occurrence of something that can repeat at
/// line rate (a peer sending bad packets must not flood the log).
bool should_log(std::uint64_t count) {
  while (count >= 10 && count % 10 == 0) {
    count /= 10;
  }
  return count == 1;
}

HmacMd5 openssl_hmac() {
  return [](std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    return hmac_md5(key, data);
  };
}

/// Sockets are shared by the instances on one interface, family and protocol.
struct SocketKey {
  std::string ifname;
  Family family = Family::Inet;
  int protocol = kProtoVrrp;
  auto operator<=>(const SocketKey&) const = default;
};

struct Slot {
  Slot(asio::io_context& io, Settings s, config::VrrpInstance c, Tracking t)
      : inst(std::move(s), openssl_hmac()),
        cfg(std::move(c)),
        tracking(std::move(t)),
        timer(io),
        garp_timer(io) {}
  Instance inst;
  config::VrrpInstance cfg;
  Tracking tracking;
  asio::steady_timer timer;
  asio::steady_timer garp_timer;
  SocketKey key;
  VrrpSocket* socket = nullptr;
  std::optional<IpAddress> local;  ///< advert source address
  std::uint16_t ip_id = 0;
  int group = -1;  ///< index into groups_, -1: none
  std::size_t group_member = 0;
  std::uint64_t drops_logged = 0;
  Counters baseline;              ///< inst.counters() at the last STATS_CLEAR
  std::uint64_t bad_packets = 0;  ///< adverts for its VRID that did not parse, since the clear
  TimePoint entered{std::chrono::steady_clock::now()};  ///< when it entered its state
  LateTimer late;                                       ///< warns of timers that fire late
};

class DriverImpl final : public Driver {
 public:
  DriverImpl(asio::io_context& io, const DriverOptions& options,
             std::unique_ptr<AddressManager> addrs, std::unique_ptr<LinkMonitor> links)
      : io_(io),
        options_(options),
        addrs_(std::move(addrs)),
        links_(std::move(links)),
        runner_(io) {}

  void start(const config::Model& model) override {
    links_->start([this](const std::string& ifname, bool up) { on_link(ifname, up); },
                  [this](const std::string& ifname) { on_address_change(ifname); });
    for (const auto& vi : model.vrrp.vrrp_instance) {
      slots_.push_back(make_slot(model, vi));
    }
    build(model);
    // VIPs left over from a killed earlier run: this node is not master yet,
    // so none of them may stay (an address owner's VIPs are its own addresses).
    for (auto& s : slots_) {
      if (!s->inst.settings().owner()) {
        report(*s, "remove leftover VIPs",
               addrs_->del_addresses(s->cfg.virtual_ipaddress, s->cfg.interface));
        report(*s, "remove leftover VIPs",
               addrs_->del_addresses(s->cfg.virtual_ipaddress_excluded, s->cfg.interface));
      }
    }
    for (auto& s : slots_) {
      start_slot(*s);
    }
  }

  void reload(const config::Model& model) override {
    // Instances are keyed by name (DESIGN §6), and reload_plan() decides, from the
    // two models alone, which keep running untouched (state, timers, VIPs) and which
    // are stopped as on shutdown (priority 0, VIPs released) and started again from
    // the new model; removed ones are stopped. The preview prints the same plan.
    const std::vector<InstancePlan> steps = reload_plan(model_, model);
    std::map<std::string, std::unique_ptr<Slot>> old;
    for (auto& sl : slots_) {
      std::string name = sl->cfg.name;
      old.emplace(std::move(name), std::move(sl));
    }
    slots_.clear();
    std::vector<std::unique_ptr<Slot>> next;
    std::vector<Slot*> fresh;
    for (const auto& vi : model.vrrp.vrrp_instance) {
      auto it = old.find(vi.name);
      const auto step = std::find_if(steps.begin(), steps.end(),
                                     [&](const InstancePlan& p) { return p.name == vi.name; });
      if (it != old.end() && step != steps.end() && step->action == PlanAction::Unchanged) {
        next.push_back(std::move(it->second));
        old.erase(it);
        continue;
      }
      if (it != old.end() && step != steps.end()) {
        log::info("({}) changed: {}", vi.name, fmt::format("{}", fmt::join(step->changes, ", ")));
      }
      next.push_back(make_slot(model, vi));
      fresh.push_back(next.back().get());
    }
    const auto count = [&steps](PlanAction a) {
      return std::count_if(steps.begin(), steps.end(),
                           [a](const InstancePlan& p) { return p.action == a; });
    };
    log::notice("vrrp: reload: {} instance(s) kept, {} restarted, {} added, {} removed",
                count(PlanAction::Unchanged), count(PlanAction::Changed), count(PlanAction::Added),
                count(PlanAction::Removed));
    for (auto& [name, sl] : old) {
      apply(*sl, sl->inst.shutdown(now()));
      sl->timer.cancel();
      sl->garp_timer.cancel();
    }
    teardown_shared();
    old.clear();
    slots_ = std::move(next);
    build(model);
    for (Slot* sl : fresh) {
      start_slot(*sl);
    }
  }

  void stop() override {
    shutdown_all(!options_.dont_release_vrrp);
    teardown();
    links_->close();
  }

  [[nodiscard]] std::vector<InstanceStatus> status() const override {
    const TimePoint t = now();
    std::vector<InstanceStatus> out;
    out.reserve(slots_.size());
    for (const auto& s : slots_) {
      const std::string group =
          s->group >= 0 ? groups_[static_cast<std::size_t>(s->group)].name : std::string();
      out.push_back(describe(s->inst, s->cfg, group, s->baseline, s->entered, t));
      out.back().packets_dropped += s->bad_packets;
    }
    return out;
  }

  void clear_stats() override {
    for (auto& s : slots_) {
      s->baseline = s->inst.counters();
      s->bad_packets = 0;
    }
  }

  [[nodiscard]] std::vector<InstancePlan> plan(const config::Model& next) const override {
    return reload_plan(model_, next);
  }

  void set_state_listener(StateListener listener) override { listener_ = std::move(listener); }

 private:
  void build(const config::Model& model) {
    model_ = model;
    const config::GlobalDefs& gd = model.global.global_defs;
    const CommandLookups lookups = host_lookups();
    const ResolveScript resolve_script = [&gd, &lookups](const config::Script& sc) {
      return resolve_command(sc, gd, lookups);
    };
    std::vector<NotifyFifo> fifos = vrrp_notify_fifos(gd, resolve_script, lookups);
    notifier_ = std::make_unique<Notifier>(io_, runner_, std::move(fifos));
    for (const auto& vi : model.vrrp.vrrp_instance) {
      notifier_->set_instance(vi.name, notify_scripts(vi, resolve_script));
    }
    for (const auto& g : model.vrrp.vrrp_sync_group) {
      notifier_->set_group(g.name, notify_scripts(g, resolve_script));
    }
    notifier_->start();
    for (auto& sl : slots_) {
      by_name_[sl->cfg.name] = sl.get();
      sl->group = -1;
    }
    // Sync groups.
    for (const auto& g : model.vrrp.vrrp_sync_group) {
      Group grp{g.name, {}, SyncGroup(g.name)};
      for (const auto& m : g.group) {
        auto it = by_name_.find(m.name);
        if (it == by_name_.end()) {
          continue;
        }
        it->second->group = static_cast<int>(groups_.size());
        it->second->group_member = grp.members.size();
        grp.members.push_back(it->second);
      }
      groups_.push_back(std::move(grp));
    }
    // Sockets.
    AddressCache build_cache;
    for (auto& s : slots_) {
      const Settings& st = s->inst.settings();
      SocketKey key{st.interface, st.family, st.auth_type == AuthType::Ah ? kProtoAh : kProtoVrrp};
      auto it = sockets_.find(key);
      if (it == sockets_.end()) {
        VrrpSocket::Options o;
        o.family = st.family;
        o.ifname = st.interface;
        o.protocol = key.protocol;
        if (!st.unicast()) {
          o.mcast_group = st.mcast_group;
        }
        o.unicast_ttl = st.unicast_ttl;
        if (s->cfg.kernel_rx_buf_size) {
          o.rcvbuf = static_cast<int>(*s->cfg.kernel_rx_buf_size);
        }
        auto sock = VrrpSocket::open(io_, o);
        if (!sock.ok()) {
          // The instance stays in FAULT (apply_tracking) until a reload fixes it.
          log::error("({}) cannot open its VRRP socket: {}", st.name, sock.error().text());
          s->socket = nullptr;
          continue;
        }
        VrrpSocket* raw = sock.value().get();
        raw->start([this, key](const RawPacket& p) { on_packet(key, p); });
        it = sockets_.emplace(key, std::move(sock).value()).first;
      }
      s->key = key;
      s->socket = it->second.get();
      if (st.v3_checksum_as_v2) {
        as_v2_sockets_.insert(key);
      }
      demux_[{key, st.vrid}] = s.get();
      refresh_local(*s, &build_cache);
    }
    // Sockets no instance uses any more (after a reload).
    for (auto it = sockets_.begin(); it != sockets_.end();) {
      const bool used = std::any_of(slots_.begin(), slots_.end(),
                                    [&](const auto& sl) { return sl->socket == it->second.get(); });
      if (used) {
        ++it;
      } else {
        it->second->close();
        it = sockets_.erase(it);
      }
    }
    // Trackers: vrrp_script and track_file used by some instance or group.
    std::set<std::string> scripts;
    std::set<std::string> files;
    for (const auto& vi : model.vrrp.vrrp_instance) {
      for (const auto& t : vi.track_script) {
        scripts.insert(t.name);
      }
      for (const auto& t : vi.track_file) {
        files.insert(t.name);
      }
    }
    for (const auto& g : model.vrrp.vrrp_sync_group) {
      for (const auto& t : g.track_script) {
        scripts.insert(t.name);
      }
      for (const auto& t : g.track_file) {
        files.insert(t.name);
      }
    }
    for (const auto& sc : model.vrrp.vrrp_script) {
      if (scripts.count(sc.name) == 0) {
        continue;
      }
      auto cmd = resolve_script(sc.script);
      if (!cmd.ok()) {
        // keepalived: a script that cannot run counts as failing.
        log::error("VRRP_Script({}) cannot run: {}", sc.name, cmd.error().text);
        on_script(sc.name, false);
        continue;
      }
      auto mon = std::make_unique<ScriptMonitor>(
          io_, runner_, ScriptMonitor::options_from(sc, cmd.value()),
          [this](const std::string& name, bool up) { on_script(name, up); });
      mon->start();
      script_monitors_.push_back(std::move(mon));
    }
    std::vector<TrackFileMonitor::File> tracked_files;
    for (const auto& tf : model.vrrp.track_file) {
      if (files.count(tf.name) != 0) {
        tracked_files.push_back(TrackFileMonitor::file_from(tf));
      }
    }
    if (!tracked_files.empty()) {
      file_monitor_ = std::make_unique<TrackFileMonitor>(
          io_, tracked_files,
          [this](const std::string& name, std::int64_t value) { on_track_file(name, value); });
      file_monitor_->start();
    }
    // Initial link state of the interfaces instances track (their own, track_interface,
    // and their sync group's); set_up ignores names an instance does not track.
    std::set<std::string> ifnames;
    for (const auto& vi : model.vrrp.vrrp_instance) {
      ifnames.insert(vi.interface);
      for (const auto& t : vi.track_interface) {
        ifnames.insert(t.name);
      }
    }
    for (const auto& g : model.vrrp.vrrp_sync_group) {
      for (const auto& t : g.track_interface) {
        ifnames.insert(t.name);
      }
    }
    for (auto& s : slots_) {
      for (const auto& ifname : ifnames) {
        if (!ifname.empty()) {
          s->tracking.set_up(TrackKind::Interface, ifname, links_->is_up(ifname));
        }
      }
    }
  }

  std::unique_ptr<Slot> make_slot(const config::Model& model, const config::VrrpInstance& vi) {
    // Parsed, but not acted on by this build: say so rather than pretend.
    const auto unsupported = [&vi](bool used, const char* keyword) {
      if (used) {
        log::warning("({}) '{}' is not supported by this build of vigild yet; ignored", vi.name,
                     keyword);
      }
    };
    unsupported(vi.use_vmac.has_value(), "use_vmac");
    unsupported(vi.use_ipvlan.has_value(), "use_ipvlan");
    unsupported(!vi.track_process.empty(), "track_process");
    unsupported(!vi.track_bfd.empty(), "track_bfd");
    unsupported(vi.accept.has_value() && !*vi.accept, "no_accept (no packet filter is installed)");
    unsupported(vi.old_unicast_checksum.has_value(), "old_unicast_checksum");
    return std::make_unique<Slot>(io_, resolve(model, vi), vi, Tracking::for_instance(model, vi));
  }

  /// Drops what build() derives from the whole model (monitors, notifier,
  /// groups, the demux table), keeping the instances and the open sockets.
  void teardown_shared() {
    script_monitors_.clear();
    file_monitor_.reset();
    if (notifier_) {
      notifier_->stop();
    }
    demux_.clear();
    as_v2_sockets_.clear();
    groups_.clear();
    by_name_.clear();
  }

  void teardown() {
    teardown_shared();
    refresh_timer_.cancel();
    for (auto& [k, sock] : sockets_) {
      sock->close();
    }
    for (auto& s : slots_) {
      s->timer.cancel();
      s->garp_timer.cancel();
    }
    sockets_.clear();
    slots_.clear();
  }

  void start_slot(Slot& s) {
    apply(s, s.inst.start(now()));
    apply_tracking(s);
  }

  void shutdown_all(bool release) {
    for (auto& s : slots_) {
      release_ = release;
      apply(*s, s->inst.shutdown(now()));
      release_ = true;
    }
  }

  // ---- events -----------------------------------------------------------

  void on_packet(const SocketKey& key, const RawPacket& p) {
    const TimePoint t = now();
    DecodeOptions opts;
    // Either v3 IPv4 checksum is accepted only where an instance asked for it.
    opts.v3_checksum_as_v2 = as_v2_sockets_.count(key) != 0;
    InboundResult r = key.family == Family::Inet
                          ? parse_ipv4(p.bytes, opts)
                          : parse_ipv6(p.bytes, p.src, p.dst, p.hop_limit, opts);
    if (!r.ok()) {
      // Counted for the instance it was meant for, when that can be told.
      if (auto vrid = peek_vrid(p.bytes, key.family)) {
        auto it = demux_.find({key, *vrid});
        if (it != demux_.end()) {
          ++it->second->bad_packets;
        }
      }
      const std::uint64_t n = ++bad_packets_;
      if (should_log(n)) {
        log::warning("vrrp: {}: dropped a bad packet from {}: {}: {} ({} so far)",
                     key.ifname.empty() ? "*" : key.ifname, p.src.str(), errc_name(r.error().code),
                     r.error().text, n);
      }
      return;
    }
    const Inbound& in = r.value();
    auto it = demux_.find({key, in.advert.vrid});
    if (it == demux_.end()) {
      return;  // another router's VRID on this link
    }
    Slot& s = *it->second;
    apply(s, s.inst.on_advert(t, in));
  }

  void on_deadline(Slot& s) { apply(s, s.inst.on_deadline(now())); }

  void on_link(const std::string& ifname, bool up) {
    log::info("vrrp: interface {} is {}", ifname, up ? "up" : "down");
    for (auto& s : slots_) {
      if (s->tracking.set_up(TrackKind::Interface, ifname, up)) {
        apply_tracking(*s);
      }
    }
  }

  /// Address events come in bursts (a new master adds its VIPs, each one an
  /// event): they are coalesced, and each interface's source address is read
  /// once per burst, not once per instance and event.
  void on_address_change(const std::string& ifname) {
    dirty_ifs_.insert(ifname);
    if (refresh_pending_) {
      return;
    }
    refresh_pending_ = true;
    refresh_timer_.expires_after(std::chrono::milliseconds(20));
    refresh_timer_.async_wait([this](const boost::system::error_code& ec) {
      refresh_pending_ = false;
      if (ec) {
        return;
      }
      AddressCache cache;
      for (auto& sl : slots_) {
        const Settings& st = sl->inst.settings();
        if (dirty_ifs_.count(st.interface) != 0) {
          refresh_local(*sl, &cache);
        }
      }
      dirty_ifs_.clear();
    });
  }

  void on_script(const std::string& name, bool up) {
    log::info("VRRP_Script({}) {}", name, up ? "succeeded" : "failed");
    for (auto& s : slots_) {
      if (s->tracking.set_up(TrackKind::Script, name, up)) {
        apply_tracking(*s);
      }
    }
  }

  void on_track_file(const std::string& name, std::int64_t value) {
    for (auto& s : slots_) {
      if (s->tracking.set_value(name, value)) {
        apply_tracking(*s);
      }
    }
  }

  void apply_tracking(Slot& s) {
    const TimePoint t = now();
    Tracking::Verdict v = s.tracking.verdict();
    if (s.socket == nullptr && !v.fault) {
      v.fault = true;
      v.reason = "no VRRP socket";
    }
    const std::uint8_t before = s.inst.effective_priority();
    apply(s, s.inst.set_priority_delta(t, v.delta));
    apply(s, s.inst.set_fault(t, v.fault, v.reason));
    const std::uint8_t after = s.inst.effective_priority();
    if (after != before) {
      log::info("({}) effective priority {} -> {}", s.inst.settings().name, before, after);
      const State st = s.inst.state();
      if (st == State::Master || st == State::Backup) {
        notifier_->instance_priority(s.inst.settings().name, state_name(st), after);
      }
    }
  }

  using AddressCache = std::map<std::pair<std::string, Family>, std::optional<IpAddress>>;

  /// Sets the instance's advert source: unicast_src_ip / mcast_src_ip, else the
  /// interface's primary address (read through `cache` when given).
  void refresh_local(Slot& s, AddressCache* cache = nullptr) {
    const Settings& st = s.inst.settings();
    // The source keyword of the instance's mode first, then the other one.
    std::optional<IpAddress> a = st.unicast() ? st.unicast_src_ip : st.mcast_src_ip;
    if (!a) {
      a = st.unicast() ? st.mcast_src_ip : st.unicast_src_ip;
    }
    if (!a && !st.interface.empty()) {
      const auto key = std::make_pair(st.interface, st.family);
      if (cache != nullptr && cache->count(key) != 0) {
        a = (*cache)[key];
      } else {
        a = addrs_->primary_address(st.interface, st.family);
        if (cache != nullptr) {
          (*cache)[key] = a;
        }
      }
    }
    if (a && (!s.local || *a != *s.local)) {
      s.local = a;
      s.inst.set_local_address(*a);
    }
  }

  // ---- actions ----------------------------------------------------------

  void apply(Slot& s, std::vector<Action> actions) {
    ++applying_;
    for (Action& a : actions) {
      std::visit([&](auto& act) { run(s, act); }, a);
    }
    arm(s);
    --applying_;
    // The listener hears of state changes once the outermost batch of actions (a sync
    // group's forced members included) has run: the VIPs are in place by then.
    if (applying_ == 0 && !changes_.empty()) {
      std::vector<std::pair<std::string, State>> changes;
      changes.swap(changes_);
      for (const auto& [name, state] : changes) {
        if (listener_) {
          listener_(name, state);
        }
      }
    }
  }

  void arm(Slot& s) {
    const auto d = s.inst.next_deadline();
    if (!d) {
      s.timer.cancel();
      return;
    }
    s.timer.expires_at(*d);
    s.timer.async_wait([this, p = &s, due = *d](const boost::system::error_code& ec) {
      if (!ec) {
        note_late(*p, due);
        on_deadline(*p);
      }
    });
  }

  /// A timer that fires well after its deadline: adverts left late.
  static void note_late(Slot& s, TimePoint due) {
    if (const auto late = s.late.check(due, now(), s.inst.settings().advert_int)) {
      log::warning(
          "({}) timer fired {} ms late: the VRRP thread was held up or the host is starved",
          s.cfg.name, std::chrono::duration_cast<std::chrono::milliseconds>(*late).count());
    }
  }

  void run(Slot& s, const SendAdvert& a) {
    if (s.socket == nullptr) {
      return;
    }
    const Settings& st = s.inst.settings();
    if (!s.local) {
      refresh_local(s);
      if (!s.local) {
        if (should_log(++s.drops_logged)) {
          log::warning("({}) no source address on {} to send adverts from", st.name, st.interface);
        }
        return;
      }
    }
    std::vector<IpAddress> dsts;
    if (st.unicast()) {
      for (const auto& p : st.unicast_peers) {
        dsts.push_back(p.address);
      }
    } else {
      dsts.push_back(st.mcast_group);
    }
    for (const IpAddress& dst : dsts) {
      std::optional<Error> err;
      if (st.auth_type == AuthType::Ah) {
        // The kernel replaces a zero IP id after the ICV is computed: never send 0.
        if (++s.ip_id == 0) {
          s.ip_id = 1;
        }
        auto pkt = build_ipv4_ah(a.advert, *s.local, dst, s.ip_id, a.ah_seq, st.auth_key,
                                 openssl_hmac(), st.unicast());
        err = s.socket->send_ipv4_packet(pkt, dst);
      } else {
        EncodeOptions eo;
        eo.v3_checksum_as_v2 = st.v3_checksum_as_v2;
        auto bytes = encode(a.advert, *s.local, dst, eo);
        err = s.socket->send(bytes, *s.local, dst);
      }
      if (err && should_log(++send_errors_)) {
        log::error("({}) cannot send an advert to {}: {}", st.name, dst.str(), err->text());
      }
    }
  }

  void run(Slot& s, const AcquireVips& /*unused*/) {
    report(s, "add VIP", addrs_->add_addresses(s.cfg.virtual_ipaddress, s.cfg.interface));
    report(s, "add VIP", addrs_->add_addresses(s.cfg.virtual_ipaddress_excluded, s.cfg.interface));
    report(s, "add virtual route", addrs_->add_routes(s.cfg.virtual_routes));
    report(s, "add virtual rule", addrs_->add_rules(s.cfg.virtual_rules));
  }

  void run(Slot& s, const ReleaseVips& /*unused*/) {
    if (!release_) {
      log::notice("({}) keeping the VIPs (--dont-release-vrrp)", s.inst.settings().name);
      return;
    }
    report(s, "delete virtual rule", addrs_->del_rules(s.cfg.virtual_rules));
    report(s, "delete virtual route", addrs_->del_routes(s.cfg.virtual_routes));
    report(s, "delete VIP", addrs_->del_addresses(s.cfg.virtual_ipaddress, s.cfg.interface));
    report(s, "delete VIP",
           addrs_->del_addresses(s.cfg.virtual_ipaddress_excluded, s.cfg.interface));
  }

  void run(Slot& s, const SendGratuitous& g) { send_gratuitous_round(s, g.repeat); }

  /// Sends one message per VIP now, and the remaining `repeat - 1` rounds
  /// paced by vrrp_garp_interval / vrrp_gna_interval (all at once when 0).
  void send_gratuitous_round(Slot& s, int repeat) {
    const Settings& st = s.inst.settings();
    if (repeat <= 0) {
      return;
    }
    bool any_v4 = false;
    for (const auto& spec : s.cfg.virtual_ipaddress) {
      const std::string& dev = spec.dev.empty() ? s.cfg.interface : spec.dev;
      const IpAddress& ip = spec.address.addr;
      std::optional<Error> err;
      if (ip.is_v4()) {
        any_v4 = true;
        err = gratuitous_.send_garp(dev, ip);
      } else {
        err = gratuitous_.send_na(dev, ip);
      }
      if (err && should_log(++send_errors_)) {
        log::warning("({}) gratuitous ARP/NA for {}: {}", st.name, ip.str(), err->text());
      }
    }
    const Duration gap = any_v4 ? st.garp_interval : st.gna_interval;
    if (repeat == 1) {
      return;
    }
    if (gap.count() == 0) {
      send_gratuitous_round(s, repeat - 1);
      return;
    }
    s.garp_timer.expires_after(gap);
    s.garp_timer.async_wait([this, p = &s, repeat](const boost::system::error_code& ec) {
      if (!ec) {
        send_gratuitous_round(*p, repeat - 1);
      }
    });
  }

  void run(Slot& s, const StateChanged& c) {
    s.entered = now();
    const Settings& st = s.inst.settings();
    log::notice("({}) Entering {} STATE{}", st.name, state_name(c.to),
                c.reason.empty() ? "" : " (" + c.reason + ")");
    if (c.to == State::Init) {
      notifier_->instance_state(st.name, "STOP", s.inst.effective_priority());
    } else {
      notifier_->instance_state(st.name, state_name(c.to), s.inst.effective_priority());
    }
    if (s.group >= 0 && !in_group_update_) {
      follow_group(s, c.to);
    }
    if (listener_) {
      changes_.emplace_back(st.name, c.to);
    }
  }

  void run(Slot& s, const Dropped& d) {
    const std::uint64_t n = ++s.drops_logged;
    if (should_log(n)) {
      log::warning("({}) dropped an advert: {}: {} ({} so far)", s.inst.settings().name,
                   drop_name(d.reason), d.text, n);
    }
  }

  void follow_group(Slot& s, State to) {
    Group& g = groups_[static_cast<std::size_t>(s.group)];
    std::vector<State> states;
    states.reserve(g.members.size());
    for (const Slot* m : g.members) {
      states.push_back(m->inst.state());
    }
    const auto forces = g.logic.on_member_changed(s.group_member, to, states);
    in_group_update_ = true;
    for (const auto& f : forces) {
      Slot& m = *g.members[f.member];
      apply(m, m.inst.force_state(now(), f.to, "sync group " + g.name));
    }
    in_group_update_ = false;
    notifier_->group_state(g.name, state_name(to));
  }

  static void report(const Slot& s, const char* what, const std::vector<Error>& errors) {
    for (const Error& e : errors) {
      log::error("({}) {}: {}", s.inst.settings().name, what, e.text());
    }
  }

  struct Group {
    std::string name;
    std::vector<Slot*> members;
    SyncGroup logic;
  };

  asio::io_context& io_;
  DriverOptions options_;
  std::unique_ptr<AddressManager> addrs_;
  std::unique_ptr<LinkMonitor> links_;
  ProcessRunner runner_;
  GratuitousSender gratuitous_;
  std::unique_ptr<Notifier> notifier_;
  config::Model model_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::map<std::string, Slot*> by_name_;
  std::map<SocketKey, std::unique_ptr<VrrpSocket>> sockets_;
  std::map<std::pair<SocketKey, std::uint8_t>, Slot*> demux_;
  std::set<SocketKey> as_v2_sockets_;  ///< sockets with a v3_checksum_as_v2 instance
  std::vector<Group> groups_;
  std::vector<std::unique_ptr<ScriptMonitor>> script_monitors_;
  std::unique_ptr<TrackFileMonitor> file_monitor_;
  std::uint64_t bad_packets_ = 0;
  std::uint64_t send_errors_ = 0;
  bool release_ = true;
  asio::steady_timer refresh_timer_{io_};
  bool refresh_pending_ = false;
  std::set<std::string> dirty_ifs_;
  bool in_group_update_ = false;
  StateListener listener_;
  int applying_ = 0;                                    ///< apply() nesting depth
  std::vector<std::pair<std::string, State>> changes_;  ///< for the listener, in order
};

}  // namespace

Result<std::unique_ptr<Driver>> Driver::open(asio::io_context& io, const DriverOptions& options) {
  auto addrs = NetlinkAddressManager::open();
  if (!addrs.ok()) {
    return addrs.error();
  }
  auto links = LinkMonitor::open(io);
  if (!links.ok()) {
    return links.error();
  }
  return std::unique_ptr<Driver>(std::make_unique<DriverImpl>(io, options, std::move(addrs).value(),
                                                              std::move(links).value()));
}

}  // namespace vigil::vrrp::io
