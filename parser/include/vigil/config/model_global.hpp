// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs and the other top-level global blocks (net_namespace, instance,
// linkbeat_interfaces, track_group, interface_up_down_delays, static_*). Field
// names are the keepalived keywords; unset optionals mean "keepalived's default".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model_common.hpp"
#include "vigil/config/model_net.hpp"

namespace vigil::config {

/// `lvs_sync_daemon <INTERFACE> [[inst] <VRRP_INSTANCE>] [id <SYNC_ID>] [maxlen <LEN>]
/// [port <PORT>] [ttl <TTL>] [group <IP ADDR>]`.
struct LvsSyncDaemon {
  SourceLoc loc;
  std::string interface;
  std::string inst;  ///< empty: both master and backup daemons run
  SourceLoc inst_loc;
  std::optional<std::uint8_t> id;       ///< default: the instance's VRID, or 0
  std::optional<std::uint16_t> maxlen;  ///< 1..65507
  std::optional<std::uint16_t> port;    ///< default 8848
  std::optional<std::uint8_t> ttl;
  std::optional<IpAddress> group;  ///< multicast; default 224.0.0.81
  bool operator==(const LvsSyncDaemon&) const = default;
};

/// `lvs_timeouts [tcp SECS] [tcpfin SECS] [udp SECS]` (seconds, 0..2678400).
struct LvsTimeouts {
  std::optional<std::uint32_t> tcp;
  std::optional<std::uint32_t> tcpfin;
  std::optional<std::uint32_t> udp;
  bool operator==(const LvsTimeouts&) const = default;
};

/// A FIFO for notify events and the optional script reading it.
struct NotifyFifo {
  std::string name;
  std::string user;
  std::string group;
  bool operator==(const NotifyFifo&) const = default;
};

/// `vrrp_rx_bufs_policy MTU|ADVERT|NUMBER`.
struct RxBufsPolicy {
  enum class Kind : std::uint8_t { Mtu, Advert, Size } kind = Kind::Size;
  std::uint32_t size = 0;  ///< bytes, when kind == Size
  bool operator==(const RxBufsPolicy&) const = default;
};

/// `include_check [[+|-]readable|match|wildcard_match|brace_match ...]`, as written.
struct IncludeCheckOptions {
  std::vector<std::string> options;  ///< empty: all checks
  bool operator==(const IncludeCheckOptions&) const = default;
};

struct GlobalDefs {
  // Process and file handling
  std::optional<std::string> tmp_config_directory;
  std::optional<std::string> config_save_dir;
  bool process_names = false;
  std::optional<std::string> process_name;
  std::optional<std::string> vrrp_process_name;
  std::optional<std::string> checker_process_name;
  std::optional<std::string> bfd_process_name;
  OptionalScript startup_script;
  std::optional<Micros> startup_script_timeout;  ///< 1..1000 s (default 10)
  OptionalScript shutdown_script;
  std::optional<Micros> shutdown_script_timeout;  ///< 1..1000 s (default 10)

  // Email
  std::vector<std::string> notification_email;
  std::optional<std::string> notification_email_from;
  std::optional<std::string> smtp_server;  ///< IP address or host name
  std::optional<std::uint16_t> smtp_server_port;
  std::optional<std::string> smtp_helo_name;
  std::optional<Micros> smtp_connect_timeout;  ///< 1..4294 s
  std::optional<bool> smtp_alert;
  std::optional<bool> smtp_alert_vrrp;
  std::optional<bool> smtp_alert_checker;
  std::optional<bool> checker_log_all_failures;
  bool no_email_faults = false;
  std::optional<std::string> router_id;

