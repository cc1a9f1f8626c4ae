// SPDX-License-Identifier: GPL-2.0-or-later
// The keepalived-style dumps (DATA, STATS, JSON) rendered from a State, and
// the atomic write of a dump file.
#include "dumps.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace vigil::daemon {

namespace {

/// A configured string on one line of a dump: control characters (a newline
/// in a quoted script path, say) as \xNN, so every record stays one line for
/// the scripts that read these files. UTF-8 stays as it is.
std::string one_line(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

/// keepalived's numeric states in its JSON dump (0 INIT, 1 BACKUP, 2 MASTER,
/// 3 FAULT). vigil's STOP (an instance being removed) is reported as INIT:
/// keepalived's readers know only these four.
int keepalived_state_code(const std::string& state) {
  if (state == "BACKUP") {
    return 1;
  }
  if (state == "MASTER") {
    return 2;
  }
  if (state == "FAULT") {
    return 3;
  }
  return 0;
}

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

void append_counters(std::string& out, std::string_view indent, const IpvsCounters& c) {
  out += fmt::format("{}Connections = {}\n", indent, c.conns);
  out += fmt::format("{}Packets in = {}, out = {}\n", indent, c.inpkts, c.outpkts);
  out += fmt::format("{}Bytes in = {}, out = {}\n", indent, c.inbytes, c.outbytes);
}

void append_daemon(std::string& out, const DaemonStatus& d) {
  out += "------< vigild >------\n";
  out += fmt::format(" Version = {}\n", d.version);
  out += fmt::format(" PID = {}\n", d.pid);
  out += fmt::format(" Configuration file = {}\n", one_line(d.config_file));
  out += fmt::format(" Uptime = {:.1f} s\n", d.uptime_seconds);
  out += fmt::format(" Reloads = {}, rejected = {}\n", d.reloads, d.reloads_failed);
  out += fmt::format(" VRRP subsystem = {}\n", d.vrrp ? "running" : "off");
  out += fmt::format(" IPVS/checker subsystem = {}\n", d.ipvs ? "running" : "off");
  for (const auto& sd : d.sync_daemons) {
    out += fmt::format(" LVS sync daemon = {}\n", sd);
  }
}

void append_vrrp(std::string& out, const VrrpStatus& v) {
  out += fmt::format(" VRRP Instance = {}\n", one_line(v.name));
  out += fmt::format("   VRRP Version = {}\n", v.version);
  out += fmt::format("   Family = {}\n", v.family);
  out += fmt::format("   State = {}\n", v.state);
  out += fmt::format("   Time in state = {:.1f} s\n", v.state_seconds);
  if (!v.sync_group.empty()) {
    out += fmt::format("   Sync group = {}\n", one_line(v.sync_group));
  }
  out += fmt::format("   Interface = {}\n", one_line(v.interface));
  out += fmt::format("   Virtual Router ID = {}\n", v.vrid);
  out += fmt::format("   Priority = {}\n", v.base_priority);
  out += fmt::format("   Effective priority = {}\n", v.effective_priority);
  if (!v.master_address.empty()) {
    out += fmt::format("   Master router = {}\n", v.master_address);
  }
  out += fmt::format("   Virtual IP ({}):\n", v.vips.size());
  for (const auto& ip : v.vips) {
    out += fmt::format("     {}\n", one_line(ip));
  }
}

void append_check(std::string& out, const CheckStatus& c) {
  out += fmt::format("     Checker = {} {}: {}, runs = {}, failures = {}", one_line(c.kind),
                     one_line(c.target), c.up ? "up" : "down", c.runs, c.failures);
  if (c.last_latency_ms) {
    out += fmt::format(", last = {:.3f} ms", *c.last_latency_ms);
  }
  if (!c.last_error.empty()) {
    out += fmt::format(", last error = {}", one_line(c.last_error));
  }
  out += "\n";
}

void append_real_server(std::string& out, const RealServerStatus& r) {
  out += fmt::format("   {} = {}\n", r.sorry ? "Sorry server" : "Real server", one_line(r.address));
  if (r.kernel_weight) {
    out += fmt::format("     Weight = {} (kernel {})\n", r.weight, *r.kernel_weight);
  } else {
    out += fmt::format("     Weight = {} (not in the kernel table)\n", r.weight);
  }
  out += fmt::format("     Alive = {}\n", yes_no(r.alive));
  if (r.draining) {
    out += "     Draining = yes\n";
  }
  out += fmt::format("     Active connections = {}\n", r.active_conns);
  out += fmt::format("     Inactive connections = {}\n", r.inactive_conns);
  if (r.counters) {
    append_counters(out, "     ", *r.counters);
  }
  for (const auto& c : r.checks) {
    append_check(out, c);
  }
}

void append_virtual_server(std::string& out, const VirtualServerStatus& v) {
  out += fmt::format(" Virtual Server = {}\n", one_line(v.name));
  out += fmt::format("   Scheduler = {}\n", v.scheduler);
  out += fmt::format("   Forwarding method = {}\n", v.method);
  out += fmt::format("   Quorum = {}\n", v.quorum_up ? "up" : "down");
  out += fmt::format("   Sorry server active = {}\n", yes_no(v.sorry_active));
  if (v.counters) {
    append_counters(out, "   ", *v.counters);
  } else {
    out += "   Not in the kernel table\n";
  }
  for (const auto& r : v.real_servers) {
    append_real_server(out, r);
  }
}

}  // namespace

std::string render_data(const State& s) {
  std::string out;
  append_daemon(out, s.daemon);
  out += "------< VRRP Topology >------\n";
  for (const auto& v : s.vrrp) {
    append_vrrp(out, v);
  }
  out += "------< LVS Topology >------\n";
  for (const auto& v : s.virtual_servers) {
    append_virtual_server(out, v);
  }
  return out;
}

std::string render_stats(const State& s) {
  std::string out;
  for (const auto& v : s.vrrp) {
    out += fmt::format("VRRP Instance: {}\n", one_line(v.name));
    out += "  Advertisements:\n";
    out += fmt::format("    Received: {}\n", v.adverts_received);
    out += fmt::format("    Sent: {}\n", v.adverts_sent);
    out += fmt::format("  Became master: {}\n", v.became_master);
    out += fmt::format("  Released master: {}\n", v.released_master);
    // vigil counts rejected adverts as one number (below); keepalived's
    // per-reason counters keep their lines, at 0, for scripts that parse them.
    out += "  Packet Errors:\n";
    out += "    Length: 0\n";
    out += "    TTL: 0\n";
    out += "    Invalid Type: 0\n";
    out += "    Advertisement Interval: 0\n";
    out += "    Address List: 0\n";
    out += "  Authentication Errors:\n";
    out += "    Invalid Type: 0\n";
    out += "    Type Mismatch: 0\n";
    out += "    Failure: 0\n";
    out += "  Priority Zero:\n";
    out += fmt::format("    Received: {}\n", v.priority_zero_received);
    out += fmt::format("    Sent: {}\n", v.priority_zero_sent);
    out += fmt::format("  Packets dropped: {}\n", v.packets_dropped);
  }
  return out;
}

std::string render_json(const State& s) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& v : s.vrrp) {
    nlohmann::ordered_json data;
    // keepalived's keys, in the order keepalived 2.2.7 writes them.
    data["iname"] = v.name;
    data["ifp_ifname"] = v.interface;
    data["vrid"] = v.vrid;
    data["base_priority"] = v.base_priority;
    data["effective_priority"] = v.effective_priority;
    data["state"] = keepalived_state_code(v.state);
    data["wantstate"] = keepalived_state_code(v.state);
    data["version"] = v.version;
    data["vips"] = v.vips;
    // vigil's own, beside keepalived's keys.
    data["state_name"] = v.state;
    data["family"] = v.family;
    data["sync_group"] = v.sync_group;
    data["master_address"] = v.master_address;

    nlohmann::ordered_json stats;
    stats["advert_rcvd"] = v.adverts_received;
    stats["advert_sent"] = v.adverts_sent;
    stats["become_master"] = v.became_master;
    stats["release_master"] = v.released_master;
    stats["packet_len_err"] = 0;
    stats["advert_interval_err"] = 0;
    stats["ip_ttl_err"] = 0;
    stats["invalid_type_rcvd"] = 0;
    stats["addr_list_err"] = 0;
    stats["invalid_authtype"] = 0;
    stats["authtype_mismatch"] = 0;
    stats["auth_failure"] = 0;
    stats["pri_zero_rcvd"] = v.priority_zero_received;
    stats["pri_zero_sent"] = v.priority_zero_sent;
    stats["packets_dropped"] = v.packets_dropped;

    nlohmann::ordered_json item;
    item["data"] = std::move(data);
    item["stats"] = std::move(stats);
    arr.push_back(std::move(item));
  }
  return arr.dump(2) + "\n";
}

std::string_view dump_file_name(DumpKind kind) {
  switch (kind) {
    case DumpKind::Data:
      return "keepalived.data";
    case DumpKind::Stats:
      return "keepalived.stats";
    case DumpKind::Json:
      return "keepalived.json";
  }
  return "keepalived.data";
}

std::string render_dump(DumpKind kind, const State& s) {
  switch (kind) {
    case DumpKind::Data:
      return render_data(s);
    case DumpKind::Stats:
      return render_stats(s);
    case DumpKind::Json:
      return render_json(s);
  }
  return {};
}

std::optional<std::string> write_dump(const std::string& dir, std::string_view name,
                                      std::string_view content, std::string& error) {
  const std::string path = dir + "/" + std::string(name);
  // A unique temporary name in the same directory, so rename() is atomic.
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    error = fmt::format("cannot create a temporary file for {}: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  // keepalived's dumps are world-readable; mkstemp makes 0600.
  (void)::fchmod(fd, 0644);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
      ::close(fd);
      ::unlink(tmp.c_str());
      return std::nullopt;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(errno));
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  return path;
}

}  // namespace vigil::daemon
