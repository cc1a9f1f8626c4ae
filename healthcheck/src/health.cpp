// SPDX-License-Identifier: GPL-2.0-or-later
// HealthBook: checker verdicts folded into real-server aliveness and weight,
// quorum history for hysteresis, and the notify/omega events that follow.
#include "vigil/hc/health.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace vigil::hc {

void HealthBook::reset(const config::Model& model, const std::vector<CheckDef>& checks) {
  model_ = &model;

  std::map<std::string, Checker> checkers;
  for (const auto& d : checks) {
    Checker c;
    c.probe_key = d.probe_key;
    c.kind = d.kind;
    c.up = !d.timing.alpha;
    const auto old = checkers_.find(d.checker_id);
    if (old != checkers_.end() && old->second.probe_key == d.probe_key) {
      // The engine keeps this checker's slot, so its verdict stands.
      c.up = old->second.up;
      c.weight = old->second.weight;
    }
    checkers.insert_or_assign(d.checker_id, std::move(c));
  }
  checkers_ = std::move(checkers);

  rs_.clear();
  std::map<std::string, bool> quorum;
  for (std::size_t v = 0; v < model.lvs.virtual_server.size(); ++v) {
    const auto& vs = model.lvs.virtual_server[v];
    if (vs.real_server.empty()) {
      continue;
    }
    for (std::size_t r = 0; r < vs.real_server.size(); ++r) {
      Rs rs;
      rs.vs_index = v;
      rs.rs_index = r;
      rs_.insert_or_assign(rs_id(vs, vs.real_server[r]), std::move(rs));
    }
    // Quorum history follows the virtual server's identity.
    const std::string id = vs_id(vs);
    if (const auto q = quorum_.find(id); q != quorum_.end()) {
      quorum.insert_or_assign(id, q->second);
    }
  }
  quorum_ = std::move(quorum);

  for (const auto& d : checks) {
    const auto c = checkers_.find(d.checker_id);
    if (const auto it = rs_.find(d.rs_id); it != rs_.end()) {
      c->second.rs = &it->second;
      it->second.checkers.push_back(&c->second);
    } else {
      c->second.rs = nullptr;
    }
  }
  for (auto& [id, rs] : rs_) {
    rs.checkers.shrink_to_fit();
    rs.alive = compute_alive(rs);
  }
}

bool HealthBook::compute_alive(const Rs& rs) const {
  return std::all_of(rs.checkers.begin(), rs.checkers.end(),
                     [](const Checker* c) { return c->up; });
}

std::optional<std::uint32_t> HealthBook::weight_of(const Rs& rs, std::uint32_t configured) const {
  // Each dynamic checker moves the configured weight by its own offset, so a
  // single one sets the weight it asks for.
  bool any = false;
  std::int64_t w = configured;
  for (const auto* c : rs.checkers) {
    if (c->weight) {
      any = true;
      w += static_cast<std::int64_t>(*c->weight) - static_cast<std::int64_t>(configured);
    }
  }
  if (!any) {
    return std::nullopt;
  }
  // IPVS weights are non-negative ints.
  w = std::clamp<std::int64_t>(w, 0, std::numeric_limits<std::int32_t>::max());
  return static_cast<std::uint32_t>(w);
}

std::optional<RsEvent> HealthBook::set_verdict(const std::string& checker_id, bool up,
                                               std::optional<std::uint32_t> weight) {
  const auto c = checkers_.find(checker_id);
  if (c == checkers_.end()) {
    return std::nullopt;
  }
  c->second.up = up;
  c->second.weight = weight;
  Rs* const r = c->second.rs;
  if (r == nullptr) {
    return std::nullopt;
  }
  const bool alive = compute_alive(*r);
  if (alive == r->alive) {
    return std::nullopt;
  }
  r->alive = alive;
  return RsEvent{r->vs_index, r->rs_index, alive};
}

ipvs::HealthView HealthBook::health_view() const {
  return [this](const config::VirtualServer& vs, const config::RealServer& rs) {
    ipvs::RsHealth h;
    const auto it = rs_.find(rs_id(vs, rs));
    if (it != rs_.end()) {
      h.alive = it->second.alive;
      h.weight = weight_of(it->second, rs.weight);
    }
    return h;
  };
}

ipvs::QuorumView HealthBook::quorum_view() const {
  return [this](const config::VirtualServer& vs) -> std::optional<bool> {
    const auto it = quorum_.find(vs_id(vs));
    if (it == quorum_.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

std::vector<QuorumEvent> HealthBook::record_quorum(const ipvs::Desired& desired) {
  std::vector<QuorumEvent> out;
  if (model_ == nullptr) {
    return out;
  }
  const auto& servers = model_->lvs.virtual_server;
  const std::size_t n = std::min(servers.size(), desired.quorum_up.size());
  for (std::size_t v = 0; v < n; ++v) {
    if (servers[v].real_server.empty()) {
      continue;  // no service, no quorum
    }
    const bool up = desired.quorum_up[v];
    auto [it, fresh] = quorum_.try_emplace(vs_id(servers[v]), up);
    if (!fresh && it->second != up) {
      it->second = up;
      out.push_back({v, up});
    }
  }
  return out;
}

std::vector<RsEvent> HealthBook::omega_rs_events() const {
  std::vector<RsEvent> out;
  if (model_ == nullptr) {
    return out;
  }
  for (const auto& [id, rs] : rs_) {
    if (rs.alive && model_->lvs.virtual_server.at(rs.vs_index).omega) {
      out.push_back({rs.vs_index, rs.rs_index, false});
    }
  }
  // File order, not rs_id order.
  std::sort(out.begin(), out.end(), [](const RsEvent& a, const RsEvent& b) {
    return std::pair(a.vs_index, a.rs_index) < std::pair(b.vs_index, b.rs_index);
  });
  return out;
}

std::vector<QuorumEvent> HealthBook::omega_quorum_events() const {
  std::vector<QuorumEvent> out;
  if (model_ == nullptr) {
    return out;
  }
  const auto& servers = model_->lvs.virtual_server;
  for (std::size_t v = 0; v < servers.size(); ++v) {
    if (!servers[v].omega || servers[v].real_server.empty()) {
      continue;
    }
    const auto it = quorum_.find(vs_id(servers[v]));
    if (it != quorum_.end() && it->second) {
      out.push_back({v, false});
    }
  }
  return out;
}

std::optional<CheckerInfo> HealthBook::checker(const std::string& checker_id) const {
  const auto it = checkers_.find(checker_id);
  if (it == checkers_.end() || it->second.rs == nullptr) {
    return std::nullopt;
  }
  return CheckerInfo{it->second.kind, it->second.rs->vs_index, it->second.rs->rs_index};
}

bool HealthBook::alive(const std::string& rs_id) const {
  const auto it = rs_.find(rs_id);
  return it != rs_.end() && it->second.alive;
}

}  // namespace vigil::hc
