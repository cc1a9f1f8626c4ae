// SPDX-License-Identifier: GPL-2.0-or-later
#include "vigil/config/dump.hpp"

#include <fmt/format.h>

#include "dump_util.hpp"
#include "vigil/config/dump_tree.hpp"

namespace vigil::config {

namespace {

void merge(nlohmann::json& into, const nlohmann::json& part) {
  for (auto it = part.begin(); it != part.end(); ++it) {
    into[it.key()] = it.value();
  }
}

}  // namespace

nlohmann::json dump_tree(const Model& m) {
  nlohmann::json j = nlohmann::json::object();
  merge(j, detail::dump_global(m.global));
  merge(j, detail::dump_vrrp(m.vrrp));
  merge(j, detail::dump_bfd(m.bfd));
  merge(j, detail::dump_lvs(m.lvs));
  return j;
}

nlohmann::json dump_tree(const VrrpConfig& v) {
  return detail::dump_vrrp(v);
}

nlohmann::json dump_tree(const GlobalConfig& g) {
  return detail::dump_global(g);
}

namespace {

std::string scalar(const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || s.find_first_of(" \t\"'#!{}") != std::string::npos) {
      return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return s;
  }
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Renders the JSON tree in keepalived.conf's block style.
void render(std::string& out, const std::string& key, const nlohmann::json& v, int depth) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  if (v.is_null()) {
    return;
  }
  if (v.is_object()) {
    if (v.empty()) {
      return;
    }
    out += fmt::format("{}{} {{\n", pad, key);
    for (auto it = v.begin(); it != v.end(); ++it) {
      render(out, it.key(), it.value(), depth + 1);
    }
    out += fmt::format("{}}}\n", pad);
    return;
  }
  if (v.is_array()) {
    if (v.empty()) {
      return;
    }
    bool scalars = true;
    for (const auto& e : v) {
      scalars = scalars && !e.is_object() && !e.is_array();
    }
    if (scalars) {
      out += fmt::format("{}{} {{\n", pad, key);
      for (const auto& e : v) {
        out += fmt::format("{}  {}\n", pad, scalar(e));
      }
      out += fmt::format("{}}}\n", pad);
      return;
    }
    for (const auto& e : v) {
      render(out, key, e, depth);
    }
    return;
  }
  out += fmt::format("{}{} {}\n", pad, key, scalar(v));
}

}  // namespace

void to_json(nlohmann::json& j, const IpAddressSpec& a) {
  j = a.address.str();
}
void to_json(nlohmann::json& j, const RouteSpec& r) {
  j = fmt::format("{}", fmt::join(r.words, " "));
}
void to_json(nlohmann::json& j, const RuleSpec& r) {
  j = fmt::format("{}", fmt::join(r.words, " "));
}

std::string dump_json(const Model& m) {
  // Invalid UTF-8 in names or values is replaced (U+FFFD) rather than thrown.
  return dump_tree(m).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string dump_text(const Model& m) {
  const nlohmann::json tree = dump_tree(m);
  std::string out;
  for (auto it = tree.begin(); it != tree.end(); ++it) {
    const auto& v = it.value();
    // Named blocks are objects keyed by name: render "vrrp_instance VI_1 { ... }".
    if (v.is_object() && !v.empty() && v.begin()->is_object()) {
      for (auto e = v.begin(); e != v.end(); ++e) {
        render(out, it.key() + " " + e.key(), e.value(), 0);
      }
    } else {
      render(out, it.key(), v, 0);
    }
  }
  return out;
}

}  // namespace vigil::config
