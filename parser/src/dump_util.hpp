// SPDX-License-Identifier: GPL-2.0-or-later
// JSON conversions for the model's value types, and the per-family dumpers.
// Field names are the keepalived keywords; timers are seconds (fractional when
// needed); unset optionals are null; locations are not part of the dump.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "vigil/config/model.hpp"

namespace nlohmann {

template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
};

template <class T>
struct adl_serializer<vigil::config::HeapOptional<T>> {
  static void to_json(json& j, const vigil::config::HeapOptional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
};

template <>
struct adl_serializer<vigil::config::Micros> {
  static void to_json(json& j, const vigil::config::Micros& v) {
    const auto us = v.count();
    if (us % 1'000'000 == 0) {
      j = us / 1'000'000;
    } else {
      j = static_cast<double>(us) / 1e6;
    }
  }
};

}  // namespace nlohmann

namespace vigil::config {

inline void to_json(nlohmann::json& j, const IpAddress& a) {
  j = a.str();
}
inline void to_json(nlohmann::json& j, const Prefix& p) {
  j = p.str();
}
inline void to_json(nlohmann::json& j, const Script& s) {
  j = nlohmann::json{{"cmd", s.cmd}};
  if (!s.user.empty()) {
    j["user"] = s.user;
  }
  if (!s.group.empty()) {
    j["group"] = s.group;
  }
}
void to_json(nlohmann::json& j, const IpAddressSpec& a);
void to_json(nlohmann::json& j, const RouteSpec& r);
void to_json(nlohmann::json& j, const RuleSpec& r);

namespace detail {

/// Named blocks (vrrp_instance VI_1 { ... }) dump as an object keyed by name.
template <class T>
nlohmann::json by_name(const std::vector<T>& items) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& i : items) {
    j[i.name] = i;
  }
  return j;
}

nlohmann::json dump_global(const GlobalConfig& g);
nlohmann::json dump_vrrp(const VrrpConfig& v);
nlohmann::json dump_bfd(const BfdConfig& b);
nlohmann::json dump_lvs(const LvsConfig& l);
}  // namespace detail

}  // namespace vigil::config
