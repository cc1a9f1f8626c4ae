// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP state machine of one vrrp_instance: RFC 5798 §6.4 (and RFC 3768 §6.4
// for VRRPv2) with keepalived 2.2.7's additions (nopreempt, preempt_delay,
// garp delays and refresh, lower_prio_no_advert, higher_prio_send_advert, strict
// mode). No I/O and no clock: events come in with `now`, Actions come out, and
// the driver re-arms one timer at next_deadline() after every call.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/config/types.hpp"
#include "vigil/vrrp/auth.hpp"
#include "vigil/vrrp/ipv4.hpp"
#include "vigil/vrrp/packet.hpp"
#include "vigil/vrrp/settings.hpp"
#include "vigil/vrrp/timers.hpp"

namespace vigil::vrrp {

enum class State : std::uint8_t { Init, Backup, Master, Fault };

/// "INIT", "BACKUP", "MASTER", "FAULT" (keepalived's words, used in logs and notify).
std::string_view state_name(State s);

/// Send one advertisement. `advert` is complete (version, vrid, priority, addresses,
/// interval, PASS auth data); the driver encodes it (with build_ipv4_ah() and `ah_seq`
/// when settings().auth_type is Ah) to the multicast group or to every unicast peer.
struct SendAdvert {
  Advert advert;
  std::uint32_t ah_seq = 0;  ///< AH sequence number (Ah only; increments per advert)
};
/// Add the VIPs (and virtual routes/rules) to the system.
struct AcquireVips {};
/// Remove the VIPs (and virtual routes/rules).
struct ReleaseVips {};
/// One gratuitous ARP / unsolicited NA burst for every VIP, `repeat` messages each
/// (the driver paces them by garp_interval / gna_interval).
struct SendGratuitous {
  int repeat = 1;
};
/// The state changed; the driver logs it and runs notify scripts.
struct StateChanged {
  State from = State::Init;
  State to = State::Init;
  std::string reason;
};

/// Why a received advert was discarded (counted; the driver rate-limits the logs).
enum class DropReason : std::uint8_t {
  Ttl,             ///< TTL/hop limit not 255 (multicast) or outside the peer's min/max_ttl
  Version,         ///< VRRP version differs from ours
  AuthType,        ///< v2 auth type differs from ours
  AuthFailed,      ///< PASS mismatch, or AH ICV wrong / AH missing / no HMAC available
  AhSequence,      ///< AH sequence number went backwards
  AdvertInterval,  ///< v2: Adver Int differs from ours (RFC 3768 §7.1)
  AddressList,     ///< the address count or list differs from our VIPs (keepalived drops)
  UnicastSource,   ///< check_unicast_src: source is not a unicast peer
  Family,          ///< the advert's family differs from ours
  OwnerConflict,   ///< we are the address owner and another router claims 255
  Destination,     ///< multicast received while unicast is configured, or the reverse
};
inline constexpr std::size_t kDropReasonCount = 11;

/// "ttl", "version", ... (stable: counters and logs).
std::string_view drop_name(DropReason r);

struct Dropped {
  DropReason reason = DropReason::Ttl;
  std::string text;
};

using Action =
    std::variant<SendAdvert, AcquireVips, ReleaseVips, SendGratuitous, StateChanged, Dropped>;

struct Counters {
  std::uint64_t adverts_rx = 0;  ///< adverts handed to on_advert()
  std::uint64_t adverts_tx = 0;  ///< SendAdvert actions emitted
  std::uint64_t became_master = 0;
  std::uint64_t left_master = 0;
  std::uint64_t priority_zero_rx = 0;
  std::uint64_t priority_zero_tx = 0;
  std::array<std::uint64_t, kDropReasonCount> drops{};
};

/// One VRRP router for one VRID. Every event handler takes `now` and returns the actions
/// to perform, in order. Not thread-safe; one driver owns it.
class Instance {
 public:
  explicit Instance(Settings s, HmacMd5 hmac = {});

