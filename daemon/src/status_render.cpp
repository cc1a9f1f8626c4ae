// SPDX-License-Identifier: GPL-2.0-or-later
// Text and JSON renders of a State for `vigild status` (see status_render.hpp).
#include "status_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::daemon {

namespace {

using Row = std::vector<std::string>;

/// Control characters (a newline in a script's path...) shown escaped, so one
/// value never breaks a table's lines.
std::string printable(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

/// Left-aligned columns two spaces apart; the last column is not padded, so
/// lines carry no trailing blanks.
void table(std::string& out, const std::string& indent, const std::vector<Row>& rows) {
  std::vector<std::size_t> width;
  std::vector<Row> clean;
  clean.reserve(rows.size());
  for (const Row& r : rows) {
    Row c;
    for (const std::string& cell : r) {
      c.push_back(printable(cell));
    }
    clean.push_back(std::move(c));
  }
  for (const Row& r : clean) {
    if (width.size() < r.size()) {
      width.resize(r.size(), 0);
    }
    for (std::size_t i = 0; i < r.size(); ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  }
  for (const Row& r : clean) {
    std::string line = indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) {
        line.append(width[i] - r[i].size() + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += line;
    out += '\n';
  }
}

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) {
      out += sep;
    }
    out += s;
  }
  return out;
}

std::string opt_int(const std::optional<int>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string counters_line(const IpvsCounters& c) {
  return fmt::format("conns {} in {} pkts/{} bytes out {} pkts/{} bytes", c.conns, c.inpkts,
                     c.inbytes, c.outpkts, c.outbytes);
}

nlohmann::json counters_json(const std::optional<IpvsCounters>& c) {
  if (!c) {
    return nullptr;
  }
  return {{"conns", c->conns},
          {"inpkts", c->inpkts},
          {"outpkts", c->outpkts},
          {"inbytes", c->inbytes},
          {"outbytes", c->outbytes}};
}

}  // namespace

std::string human_duration(double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) {
    return "0s";
  }
  auto total = static_cast<std::uint64_t>(seconds);
  const std::uint64_t d = total / 86400;
  const std::uint64_t h = (total / 3600) % 24;
  const std::uint64_t m = (total / 60) % 60;
  const std::uint64_t sec = total % 60;
  if (d > 0) {
    return fmt::format("{}d{:02}h{:02}m", d, h, m);
  }
  if (h > 0) {
    return fmt::format("{}h{:02}m{:02}s", h, m, sec);
  }
  if (m > 0) {
    return fmt::format("{}m{:02}s", m, sec);
  }
  return fmt::format("{}s", sec);
}

std::string render_status_text(const State& s) {
  std::string out;
  const DaemonStatus& d = s.daemon;
  std::vector<std::string> halves;
  if (d.vrrp) {
    halves.emplace_back("vrrp");
  }
  if (d.ipvs) {
    halves.emplace_back("ipvs");
  }
  out += "Daemon\n";
  table(out, "  ",
        {{"version", d.version},
         {"pid", std::to_string(d.pid)},
         {"config", d.config_file},
         {"uptime", human_duration(d.uptime_seconds)},
         {"halves", halves.empty() ? "none" : join(halves, ", ")},
         {"reloads", fmt::format("{} applied, {} rejected", d.reloads, d.reloads_failed)},
         {"sync daemons", d.sync_daemons.empty() ? "none" : join(d.sync_daemons, "; ")}});

  out += "\nVRRP instances";
  if (s.vrrp.empty()) {
    out += ": none\n";
  } else {
    out += '\n';
    std::vector<Row> rows{{"NAME", "INTERFACE", "VRID", "STATE", "SINCE", "PRIO", "EFFECTIVE",
                           "MASTER", "ADVERTS OUT/IN", "VIPS"}};
    for (const VrrpStatus& v : s.vrrp) {
      rows.push_back({v.name + (v.sync_group.empty() ? "" : " (" + v.sync_group + ")"), v.interface,
                      fmt::format("{} v{}", v.vrid, v.version), v.state,
                      human_duration(v.state_seconds), std::to_string(v.base_priority),
                      std::to_string(v.effective_priority),
                      v.master_address.empty() ? "-" : v.master_address,
                      fmt::format("{}/{}", v.adverts_sent, v.adverts_received),
                      v.vips.empty() ? "-" : join(v.vips, " ")});
    }
    table(out, "  ", rows);
  }

  out += "\nVirtual servers";
  if (s.virtual_servers.empty()) {
    out += ": none\n";
    return out;
  }
  out += '\n';
  for (const VirtualServerStatus& vs : s.virtual_servers) {
    out += fmt::format("  {}  {} {}  quorum {}{}\n", printable(vs.name), printable(vs.scheduler),
                       printable(vs.method), vs.quorum_up ? "up" : "down",
                       vs.sorry_active ? "  sorry server active" : "");
    out += "    kernel: " + (vs.counters ? counters_line(*vs.counters) : "not in the table") + "\n";
    if (vs.real_servers.empty()) {
      out += "    no real servers\n";
      continue;
    }
    std::vector<Row> rows{{"REAL SERVER", "WEIGHT", "ALIVE", "KERNEL", "ACTIVE", "INACTIVE",
                           "CONNS", "INPKTS", "OUTPKTS", "INBYTES", "OUTBYTES"}};
    std::vector<Row> checks{
        {"REAL SERVER", "CHECK", "TARGET", "UP", "LATENCY", "RUNS", "FAILURES", "LAST ERROR"}};
    for (const RealServerStatus& rs : vs.real_servers) {
      std::string name = rs.address;
      if (rs.sorry) {
        name += " (sorry)";
      }
      if (rs.draining) {
        name += " (draining)";
      }
      Row r{name,
            std::to_string(rs.weight),
            yes_no(rs.alive),
            opt_int(rs.kernel_weight),
            std::to_string(rs.active_conns),
            std::to_string(rs.inactive_conns)};
      if (rs.counters) {
        r.push_back(std::to_string(rs.counters->conns));
        r.push_back(std::to_string(rs.counters->inpkts));
        r.push_back(std::to_string(rs.counters->outpkts));
        r.push_back(std::to_string(rs.counters->inbytes));
        r.push_back(std::to_string(rs.counters->outbytes));
      } else {
        r.insert(r.end(), 5, "-");
      }
      rows.push_back(std::move(r));
      for (const CheckStatus& c : rs.checks) {
        checks.push_back({rs.address, c.kind, c.target, yes_no(c.up),
                          c.last_latency_ms ? fmt::format("{:.3f} ms", *c.last_latency_ms) : "-",
                          std::to_string(c.runs), std::to_string(c.failures),
                          c.last_error.empty() ? "-" : c.last_error});
      }
    }
    table(out, "    ", rows);
    if (checks.size() > 1) {
      table(out, "    ", checks);
    }
  }
  return out;
}

