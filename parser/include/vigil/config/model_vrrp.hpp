// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP blocks: vrrp_script, track_file (legacy vrrp_track_file), vrrp_track_process,
// vrrp_sync_group, garp_group and vrrp_instance. Field names are the keywords of
// keepalived.conf(5); defaults are keepalived 2.2.7's. Optional fields that are
// unset take a global_defs default at run time (noted per field).
#pragma once

#include <cstdint>

#include "vigil/config/model_common.hpp"
#include "vigil/config/model_net.hpp"

namespace vigil::config {

/// One entry of a track_script / track_file / track_process / track_bfd block:
/// `<NAME> [weight N [reverse|noreverse]]`.
struct TrackRef {
  std::string name;
  SourceLoc loc;
  std::optional<int> weight;  ///< unset: the tracked object's own weight
  bool reverse = false;
  bool operator==(const TrackRef&) const = default;
};

/// One entry of a track_interface block: `<IFNAME> [weight N [reverse]]`.
struct TrackedInterface {
  std::string name;
  SourceLoc loc;
  int weight = 0;  ///< 0: the interface going down means FAULT
  bool reverse = false;
  bool operator==(const TrackedInterface&) const = default;
};

/// A name in a list (sync group members, garp_group interfaces), with where it
/// was written.
struct NameRef {
  std::string name;
  SourceLoc loc;
  bool operator==(const NameRef&) const = default;
};

/// How many of each trackable object had been read when a vrrp_instance or
/// vrrp_sync_group block was read. keepalived resolves track_* names while
/// reading, so a block can only track objects defined before it. Not a keyword.
struct DefinedBefore {
  std::size_t vrrp_script = 0;
  std::size_t track_file = 0;
  std::size_t vrrp_track_process = 0;
  std::size_t bfd_instance = 0;
  bool operator==(const DefinedBefore&) const = default;
};

struct VrrpScript {
  std::string name;
  SourceLoc loc;
  Script script;
  std::chrono::seconds interval{1};             ///< whole seconds, 1..4294
  std::optional<std::chrono::seconds> timeout;  ///< whole seconds; unset: interval
  int weight = 0;                               ///< -253..253
  bool weight_reverse = false;
  int rise = 1;
  int fall = 1;
  std::string user;   ///< empty: global script_user
  std::string group;  ///< empty: the user's group
  bool init_fail = false;
  bool operator==(const VrrpScript&) const = default;
};

struct TrackFileInit {
  std::int64_t value = 0;
  bool overwrite = false;
  bool operator==(const TrackFileInit&) const = default;
};

/// track_file (vrrp_track_file is its deprecated synonym).
struct TrackFile {
  std::string name;
  SourceLoc loc;
  std::string file;
  int weight = 1;  ///< -254..254 (keepalived 2.2.7's limit)
  bool weight_reverse = false;
  std::optional<TrackFileInit> init_file;
  bool operator==(const TrackFile&) const = default;
};

enum class ParamMatch : std::uint8_t { Initial, Partial };

struct VrrpTrackProcess {
  std::string name;
  SourceLoc loc;
  /// The process name and then its parameters, each as one word.
  std::vector<std::string> process;
  std::optional<ParamMatch> param_match;  ///< unset: exact match of the parameters
  int weight = 1;                         ///< -254..254
  bool weight_reverse = false;
  std::optional<int> quorum;      ///< unset: 1 (0 when quorum_max is 0)
  std::optional<int> quorum_max;  ///< unset: no maximum
  std::optional<Micros> fork_delay;
  std::optional<Micros> terminate_delay;
  bool full_command = false;
  bool operator==(const VrrpTrackProcess&) const = default;
};

/// garp_group (anonymous; several may be given).
struct GarpGroup {
  SourceLoc loc;
  std::optional<Micros> garp_interval;
  std::optional<Micros> gna_interval;
  std::string interface;
  std::vector<NameRef> interfaces;
  bool operator==(const GarpGroup&) const = default;
};

enum class VrrpState : std::uint8_t { Backup, Master };
enum class AuthType : std::uint8_t { Pass, Ah };
enum class IpvlanMode : std::uint8_t { Bridge, Private, Vepa };
enum class OldUnicastChecksum : std::uint8_t { On, Never };

struct Authentication {
  std::optional<AuthType> auth_type;
  std::string auth_pass;  ///< at most 8 characters (longer is truncated, with a warning)
  SourceLoc loc;
  bool operator==(const Authentication&) const = default;
};

/// use_vmac [<IFNAME>] [<MAC>]
struct UseVmac {
  std::string ifname;  ///< empty: vrrp.<VRID>
  std::string mac;     ///< "xx:xx:xx:xx:xx[:xx]"; 5 octets: the VRID is the last one
  bool operator==(const UseVmac&) const = default;
};

/// use_ipvlan [<IFNAME>] [<IP>[/<LEN>]] [bridge|private|vepa]
struct UseIpvlan {
  std::string ifname;
  std::optional<Prefix> address;
  IpvlanMode mode = IpvlanMode::Bridge;
  bool operator==(const UseIpvlan&) const = default;
};

/// One unicast_peer line: `<IP> [min_ttl N] [max_ttl N]`.
struct UnicastPeer {
  SourceLoc loc;
  IpAddress address;
  std::optional<int> min_ttl;
  std::optional<int> max_ttl;
  bool operator==(const UnicastPeer&) const = default;
};

/// garp_extra_if [all] <SECONDS>
struct GarpExtraIf {
  int interval = 0;  ///< seconds; 0 disables
  bool all = false;
  bool operator==(const GarpExtraIf&) const = default;
};

struct VrrpInstance {
  std::string name;
  SourceLoc loc;
  /// Address family, derived (not a keyword): set by the first of native_ipv6,
  /// mcast_src_ip/unicast_src_ip, unicast_peer, virtual_ipaddress or
  /// mcast_dst_ip; IPv4 when none says.
  Family family = Family::None;
  DefinedBefore defined_before;