  // VRRP defaults
  std::optional<IpAddress> vrrp_mcast_group4;
  std::optional<IpAddress> vrrp_mcast_group6;
  std::optional<std::string> default_interface;
  std::optional<Micros> vrrp_garp_master_delay;  ///< whole seconds, 0..4294
  std::optional<std::uint32_t> vrrp_garp_master_repeat;
  std::optional<Micros> vrrp_garp_lower_prio_delay;
  std::optional<std::uint32_t> vrrp_garp_lower_prio_repeat;
  std::optional<Micros> vrrp_garp_master_refresh;  ///< whole seconds
  std::optional<std::uint32_t> vrrp_garp_master_refresh_repeat;
  std::optional<Micros> vrrp_garp_interval;
  std::optional<Micros> vrrp_gna_interval;
  std::optional<std::uint32_t> vrrp_down_timer_adverts;  ///< 1..100
  std::optional<bool> vrrp_min_garp;
  std::optional<Micros> vrrp_garp_extra_if;  ///< 1..86400 s
  bool vrrp_garp_extra_if_all = false;
  std::optional<bool> vrrp_lower_prio_no_advert;
  std::optional<bool> vrrp_higher_prio_send_advert;
  std::optional<int> vrrp_version;                        ///< 2 or 3
  std::optional<std::vector<std::string>> vrrp_iptables;  ///< in/out chain names
  std::optional<std::vector<std::string>> vrrp_ipsets;
  std::optional<std::string> nftables;  ///< table name ("keepalived" if none given)
  std::optional<std::int32_t> nftables_priority;
  bool nftables_counters = false;
  bool nftables_ifindex = false;
  std::optional<std::string> nftables_ipvs;
  std::optional<std::int32_t> nftables_ipvs_priority;
  std::optional<std::uint32_t> nftables_ipvs_start_fwmark;
  bool disable_local_igmp = false;
  bool vrrp_check_unicast_src = false;
  bool vrrp_skip_check_adv_addr = false;
  bool vrrp_strict = false;
  std::optional<bool> vrrp_notify_priority_changes;
  std::optional<Micros> vrrp_startup_delay;
  bool log_unknown_vrids = false;
  std::optional<std::string> vmac_prefix;
  std::optional<std::string> vmac_addr_prefix;

  // Process scheduling
  std::optional<int> max_auto_priority;                  ///< -1..99; omitted value: the maximum
  std::optional<std::uint32_t> min_auto_priority_delay;  ///< microseconds, 1..10000000
  std::optional<int> vrrp_priority;                      ///< nice, -20..19
  std::optional<int> checker_priority;
  std::optional<int> bfd_priority;
  bool vrrp_no_swap = false;
  bool checker_no_swap = false;
  bool bfd_no_swap = false;
  std::vector<std::uint32_t> vrrp_cpu_affinity;
  std::vector<std::uint32_t> checker_cpu_affinity;
  std::vector<std::uint32_t> bfd_cpu_affinity;
  std::optional<int> vrrp_rt_priority;  ///< 1..99
  std::optional<int> checker_rt_priority;
  std::optional<int> bfd_rt_priority;
  std::optional<std::uint32_t> vrrp_rlimit_rttime;  ///< microseconds
  std::optional<std::uint32_t> checker_rlimit_rttime;
  std::optional<std::uint32_t> bfd_rlimit_rttime;

  // SNMP and DBus
  std::optional<std::string> snmp_socket;
  bool enable_snmp_vrrp = false;
  bool enable_snmp_checker = false;
  bool enable_snmp_rfc = false;
  bool enable_snmp_rfcv2 = false;
  bool enable_snmp_rfcv3 = false;
  bool enable_traps = false;
  bool enable_dbus = false;
  std::optional<std::string> dbus_service_name;

  // Scripts and notification FIFOs
  std::optional<std::string> script_user;
  std::optional<std::string> script_group;
  bool enable_script_security = false;
  std::optional<NotifyFifo> notify_fifo;
  OptionalScript notify_fifo_script;
  std::optional<NotifyFifo> vrrp_notify_fifo;
  OptionalScript vrrp_notify_fifo_script;
  std::optional<NotifyFifo> lvs_notify_fifo;
  OptionalScript lvs_notify_fifo_script;
  bool fifo_write_vrrp_states_on_reload = false;

