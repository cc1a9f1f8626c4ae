// SPDX-License-Identifier: GPL-2.0-or-later
// HealthBook: checker verdicts folded into real-server aliveness and weight,
// quorum history for hysteresis, and the notify/omega events that follow.
#include "vigil/hc/health.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace vigil::hc {

template <class V>
void HealthBook::FlatMap<V>::seal() {
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last of each run of equal keys (as assigning into a map would).
  std::vector<std::pair<std::string, V>> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i + 1 < items.size() && items[i + 1].first == items[i].first) {
      continue;
    }
    out.push_back(std::move(items[i]));
  }
  items = std::move(out);
}

template <class V>
V* HealthBook::FlatMap<V>::find(std::string_view key) {
  const auto it = std::lower_bound(items.begin(), items.end(), key,
                                   [](const auto& e, std::string_view k) { return e.first < k; });
  return it != items.end() && it->first == key ? &it->second : nullptr;
}

template <class V>
const V* HealthBook::FlatMap<V>::find(std::string_view key) const {
  return const_cast<FlatMap*>(this)->find(key);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

void HealthBook::reset(const config::Model& model, const std::vector<CheckDef>& checks) {
  model_ = &model;

  FlatMap<Checker> checkers;
  checkers.items.reserve(checks.size());
  for (const auto& d : checks) {
    Checker c;
    c.probe_key = d.probe_key;
    c.kind = d.kind;
    c.up = !d.timing.alpha;
    const Checker* old = checkers_.find(d.checker_id);
    if (old != nullptr && old->probe_key == d.probe_key) {
      // The engine keeps this checker's slot, so its verdict stands.
      c.up = old->up;
      c.weight = old->weight;
    }
    checkers.items.emplace_back(d.checker_id, std::move(c));
  }
  checkers.seal();
  checkers_ = std::move(checkers);

  rs_.items.clear();
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
      rs_.items.emplace_back(rs_id(vs, vs.real_server[r]), std::move(rs));
    }
    // Quorum history follows the virtual server's identity.
    const std::string id = vs_id(vs);
    if (const auto q = quorum_.find(id); q != quorum_.end()) {
      quorum.insert_or_assign(id, q->second);
    }
  }
  rs_.seal();
  quorum_ = std::move(quorum);

  // Checker and real server point at each other; neither array moves until
  // the next reset.
  for (auto& [id, c] : checkers_.items) {
    c.rs = nullptr;
  }
  for (const auto& d : checks) {
    Checker* c = checkers_.find(d.checker_id);
    if (Rs* rs = rs_.find(d.rs_id); rs != nullptr) {
      c->rs = rs;
      rs->checkers.push_back(c);
    } else {
      c->rs = nullptr;
    }
  }
  for (auto& [id, rs] : rs_.items) {
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
  Checker* const c = checkers_.find(checker_id);
  if (c == nullptr) {
    return std::nullopt;
  }
  c->up = up;
  c->weight = weight;
  Rs* const r = c->rs;
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
    if (const Rs* r = rs_.find(rs_id(vs, rs)); r != nullptr) {
      h.alive = r->alive;
      h.weight = weight_of(*r, rs.weight);
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
  for (const auto& [id, rs] : rs_.items) {
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
  const Checker* c = checkers_.find(checker_id);
  if (c == nullptr || c->rs == nullptr) {
    return std::nullopt;
  }
  return CheckerInfo{c->kind, c->rs->vs_index, c->rs->rs_index};
}

bool HealthBook::alive(const std::string& rs_id) const {
  const Rs* r = rs_.find(rs_id);
  return r != nullptr && r->alive;
}

}  // namespace vigil::hc