  VrrpState state = VrrpState::Backup;
  std::string interface;  ///< may be empty only with unicast peers
  std::string vrf;
  std::optional<UseVmac> use_vmac;
  bool use_vmac_addr = false;
  bool vmac_xmit_base = false;
  std::optional<UseIpvlan> use_ipvlan;
  bool native_ipv6 = false;
  bool dont_track_primary = false;
  std::vector<TrackedInterface> track_interface;
  std::vector<TrackRef> track_script;
  std::vector<TrackRef> track_file;
  std::vector<TrackRef> track_process;
  std::vector<TrackRef> track_bfd;
  std::optional<IpAddress> mcast_src_ip;
  std::optional<IpAddress> unicast_src_ip;
  std::optional<IpAddress> mcast_dst_ip;
  bool track_src_ip = false;
  /// 2 or 3. Resolved by validation: the configured value, else 3 for IPv6,
  /// else global_defs vrrp_version (default 2).
  std::optional<int> version;
  bool check_unicast_src = false;
  std::vector<UnicastPeer> unicast_peer;
  bool unicast_fault_no_peer = false;
  std::optional<int> unicast_ttl;  ///< 0..255
  std::optional<OldUnicastChecksum> old_unicast_checksum;
  /// keepalived >= 2.3 `v3_checksum_as_v2 [<BOOL>]`: a VRRPv3 IPv4 checksum without the
  /// pseudo-header (RFC 9568's reading); unset: with it.
  std::optional<bool> v3_checksum_as_v2;
  // Unset garp_* take the global vrrp_garp_* values.
  std::optional<std::chrono::seconds> garp_master_delay;
  std::optional<int> garp_master_repeat;
  std::optional<std::chrono::seconds> garp_lower_prio_delay;
  std::optional<int> garp_lower_prio_repeat;
  std::optional<std::chrono::seconds> garp_master_refresh;
  std::optional<int> garp_master_refresh_repeat;
  std::optional<GarpExtraIf> garp_extra_if;
  int down_timer_adverts = 3;                   ///< 1..100
  std::optional<bool> lower_prio_no_advert;     ///< unset: global vrrp_lower_prio_no_advert
  std::optional<bool> higher_prio_send_advert;  ///< unset: global
  int virtual_router_id = 0;                    ///< 1..255; 0 = not set (an error)
  /// 1..255, 255 = address owner. Resolved by validation: unset means 255 with
  /// state MASTER, otherwise 100.
  std::optional<int> priority;
  Micros advert_int{std::chrono::seconds(1)};
  std::optional<Authentication> authentication;
  std::vector<IpAddressSpec> virtual_ipaddress;
  std::vector<IpAddressSpec> virtual_ipaddress_excluded;
  bool promote_secondaries = false;
  std::vector<RouteSpec> virtual_routes;
  std::vector<RuleSpec> virtual_rules;
  std::optional<bool> accept;               ///< `accept` / `no_accept`; unset: accept unless strict
  bool nopreempt = false;                   ///< `nopreempt`; `preempt` clears it
  Micros preempt_delay{0};                  ///< 0..1000 s
  std::optional<bool> skip_check_adv_addr;  ///< unset: global vrrp_skip_check_adv_addr
  std::optional<bool> strict_mode;          ///< unset: global vrrp_strict
  int debug = 0;                            ///< 0..4
  OptionalScript notify_master;
  OptionalScript notify_backup;
  OptionalScript notify_fault;
  OptionalScript notify_stop;
  /// Set (possibly with an empty command) when notify_deleted was given.
  OptionalScript notify_deleted;
  OptionalScript notify;
  OptionalScript notify_master_rx_lower_pri;
  std::optional<bool> notify_priority_changes;
  std::optional<bool> smtp_alert;  ///< unset: global smtp_alert / smtp_alert_vrrp
  std::optional<std::uint32_t> kernel_rx_buf_size;
  bool linkbeat_use_polling = false;      ///< deprecated: linkbeat_interfaces
  std::string lvs_sync_daemon_interface;  ///< deprecated: global lvs_sync_daemon
  bool operator==(const VrrpInstance&) const = default;
};

struct VrrpSyncGroup {
  std::string name;
  SourceLoc loc;
  DefinedBefore defined_before;
  std::vector<NameRef> group;
  std::vector<TrackedInterface> track_interface;
  std::vector<TrackRef> track_script;
  std::vector<TrackRef> track_file;
  std::vector<TrackRef> track_process;
  std::vector<TrackRef> track_bfd;
  OptionalScript notify_master;
  OptionalScript notify_backup;
  OptionalScript notify_fault;
  OptionalScript notify_stop;
  OptionalScript notify;
  std::optional<bool> notify_priority_changes;
  std::optional<bool> smtp_alert;
  bool global_tracking = false;  ///< deprecated
  bool sync_group_tracking_weight = false;
  bool operator==(const VrrpSyncGroup&) const = default;
};

struct VrrpConfig {
  std::vector<VrrpScript> vrrp_script;
  std::vector<TrackFile> track_file;
  std::vector<VrrpTrackProcess> vrrp_track_process;
  std::vector<VrrpSyncGroup> vrrp_sync_group;
  std::vector<GarpGroup> garp_group;
  std::vector<VrrpInstance> vrrp_instance;
  bool operator==(const VrrpConfig&) const = default;
};

}  // namespace vigil::config
