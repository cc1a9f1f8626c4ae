// SPDX-License-Identifier: GPL-2.0-or-later
// Gratuitous ARP (IPv4) and unsolicited Neighbour Advertisement (IPv6) for a VIP,
// sent by a new master so that neighbours and switches learn where the address
// now lives (RFC 5798 §6.4.1/§6.4.2; RFC 4861 §7.2.6). A GratuitousSender keeps its
// two sockets open: a new master of many VIPs sends hundreds in a burst, and closing
// a packet socket costs an RCU grace period.
#pragma once

#include <optional>
#include <string>

#include "vigil/config/types.hpp"
#include "vigil/vrrp/io/error.hpp"

namespace vigil::vrrp::io {

/// Sends gratuitous ARP and unsolicited NA through one AF_PACKET and one ICMPv6 socket,
/// opened on first use and closed with the sender.
class GratuitousSender {
 public:
  GratuitousSender() = default;
  ~GratuitousSender();
  GratuitousSender(const GratuitousSender&) = delete;
  GratuitousSender& operator=(const GratuitousSender&) = delete;
  GratuitousSender(GratuitousSender&&) = delete;
  GratuitousSender& operator=(GratuitousSender&&) = delete;

  /// See the free function send_garp().
  std::optional<Error> send_garp(const std::string& ifname, const config::IpAddress& vip);
  /// See the free function send_na().
  std::optional<Error> send_na(const std::string& ifname, const config::IpAddress& vip,
                               bool router = false);

 private:
  int packet_fd_ = -1;
  int icmp6_fd_ = -1;
};

/// Broadcasts an ARP request on `ifname` (AF_PACKET) with sender = target = `vip` and the
/// interface's MAC as sender hardware address, to ff:ff:ff:ff:ff:ff. `vip` must be IPv4.
/// One-shot: opens and closes its own socket (a GratuitousSender keeps one).
std::optional<Error> send_garp(const std::string& ifname, const config::IpAddress& vip);

/// Sends an unsolicited Neighbour Advertisement for `vip` on `ifname` to ff02::1, hop limit
/// 255, Override flag set (Router flag when `router`), with the interface's MAC in a Target
/// Link-Layer Address option. The kernel picks the source address and computes the ICMPv6
/// checksum. `vip` must be IPv6.
std::optional<Error> send_na(const std::string& ifname, const config::IpAddress& vip,
                             bool router = false);

}  // namespace vigil::vrrp::io
