// SPDX-License-Identifier: GPL-2.0-or-later
// diff(): a merge of two ordered tables into add/edit/delete ops.
#include "vigil/ipvs/diff.hpp"

namespace vigil::ipvs {

bool same_service(const ServiceSpec& a, const ServiceSpec& b) {
  const std::uint32_t fa = a.flags & kSvcUserFlags;
  const std::uint32_t fb = b.flags & kSvcUserFlags;
  if (a.sched_name != b.sched_name || fa != fb || a.pe_name != b.pe_name) {
    return false;
  }
  if ((fa & kSvcPersistent) != 0) {
    return a.timeout == b.timeout && a.netmask == b.netmask;
  }
  return true;
}

bool same_dest(const DestSpec& a, const DestSpec& b) {
  if (a.fwd != b.fwd || a.weight != b.weight || a.u_threshold != b.u_threshold ||
      a.l_threshold != b.l_threshold) {
    return false;
  }
  if (a.fwd != Fwd::Tunnel) {
    return true;
  }
  if (a.tun_type != b.tun_type) {
    return false;
  }
  if (a.tun_type == TunType::Gue && a.tun_port != b.tun_port) {
    return false;
  }
  return a.tun_type == TunType::Ipip || a.tun_flags == b.tun_flags;
}

std::vector<Op> diff(const Table& current, const Table& desired) {
  std::vector<Op> services;
  std::vector<Op> dests;
  std::vector<Op> del_dests;
  std::vector<Op> del_services;

  for (const auto& [key, want] : desired.services) {
    auto it = current.services.find(key);
    if (it == current.services.end()) {
      services.emplace_back(AddService{key, want.spec});
      for (const auto& [dkey, d] : want.dests) {
        dests.emplace_back(AddDest{key, dkey, d.spec});
      }
      continue;
    }
    const Service& have = it->second;
    if (!same_service(have.spec, want.spec)) {
      services.emplace_back(EditService{key, want.spec});
    }
    for (const auto& [dkey, d] : want.dests) {
      auto dit = have.dests.find(dkey);
      if (dit == have.dests.end()) {
        dests.emplace_back(AddDest{key, dkey, d.spec});
      } else if (!same_dest(dit->second.spec, d.spec)) {
        dests.emplace_back(EditDest{key, dkey, d.spec});
      }
    }
    for (const auto& [dkey, d] : have.dests) {
      if (want.dests.count(dkey) == 0) {
        del_dests.emplace_back(DelDest{key, dkey});
      }
    }
  }
  for (const auto& [key, have] : current.services) {
    if (desired.services.count(key) == 0) {
      del_services.emplace_back(DelService{key});
    }
  }

  std::vector<Op> out;
  out.reserve(services.size() + dests.size() + del_dests.size() + del_services.size());
  for (auto* part : {&services, &dests, &del_dests, &del_services}) {
    for (auto& op : *part) {
      out.push_back(std::move(op));
    }
  }
  return out;
}

}  // namespace vigil::ipvs