std::string render_status_json(const State& s) {
  using nlohmann::json;
  const DaemonStatus& d = s.daemon;
  json j;
  j["daemon"] = {{"pid", d.pid},
                 {"version", d.version},
                 {"config_file", d.config_file},
                 {"uptime_seconds", d.uptime_seconds},
                 {"reloads", d.reloads},
                 {"reloads_failed", d.reloads_failed},
                 {"vrrp", d.vrrp},
                 {"ipvs", d.ipvs},
                 {"sync_daemons", d.sync_daemons}};
  j["vrrp"] = json::array();
  for (const VrrpStatus& v : s.vrrp) {
    j["vrrp"].push_back(
        {{"name", v.name},
         {"interface", v.interface},
         {"vrid", v.vrid},
         {"version", v.version},
         {"family", v.family},
         {"state", v.state},
         {"sync_group", v.sync_group.empty() ? json(nullptr) : json(v.sync_group)},
         {"base_priority", v.base_priority},
         {"effective_priority", v.effective_priority},
         {"vips", v.vips},
         {"master_address", v.master_address.empty() ? json(nullptr) : json(v.master_address)},
         {"state_seconds", v.state_seconds},
         {"adverts_sent", v.adverts_sent},
         {"adverts_received", v.adverts_received},
         {"became_master", v.became_master},
         {"released_master", v.released_master},
         {"packets_dropped", v.packets_dropped},
         {"priority_zero_sent", v.priority_zero_sent},
         {"priority_zero_received", v.priority_zero_received}});
  }
  j["virtual_servers"] = json::array();
  for (const VirtualServerStatus& vs : s.virtual_servers) {
    json rss = json::array();
    for (const RealServerStatus& rs : vs.real_servers) {
      json checks = json::array();
      for (const CheckStatus& c : rs.checks) {
        checks.push_back(
            {{"kind", c.kind},
             {"target", c.target},
             {"up", c.up},
             {"runs", c.runs},
             {"failures", c.failures},
             {"last_latency_ms", c.last_latency_ms ? json(*c.last_latency_ms) : json(nullptr)},
             {"last_error", c.last_error.empty() ? json(nullptr) : json(c.last_error)}});
      }
      rss.push_back({{"address", rs.address},
                     {"weight", rs.weight},
                     {"alive", rs.alive},
                     {"sorry", rs.sorry},
                     {"draining", rs.draining},
                     {"kernel_weight", rs.kernel_weight ? json(*rs.kernel_weight) : json(nullptr)},
                     {"active_conns", rs.active_conns},
                     {"inactive_conns", rs.inactive_conns},
                     {"counters", counters_json(rs.counters)},
                     {"checks", std::move(checks)}});
    }
    j["virtual_servers"].push_back({{"name", vs.name},
                                    {"scheduler", vs.scheduler},
                                    {"method", vs.method},
                                    {"quorum_up", vs.quorum_up},
                                    {"sorry_active", vs.sorry_active},
                                    {"counters", counters_json(vs.counters)},
                                    {"real_servers", std::move(rss)}});
  }
  // Replace, not throw, on invalid UTF-8 in names or error texts.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace vigil::daemon
