// SPDX-License-Identifier: GPL-2.0-or-later
// Settings: one vrrp_instance with every optional keyword resolved against the
// global_defs defaults (keepalived 2.2.7 semantics, keepalived.conf(5)), in the
// units the state machine uses. Built once per (re)load by resolve(); pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model.hpp"
#include "vigil/config/types.hpp"
#include "vigil/vrrp/packet.hpp"
#include "vigil/vrrp/timers.hpp"

namespace vigil::vrrp {

/// Priority of the address owner (RFC 5798 §5.2.4).
inline constexpr std::uint8_t kPriorityOwner = 255;

/// One unicast_peer: `<IP> [min_ttl N] [max_ttl N]`.
struct UnicastPeer {
  config::IpAddress address;
  int min_ttl = 0;    ///< 0..255 (0: no lower bound)
  int max_ttl = 255;  ///< 0..255 (255: no upper bound)
  bool operator==(const UnicastPeer&) const = default;
};

/// A vrrp_instance, fully resolved.
struct Settings {
  std::string name;
  std::string interface;
  config::Family family = config::Family::Inet;
  int version = 2;               ///< 2 (RFC 3768) or 3 (RFC 5798)
  std::uint8_t vrid = 0;         ///< virtual_router_id, 1..255
  std::uint8_t priority = 100;   ///< configured (base) priority, 1..255; 255 = address owner
  Duration advert_int{1000000};  ///< v2: whole seconds; v3: whole centiseconds
  bool initial_master = false;   ///< `state MASTER`
  bool preempt = true;           ///< false with `nopreempt`
  Duration preempt_delay{0};     ///< 0..1000 s
  bool accept = true;            ///< accept mode (default: true, unless strict: owner only)
  bool strict = false;           ///< strict_mode / vrrp_strict
  bool skip_check_adv_addr = false;
  bool check_unicast_src = false;        ///< also implied by a peer's min_ttl / max_ttl
  int down_timer_adverts = 3;            ///< 1..100
  bool lower_prio_no_advert = false;     ///< default false; true when strict
  bool higher_prio_send_advert = false;  ///< default false; false when strict
  bool dont_track_primary = false;

  /// v2 authentication (None for v3 and in strict mode).
  AuthType auth_type = AuthType::None;
  /// auth_pass, zero-padded to 8 bytes: the PASS auth data, and the AH HMAC key.
  std::array<std::uint8_t, kV2AuthDataLen> auth_key{};

  /// keepalived (>= 2.3) `v3_checksum_as_v2`: the IPv4 v3 checksum is sent without the
  /// pseudo-header, and received adverts may use either form.
  bool v3_checksum_as_v2 = false;

  /// The addresses advertised: virtual_ipaddress entries of the instance's family, in
  /// configuration order (keepalived leaves the other family, and excluded VIPs, out).
  std::vector<config::IpAddress> vips;

  /// Destination of multicast adverts (vrrp_mcast_group4/6 or mcast_dst_ip; default
  /// 224.0.0.18 / ff02::12).
  config::IpAddress mcast_group;
  std::optional<config::IpAddress> mcast_src_ip;
  std::optional<config::IpAddress> unicast_src_ip;
  std::vector<UnicastPeer> unicast_peers;  ///< non-empty: unicast mode
  int unicast_ttl = 255;                   ///< TTL of sent unicast adverts

  // Gratuitous ARP / unsolicited NA (keepalived garp_* / vrrp_garp_*).
  Duration garp_master_delay{5000000};      ///< second burst after becoming MASTER; 0: none
  int garp_master_repeat = 5;               ///< messages per burst
  Duration garp_master_refresh{0};          ///< periodic refresh while MASTER; 0: off
  int garp_master_refresh_repeat = 1;       ///< messages per refresh
  Duration garp_lower_prio_delay{5000000};  ///< default: garp_master_delay
  int garp_lower_prio_repeat = 5;           ///< default: garp_master_repeat
  Duration garp_interval{0};  ///< vrrp_garp_interval: between messages (the driver paces)
  Duration gna_interval{0};   ///< vrrp_gna_interval

  [[nodiscard]] bool owner() const { return priority == kPriorityOwner; }
  [[nodiscard]] bool unicast() const { return !unicast_peers.empty(); }
  bool operator==(const Settings&) const = default;
};

/// Resolves `v` (already validated by the parser: version, priority and family are set)
/// against `m.global.global_defs`.
Settings resolve(const config::Model& m, const config::VrrpInstance& v);

}  // namespace vigil::vrrp
