// SPDX-License-Identifier: GPL-2.0-or-later
// JSON dump of the VRRP family. Keys are the keywords; named blocks are objects
// keyed by name; unset optionals are null; timers are seconds.
#include "dump_util.hpp"

namespace vigil::config {

namespace {

nlohmann::json secs(std::chrono::seconds s) {
  return s.count();
}

template <class T>
nlohmann::json secs(const std::optional<T>& s) {
  return s ? nlohmann::json(s->count()) : nlohmann::json(nullptr);
}

const char* state_name(VrrpState s) {
  return s == VrrpState::Master ? "MASTER" : "BACKUP";
}

}  // namespace

void to_json(nlohmann::json& j, const TrackRef& r) {
  j = nlohmann::json{{"name", r.name}, {"weight", r.weight}, {"reverse", r.reverse}};
}

void to_json(nlohmann::json& j, const TrackedInterface& t) {
  j = nlohmann::json{{"name", t.name}, {"weight", t.weight}, {"reverse", t.reverse}};
}

void to_json(nlohmann::json& j, const NameRef& r) {
  j = r.name;
}

void to_json(nlohmann::json& j, const UnicastPeer& p) {
  j = nlohmann::json{{"address", p.address}, {"min_ttl", p.min_ttl}, {"max_ttl", p.max_ttl}};
}

void to_json(nlohmann::json& j, const VrrpScript& s) {
  j["script"] = s.script;
  j["interval"] = secs(s.interval);
  j["timeout"] = secs(s.timeout);
  j["weight"] = s.weight;
  j["weight_reverse"] = s.weight_reverse;
  j["rise"] = s.rise;
  j["fall"] = s.fall;
  j["user"] = s.user;
  j["group"] = s.group;
  j["init_fail"] = s.init_fail;
}

void to_json(nlohmann::json& j, const TrackFile& f) {
  j["file"] = f.file;
  j["weight"] = f.weight;
  j["weight_reverse"] = f.weight_reverse;
  if (f.init_file) {
    j["init_file"] = {{"value", f.init_file->value}, {"overwrite", f.init_file->overwrite}};
  } else {
    j["init_file"] = nullptr;
  }
}

void to_json(nlohmann::json& j, const VrrpTrackProcess& p) {
  j["process"] = p.process;
  if (p.param_match) {
    j["param_match"] = *p.param_match == ParamMatch::Initial ? "initial" : "partial";
  } else {
    j["param_match"] = nullptr;
  }
  j["weight"] = p.weight;
  j["weight_reverse"] = p.weight_reverse;
  j["quorum"] = p.quorum;
  j["quorum_max"] = p.quorum_max;
  j["fork_delay"] = p.fork_delay;
  j["terminate_delay"] = p.terminate_delay;
  j["full_command"] = p.full_command;
}

void to_json(nlohmann::json& j, const GarpGroup& g) {
  j["garp_interval"] = g.garp_interval;
  j["gna_interval"] = g.gna_interval;
  j["interface"] = g.interface;
  j["interfaces"] = g.interfaces;
}

void to_json(nlohmann::json& j, const VrrpSyncGroup& g) {
  j["group"] = g.group;
  j["track_interface"] = g.track_interface;
  j["track_script"] = g.track_script;
  j["track_file"] = g.track_file;
  j["track_process"] = g.track_process;
  j["track_bfd"] = g.track_bfd;
  j["notify_master"] = g.notify_master;
  j["notify_backup"] = g.notify_backup;
  j["notify_fault"] = g.notify_fault;
  j["notify_stop"] = g.notify_stop;
  j["notify"] = g.notify;
  j["notify_priority_changes"] = g.notify_priority_changes;
  j["smtp_alert"] = g.smtp_alert;
  j["global_tracking"] = g.global_tracking;
  j["sync_group_tracking_weight"] = g.sync_group_tracking_weight;
}

void to_json(nlohmann::json& j, const VrrpInstance& v) {
  j["family"] = v.family == Family::None ? nullptr : nlohmann::json(family_name(v.family));
  j["state"] = state_name(v.state);
  j["interface"] = v.interface;
  j["vrf"] = v.vrf;
  if (v.use_vmac) {
    j["use_vmac"] = {{"ifname", v.use_vmac->ifname}, {"mac", v.use_vmac->mac}};
  } else {
    j["use_vmac"] = nullptr;
  }
  j["use_vmac_addr"] = v.use_vmac_addr;
  j["vmac_xmit_base"] = v.vmac_xmit_base;
  if (v.use_ipvlan) {
    static constexpr const char* kModes[] = {"bridge", "private", "vepa"};
    j["use_ipvlan"] = {{"ifname", v.use_ipvlan->ifname},
                       {"address", v.use_ipvlan->address},
                       {"mode", kModes[static_cast<int>(v.use_ipvlan->mode)]}};
  } else {
    j["use_ipvlan"] = nullptr;
  }
  j["native_ipv6"] = v.native_ipv6;
  j["dont_track_primary"] = v.dont_track_primary;
  j["track_interface"] = v.track_interface;
  j["track_script"] = v.track_script;
  j["track_file"] = v.track_file;
  j["track_process"] = v.track_process;
  j["track_bfd"] = v.track_bfd;
  j["mcast_src_ip"] = v.mcast_src_ip;
  j["unicast_src_ip"] = v.unicast_src_ip;
  j["mcast_dst_ip"] = v.mcast_dst_ip;
  j["track_src_ip"] = v.track_src_ip;
  j["version"] = v.version;
  j["check_unicast_src"] = v.check_unicast_src;
  j["unicast_peer"] = v.unicast_peer;
  j["unicast_fault_no_peer"] = v.unicast_fault_no_peer;
  j["unicast_ttl"] = v.unicast_ttl;
  if (v.old_unicast_checksum) {
    j["old_unicast_checksum"] =
        *v.old_unicast_checksum == OldUnicastChecksum::Never ? "never" : "on";
  } else {
    j["old_unicast_checksum"] = nullptr;
  }
  j["garp_master_delay"] = secs(v.garp_master_delay);
  j["garp_master_repeat"] = v.garp_master_repeat;
  j["garp_lower_prio_delay"] = secs(v.garp_lower_prio_delay);
  j["garp_lower_prio_repeat"] = v.garp_lower_prio_repeat;
  j["garp_master_refresh"] = secs(v.garp_master_refresh);
  j["garp_master_refresh_repeat"] = v.garp_master_refresh_repeat;
  if (v.garp_extra_if) {
    j["garp_extra_if"] = {{"interval", v.garp_extra_if->interval}, {"all", v.garp_extra_if->all}};
  } else {
    j["garp_extra_if"] = nullptr;
  }
  j["down_timer_adverts"] = v.down_timer_adverts;
  j["lower_prio_no_advert"] = v.lower_prio_no_advert;
  j["v3_checksum_as_v2"] = v.v3_checksum_as_v2;
  j["higher_prio_send_advert"] = v.higher_prio_send_advert;
  j["virtual_router_id"] = v.virtual_router_id;
  j["priority"] = v.priority;
  j["advert_int"] = v.advert_int;
  if (v.authentication) {
    const auto& a = *v.authentication;
    j["authentication"] = {
        {"auth_type", a.auth_type ? nlohmann::json(*a.auth_type == AuthType::Ah ? "AH" : "PASS")
                                  : nlohmann::json(nullptr)},
        {"auth_pass", a.auth_pass}};
  } else {
    j["authentication"] = nullptr;
  }
  j["virtual_ipaddress"] = v.virtual_ipaddress;
  j["virtual_ipaddress_excluded"] = v.virtual_ipaddress_excluded;
  j["promote_secondaries"] = v.promote_secondaries;
  j["virtual_routes"] = v.virtual_routes;
  j["virtual_rules"] = v.virtual_rules;
  j["accept"] = v.accept;
  j["nopreempt"] = v.nopreempt;
  j["preempt_delay"] = v.preempt_delay;
  j["skip_check_adv_addr"] = v.skip_check_adv_addr;
  j["strict_mode"] = v.strict_mode;
  j["debug"] = v.debug;
  j["notify_master"] = v.notify_master;
  j["notify_backup"] = v.notify_backup;
  j["notify_fault"] = v.notify_fault;
  j["notify_stop"] = v.notify_stop;
  j["notify_deleted"] = v.notify_deleted;
  j["notify"] = v.notify;
  j["notify_master_rx_lower_pri"] = v.notify_master_rx_lower_pri;
  j["notify_priority_changes"] = v.notify_priority_changes;
  j["smtp_alert"] = v.smtp_alert;
  j["kernel_rx_buf_size"] = v.kernel_rx_buf_size;
  j["linkbeat_use_polling"] = v.linkbeat_use_polling;
  j["lvs_sync_daemon_interface"] = v.lvs_sync_daemon_interface;
}

namespace detail {

nlohmann::json dump_vrrp(const VrrpConfig& v) {
  nlohmann::json j;
  j["vrrp_script"] = by_name(v.vrrp_script);
  j["track_file"] = by_name(v.track_file);
  j["vrrp_track_process"] = by_name(v.vrrp_track_process);
  j["vrrp_sync_group"] = by_name(v.vrrp_sync_group);
  j["garp_group"] = v.garp_group;
  j["vrrp_instance"] = by_name(v.vrrp_instance);
  return j;
}

}  // namespace detail
}  // namespace vigil::config
