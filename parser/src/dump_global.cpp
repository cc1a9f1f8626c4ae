// SPDX-License-Identifier: GPL-2.0-or-later
// JSON dump of global_defs and the other top-level global blocks. Keys are the
// keywords. global_defs has some 150 settings, so the dump is sparse: a setting
// left at keepalived's default (unset, false, empty) is omitted, except
// router_id which is always present. Address/route/rule lines print in their
// canonical keepalived syntax (so the text dump reads back as a config).
#include <fmt/format.h>

#include "dump_util.hpp"

namespace vigil::config {

namespace {

nlohmann::json fifo_json(const std::optional<NotifyFifo>& f) {
  if (!f) {
    return nullptr;
  }
  nlohmann::json j{{"name", f->name}};
  if (!f->user.empty()) {
    j["user"] = f->user;
  }
  if (!f->group.empty()) {
    j["group"] = f->group;
  }
  return j;
}

nlohmann::json sync_daemon_json(const std::optional<LvsSyncDaemon>& d) {
  if (!d) {
    return nullptr;
  }
  nlohmann::json j;
  j["interface"] = d->interface;
  j["inst"] = d->inst.empty() ? nlohmann::json(nullptr) : nlohmann::json(d->inst);
  j["id"] = d->id;
  j["maxlen"] = d->maxlen;
  j["port"] = d->port;
  j["ttl"] = d->ttl;
  j["group"] = d->group;
  return j;
}

nlohmann::json timeouts_json(const std::optional<LvsTimeouts>& t) {
  if (!t) {
    return nullptr;
  }
  return nlohmann::json{{"tcp", t->tcp}, {"tcpfin", t->tcpfin}, {"udp", t->udp}};
}

nlohmann::json rx_policy_json(const std::optional<RxBufsPolicy>& p) {
  if (!p) {
    return nullptr;
  }
  switch (p->kind) {
    case RxBufsPolicy::Kind::Mtu:
      return "MTU";
    case RxBufsPolicy::Kind::Advert:
      return "ADVERT";
    case RxBufsPolicy::Kind::Size:
      break;
  }
  return p->size;
}

nlohmann::json defs_json(const GlobalDefs& g) {
  nlohmann::json j;
  j["tmp_config_directory"] = g.tmp_config_directory;
  j["config_save_dir"] = g.config_save_dir;
  j["process_names"] = g.process_names;
  j["process_name"] = g.process_name;
  j["vrrp_process_name"] = g.vrrp_process_name;
  j["checker_process_name"] = g.checker_process_name;
  j["bfd_process_name"] = g.bfd_process_name;
  j["startup_script"] = g.startup_script;
  j["startup_script_timeout"] = g.startup_script_timeout;
  j["shutdown_script"] = g.shutdown_script;
  j["shutdown_script_timeout"] = g.shutdown_script_timeout;

  j["notification_email"] = g.notification_email;
  j["notification_email_from"] = g.notification_email_from;
  j["smtp_server"] = g.smtp_server;
  j["smtp_server_port"] = g.smtp_server_port;
  j["smtp_helo_name"] = g.smtp_helo_name;
  j["smtp_connect_timeout"] = g.smtp_connect_timeout;
  j["smtp_alert"] = g.smtp_alert;
  j["smtp_alert_vrrp"] = g.smtp_alert_vrrp;
  j["smtp_alert_checker"] = g.smtp_alert_checker;
  j["checker_log_all_failures"] = g.checker_log_all_failures;
  j["no_email_faults"] = g.no_email_faults;
  j["router_id"] = g.router_id;

  j["vrrp_mcast_group4"] = g.vrrp_mcast_group4;
  j["vrrp_mcast_group6"] = g.vrrp_mcast_group6;
  j["default_interface"] = g.default_interface;
  j["vrrp_garp_master_delay"] = g.vrrp_garp_master_delay;
  j["vrrp_garp_master_repeat"] = g.vrrp_garp_master_repeat;
  j["vrrp_garp_lower_prio_delay"] = g.vrrp_garp_lower_prio_delay;
  j["vrrp_garp_lower_prio_repeat"] = g.vrrp_garp_lower_prio_repeat;
  j["vrrp_garp_master_refresh"] = g.vrrp_garp_master_refresh;
  j["vrrp_garp_master_refresh_repeat"] = g.vrrp_garp_master_refresh_repeat;
  j["vrrp_garp_interval"] = g.vrrp_garp_interval;
  j["vrrp_gna_interval"] = g.vrrp_gna_interval;
  j["vrrp_down_timer_adverts"] = g.vrrp_down_timer_adverts;
  j["vrrp_min_garp"] = g.vrrp_min_garp;
  j["vrrp_garp_extra_if"] = g.vrrp_garp_extra_if;
  j["vrrp_garp_extra_if_all"] = g.vrrp_garp_extra_if_all;
  j["vrrp_lower_prio_no_advert"] = g.vrrp_lower_prio_no_advert;
  j["vrrp_higher_prio_send_advert"] = g.vrrp_higher_prio_send_advert;
  j["vrrp_version"] = g.vrrp_version;
  j["vrrp_iptables"] = g.vrrp_iptables;
  j["vrrp_ipsets"] = g.vrrp_ipsets;
  j["nftables"] = g.nftables;
  j["nftables_priority"] = g.nftables_priority;
  j["nftables_counters"] = g.nftables_counters;
  j["nftables_ifindex"] = g.nftables_ifindex;
  j["nftables_ipvs"] = g.nftables_ipvs;
  j["nftables_ipvs_priority"] = g.nftables_ipvs_priority;
  j["nftables_ipvs_start_fwmark"] = g.nftables_ipvs_start_fwmark;
  j["disable_local_igmp"] = g.disable_local_igmp;
  j["vrrp_check_unicast_src"] = g.vrrp_check_unicast_src;
  j["vrrp_skip_check_adv_addr"] = g.vrrp_skip_check_adv_addr;
  j["vrrp_strict"] = g.vrrp_strict;
  j["vrrp_notify_priority_changes"] = g.vrrp_notify_priority_changes;
  j["vrrp_startup_delay"] = g.vrrp_startup_delay;
  j["log_unknown_vrids"] = g.log_unknown_vrids;
  j["vmac_prefix"] = g.vmac_prefix;
  j["vmac_addr_prefix"] = g.vmac_addr_prefix;

  j["max_auto_priority"] = g.max_auto_priority;
  j["min_auto_priority_delay"] = g.min_auto_priority_delay;
  j["vrrp_priority"] = g.vrrp_priority;
  j["checker_priority"] = g.checker_priority;
  j["bfd_priority"] = g.bfd_priority;
  j["vrrp_no_swap"] = g.vrrp_no_swap;
  j["checker_no_swap"] = g.checker_no_swap;
  j["bfd_no_swap"] = g.bfd_no_swap;
  j["vrrp_cpu_affinity"] = g.vrrp_cpu_affinity;
  j["checker_cpu_affinity"] = g.checker_cpu_affinity;
  j["bfd_cpu_affinity"] = g.bfd_cpu_affinity;
  j["vrrp_rt_priority"] = g.vrrp_rt_priority;
  j["checker_rt_priority"] = g.checker_rt_priority;
  j["bfd_rt_priority"] = g.bfd_rt_priority;
  j["vrrp_rlimit_rttime"] = g.vrrp_rlimit_rttime;
  j["checker_rlimit_rttime"] = g.checker_rlimit_rttime;
  j["bfd_rlimit_rttime"] = g.bfd_rlimit_rttime;

  j["snmp_socket"] = g.snmp_socket;
  j["enable_snmp_vrrp"] = g.enable_snmp_vrrp;
  j["enable_snmp_checker"] = g.enable_snmp_checker;
  j["enable_snmp_rfc"] = g.enable_snmp_rfc;
  j["enable_snmp_rfcv2"] = g.enable_snmp_rfcv2;
  j["enable_snmp_rfcv3"] = g.enable_snmp_rfcv3;
  j["enable_traps"] = g.enable_traps;
  j["enable_dbus"] = g.enable_dbus;
  j["dbus_service_name"] = g.dbus_service_name;

  j["script_user"] = g.script_user;
  j["script_group"] = g.script_group;
  j["enable_script_security"] = g.enable_script_security;
  j["notify_fifo"] = fifo_json(g.notify_fifo);
  j["notify_fifo_script"] = g.notify_fifo_script;
  j["vrrp_notify_fifo"] = fifo_json(g.vrrp_notify_fifo);
  j["vrrp_notify_fifo_script"] = g.vrrp_notify_fifo_script;
  j["lvs_notify_fifo"] = fifo_json(g.lvs_notify_fifo);
  j["lvs_notify_fifo_script"] = g.lvs_notify_fifo_script;
  j["fifo_write_vrrp_states_on_reload"] = g.fifo_write_vrrp_states_on_reload;

  j["dynamic_interfaces"] = g.dynamic_interfaces;
  j["dynamic_interfaces_allow_if_changes"] = g.dynamic_interfaces_allow_if_changes;
  j["vrrp_netlink_cmd_rcv_bufs"] = g.vrrp_netlink_cmd_rcv_bufs;
  j["vrrp_netlink_cmd_rcv_bufs_force"] = g.vrrp_netlink_cmd_rcv_bufs_force;
  j["vrrp_netlink_monitor_rcv_bufs"] = g.vrrp_netlink_monitor_rcv_bufs;
  j["vrrp_netlink_monitor_rcv_bufs_force"] = g.vrrp_netlink_monitor_rcv_bufs_force;
  j["lvs_netlink_cmd_rcv_bufs"] = g.lvs_netlink_cmd_rcv_bufs;
  j["lvs_netlink_cmd_rcv_bufs_force"] = g.lvs_netlink_cmd_rcv_bufs_force;
  j["lvs_netlink_monitor_rcv_bufs"] = g.lvs_netlink_monitor_rcv_bufs;
  j["lvs_netlink_monitor_rcv_bufs_force"] = g.lvs_netlink_monitor_rcv_bufs_force;
  j["process_monitor_rcv_bufs"] = g.process_monitor_rcv_bufs;
  j["process_monitor_rcv_bufs_force"] = g.process_monitor_rcv_bufs_force;
  j["vrrp_rx_bufs_policy"] = rx_policy_json(g.vrrp_rx_bufs_policy);
  j["vrrp_rx_bufs_multiplier"] = g.vrrp_rx_bufs_multiplier;

  j["lvs_sync_daemon"] = sync_daemon_json(g.lvs_sync_daemon);
  j["lvs_timeouts"] = timeouts_json(g.lvs_timeouts);
  j["lvs_flush"] = g.lvs_flush;
  j["lvs_flush_on_stop"] =
      g.lvs_flush_on_stop_vs ? nlohmann::json("VS") : nlohmann::json(g.lvs_flush_on_stop);
  j["rs_init_notifies"] = g.rs_init_notifies;
  j["no_checker_emails"] = g.no_checker_emails;

  j["umask"] = g.umask ? nlohmann::json(fmt::format("{:04o}", *g.umask)) : nlohmann::json(nullptr);
  j["random_seed"] = g.random_seed;
  j["reload_check_config"] = g.reload_check_config;
  j["reload_check_config_log_file"] = g.reload_check_config_log_file;
  j["include_check"] =
      g.include_check ? nlohmann::json(g.include_check->options) : nlohmann::json(nullptr);
  j["reload_time_file"] = g.reload_time_file;
  j["reload_repeat"] = g.reload_repeat;
  j["reload_file"] = g.reload_file;
  j["reload_file_name"] = g.reload_file_name;
  j["data_use_instance"] = g.data_use_instance;

  nlohmann::json sparse = nlohmann::json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& v = it.value();
    const bool unset =
        v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_array() && v.empty());
    if (!unset || it.key() == "router_id") {
      sparse[it.key()] = v;
    }
  }
  return sparse;
}

}  // namespace

