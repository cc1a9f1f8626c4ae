// SPDX-License-Identifier: GPL-2.0-or-later
// Small builders for IPVS tables in tests: addresses, keys, services, dests.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "vigil/config/load.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::test {

inline ipvs::IpAddress ip(const std::string& s) {
  auto a = ipvs::IpAddress::parse(s);
  REQUIRE(a.has_value());
  return *a;
}

inline ipvs::ServiceKey tcp(const std::string& addr, std::uint16_t port) {
  const auto a = ip(addr);
  return {a.family, ipvs::kProtoTcp, a, port, 0};
}

inline ipvs::ServiceKey udp(const std::string& addr, std::uint16_t port) {
  const auto a = ip(addr);
  return {a.family, ipvs::kProtoUdp, a, port, 0};
}

inline ipvs::ServiceKey sctp(const std::string& addr, std::uint16_t port) {
  const auto a = ip(addr);
  return {a.family, ipvs::kProtoSctp, a, port, 0};
}

inline ipvs::ServiceKey fwm(std::uint32_t mark, bool v6 = false) {
  return {v6 ? ipvs::Family::Inet6 : ipvs::Family::Inet, 0, ipvs::IpAddress{}, 0, mark};
}

inline ipvs::DestKey dk(const std::string& addr, std::uint16_t port) {
  return {ip(addr), port};
}

/// A service spec: scheduler, flags, persistence timeout, netmask.
inline ipvs::ServiceSpec spec(std::string sched, std::uint32_t flags = 0, std::uint32_t timeout = 0,
                              std::uint32_t netmask = 0xffffffff) {
  ipvs::ServiceSpec s;
  s.sched_name = std::move(sched);
  s.flags = flags;
  s.timeout = timeout;
  s.netmask = netmask;
  return s;
}

inline ipvs::Service& add_service(ipvs::Table& t, const ipvs::ServiceKey& k,
                                  const ipvs::ServiceSpec& s) {
  auto& svc = t.services[k];
  svc.key = k;
  svc.spec = s;
  if (k.af == ipvs::Family::Inet6 && s.netmask == 0xffffffff) {
    svc.spec.netmask = 128;
  }
  return svc;
}

inline ipvs::DestSpec dspec(ipvs::Fwd fwd, std::uint32_t weight = 1) {
  ipvs::DestSpec d;
  d.fwd = fwd;
  d.weight = weight;
  return d;
}

inline ipvs::Dest& add_dest(ipvs::Service& s, const ipvs::DestKey& k, const ipvs::DestSpec& d) {
  auto& dest = s.dests[k];
  dest.key = k;
  dest.spec = d;
  return dest;
}

/// Loads a configuration that must have no errors.
inline config::Model load(const std::string& text) {
  auto r = config::load_string(text, "t.conf", {});
  for (const auto& d : r.diags.all()) {
    if (d.severity == config::Severity::Error || d.severity == config::Severity::Fatal) {
      FAIL(config::format(d));
    }
  }
  return std::move(r.model);
}

}  // namespace vigil::test