  // Interfaces and netlink
  bool dynamic_interfaces = false;
  bool dynamic_interfaces_allow_if_changes = false;
  std::optional<std::uint32_t> vrrp_netlink_cmd_rcv_bufs;  ///< bytes
  std::optional<bool> vrrp_netlink_cmd_rcv_bufs_force;
  std::optional<std::uint32_t> vrrp_netlink_monitor_rcv_bufs;
  std::optional<bool> vrrp_netlink_monitor_rcv_bufs_force;
  std::optional<std::uint32_t> lvs_netlink_cmd_rcv_bufs;
  std::optional<bool> lvs_netlink_cmd_rcv_bufs_force;
  std::optional<std::uint32_t> lvs_netlink_monitor_rcv_bufs;
  std::optional<bool> lvs_netlink_monitor_rcv_bufs_force;
  std::optional<std::uint32_t> process_monitor_rcv_bufs;
  std::optional<bool> process_monitor_rcv_bufs_force;
  std::optional<RxBufsPolicy> vrrp_rx_bufs_policy;
  std::optional<std::uint32_t> vrrp_rx_bufs_multiplier;

  // LVS
  std::optional<LvsSyncDaemon> lvs_sync_daemon;
  std::optional<LvsTimeouts> lvs_timeouts;
  bool lvs_flush = false;
  bool lvs_flush_on_stop = false;
  bool lvs_flush_on_stop_vs = false;  ///< `lvs_flush_on_stop VS`
  std::optional<bool> rs_init_notifies;
  std::optional<bool> no_checker_emails;

  // Miscellaneous
  std::optional<std::uint32_t> umask;  ///< 0..0777
  std::optional<std::uint32_t> random_seed;
  bool reload_check_config = false;
  std::optional<std::string> reload_check_config_log_file;
  std::optional<IncludeCheckOptions> include_check;
  std::optional<std::string> reload_time_file;
  bool reload_repeat = false;
  bool reload_file = false;
  std::optional<std::string> reload_file_name;  ///< default: keepalived.reload in the PID dir
  std::optional<bool> data_use_instance;

  bool operator==(const GlobalDefs&) const = default;
};

/// `linkbeat_interfaces { IFNAME [MII|ETHTOOL|IOCTL] }`.
struct LinkbeatInterface {
  SourceLoc loc;
  std::string name;
  std::string type;  ///< empty: MII, else ETHTOOL, else IOCTL
  bool operator==(const LinkbeatInterface&) const = default;
};

/// `track_group NAME { group { VI_1 ... } }`.
struct TrackGroup {
  std::string name;
  SourceLoc loc;
  std::vector<std::string> group;
  std::vector<SourceLoc> group_locs;
  bool operator==(const TrackGroup&) const = default;
};

/// `interface_up_down_delays { IFNAME DOWN_DELAY [UP_DELAY] }` (seconds, 0..255).
struct InterfaceUpDownDelay {
  SourceLoc loc;
  std::string name;
  Micros down_delay{0};
  Micros up_delay{0};
  bool operator==(const InterfaceUpDownDelay&) const = default;
};

struct GlobalConfig {
  GlobalDefs global_defs;
  std::optional<std::string> net_namespace;
  std::optional<std::string> net_namespace_ipvs;  ///< empty string: the default namespace
  bool namespace_with_ipsets = false;
  std::optional<std::string> instance;
  bool use_pid_dir = false;
  bool linkbeat_use_polling = false;
  std::optional<std::uint32_t> child_wait_time;  ///< seconds (default 5)
  std::vector<LinkbeatInterface> linkbeat_interfaces;
  std::vector<TrackGroup> track_group;
  std::vector<InterfaceUpDownDelay> interface_up_down_delays;
  std::vector<IpAddressSpec> static_ipaddress;
  std::vector<RouteSpec> static_routes;
  std::vector<RuleSpec> static_rules;
  bool operator==(const GlobalConfig&) const = default;
};

}  // namespace vigil::config