namespace detail {

nlohmann::json dump_global(const GlobalConfig& g) {
  nlohmann::json j;
  j["global_defs"] = defs_json(g.global_defs);
  if (g.net_namespace) {
    j["net_namespace"] = *g.net_namespace;
  }
  if (g.net_namespace_ipvs) {
    j["net_namespace_ipvs"] = *g.net_namespace_ipvs;
  }
  if (g.namespace_with_ipsets) {
    j["namespace_with_ipsets"] = true;
  }
  if (g.instance) {
    j["instance"] = *g.instance;
  }
  if (g.use_pid_dir) {
    j["use_pid_dir"] = true;
  }
  if (g.linkbeat_use_polling) {
    j["linkbeat_use_polling"] = true;
  }
  if (g.child_wait_time) {
    j["child_wait_time"] = *g.child_wait_time;
  }
  if (!g.linkbeat_interfaces.empty()) {
    nlohmann::json l = nlohmann::json::array();
    for (const auto& i : g.linkbeat_interfaces) {
      l.push_back(i.type.empty() ? i.name : i.name + " " + i.type);
    }
    j["linkbeat_interfaces"] = l;
  }
  if (!g.track_group.empty()) {
    nlohmann::json t = nlohmann::json::object();
    for (const auto& tg : g.track_group) {
      t[tg.name] = nlohmann::json{{"group", tg.group}};
    }
    j["track_group"] = t;
  }
  if (!g.interface_up_down_delays.empty()) {
    nlohmann::json d = nlohmann::json::array();
    for (const auto& x : g.interface_up_down_delays) {
      nlohmann::json down = x.down_delay;
      nlohmann::json up = x.up_delay;
      d.push_back(fmt::format("{} {} {}", x.name, down.dump(), up.dump()));
    }
    j["interface_up_down_delays"] = d;
  }
  nlohmann::json addrs = nlohmann::json::array();
  for (const auto& a : g.static_ipaddress) {
    addrs.push_back(a.str());
  }
  j["static_ipaddress"] = addrs;
  j["static_routes"] = g.static_routes;
  j["static_rules"] = g.static_rules;
  return j;
}

}  // namespace detail

}  // namespace vigil::config