  /// RFC 5798 §6.4.1 (Init, Startup event): the address owner (and `state MASTER` with
  /// priority 255) becomes Master at once; anyone else becomes Backup with
  /// Master_Down_Timer = Master_Down_Interval (+ preempt_delay).
  std::vector<Action> start(TimePoint now);

  /// An advert already decoded and addressed to our VRID. Validates (TTL, version, auth,
  /// v2 interval, address list, unicast source) then applies §6.4.2 (Backup) or §6.4.3
  /// (Master). Ignored in Init and Fault.
  std::vector<Action> on_advert(TimePoint now, const Inbound& in);

  /// Call when next_deadline() has passed: Adver_Timer, Master_Down_Timer, the second GARP
  /// burst (garp_master_delay / garp_lower_prio_delay) and garp_master_refresh.
  std::vector<Action> on_deadline(TimePoint now);

  /// Enters (faulted = true) or leaves Fault. A Master leaving for Fault sends priority 0
  /// and releases its VIPs; leaving Fault behaves as Startup (§6.4.1).
  std::vector<Action> set_fault(TimePoint now, bool faulted, std::string reason);

  /// Tracking: effective priority = base + delta, clamped to 1..254. No effect on the
  /// address owner (255). A Master sends an advert at once when its priority changes.
  std::vector<Action> set_priority_delta(TimePoint now, int delta);

  /// Sync groups: forces Backup or Master (or Fault). Refused (empty result) for Init as a
  /// target, in Init, and for leaving Fault while set_fault(true) holds.
  std::vector<Action> force_state(TimePoint now, State target, std::string reason);

  /// Shutdown event: a Master sends priority 0 and releases its VIPs; then Init.
  std::vector<Action> shutdown(TimePoint now);

  /// The primary address of the interface, compared in the §6.4.3 equal-priority tie-break
  /// (and used as the advert's source). Defaults to mcast_src_ip / unicast_src_ip.
  void set_local_address(const config::IpAddress& a);

  /// When on_deadline() must next be called; nullopt in Init and Fault.
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] std::uint8_t effective_priority() const;
  [[nodiscard]] const Settings& settings() const { return settings_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }
  /// The source of the last advert accepted from another router (nullopt before any).
  [[nodiscard]] const std::optional<config::IpAddress>& last_master() const { return last_master_; }
  /// RFC 5798 Master_Adver_Interval (v3: learned from the Master while Backup; v2: ours).
  [[nodiscard]] Duration master_adver_interval() const { return master_adver_interval_; }

 private:
  std::vector<Action> transition(TimePoint now, State to, std::string reason);
  [[nodiscard]] Advert make_advert(std::uint8_t priority);
  void emit_advert(std::vector<Action>& out, std::uint8_t priority);
  [[nodiscard]] std::optional<Dropped> validate(const Inbound& in);
  void backup_advert(TimePoint now, const Inbound& in, std::vector<Action>& out);
  void master_advert(TimePoint now, const Inbound& in, std::vector<Action>& out);
  [[nodiscard]] Duration own_master_down_interval() const;
  void drop(std::vector<Action>& out, DropReason r, std::string text);

  Settings settings_;
  HmacMd5 hmac_;
  State state_ = State::Init;
  int priority_delta_ = 0;
  bool faulted_ = false;
  std::optional<config::IpAddress> local_address_;
  Duration master_adver_interval_;
  std::optional<TimePoint> adver_timer_;        ///< Master: next advert
  std::optional<TimePoint> master_down_timer_;  ///< Backup: when the Master is declared down
  std::optional<TimePoint> garp_delay_timer_;   ///< Master: the second GARP burst
  int garp_delay_repeat_ = 0;
  std::optional<TimePoint> garp_refresh_timer_;   ///< Master: garp_master_refresh
  std::optional<TimePoint> preempt_time_;         ///< Backup: no preemption before this
  std::optional<config::IpAddress> last_master_;  ///< source of the last accepted advert
  std::uint32_t ah_seq_tx_ = 0;
  std::optional<std::uint32_t> ah_seq_rx_;
  Counters counters_;
};

}  // namespace vigil::vrrp
