// SPDX-License-Identifier: GPL-2.0-or-later
// Gratuitous ARP (IPv4) and unsolicited Neighbour Advertisement (IPv6) for a VIP,
// sent by a new master so that neighbours and switches learn where the address
// now lives (RFC 5798 §6.4.1/§6.4.2; RFC 4861 §7.2.6). One short-lived socket per
// call: the rate is a few packets per transition.
#pragma once

#include <optional>
#include <string>

#include "vigil/config/types.hpp"
#include "vigil/vrrp/io/error.hpp"

namespace vigil::vrrp::io {

/// Broadcasts an ARP request on `ifname` (AF_PACKET) with sender = target = `vip` and the
/// interface's MAC as sender hardware address, to ff:ff:ff:ff:ff:ff. `vip` must be IPv4.
std::optional<Error> send_garp(const std::string& ifname, const config::IpAddress& vip);

/// Sends an unsolicited Neighbour Advertisement for `vip` on `ifname` to ff02::1, hop limit
/// 255, Override flag set (Router flag when `router`), with the interface's MAC in a Target
/// Link-Layer Address option. The kernel picks the source address and computes the ICMPv6
/// checksum. `vip` must be IPv6.
std::optional<Error> send_na(const std::string& ifname, const config::IpAddress& vip,
                             bool router = false);

}  // namespace vigil::vrrp::io
