// SPDX-License-Identifier: GPL-2.0-or-later
// Gratuitous ARP over an AF_PACKET datagram socket (man 7 packet; RFC 826 frame
// layout, RFC 5227 §3 announcement form) and unsolicited Neighbour Advertisement
// over an ICMPv6 raw socket (RFC 4861 §4.4, §7.2.6), for a new master's VIPs.
#include "vigil/vrrp/io/gratuitous.hpp"

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

namespace vigil::vrrp::io {
namespace {

/// The interface's 6-byte hardware address, through SIOCGIFHWADDR on `fd`.
Result<std::array<std::uint8_t, 6>> hw_address(int fd, const std::string& ifname) {
  ifreq ifr{};
  if (ifname.size() >= sizeof(ifr.ifr_name)) {
    return Error{"SIOCGIFHWADDR", ifname, ENAMETOOLONG, {}};
  }
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  if (::ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
    return Error{"SIOCGIFHWADDR", ifname, errno, {}};
  }
  std::array<std::uint8_t, 6> mac{};
  std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8U);
  p[1] = static_cast<std::uint8_t>(v & 0xffU);
}

}  // namespace

GratuitousSender::~GratuitousSender() {
  for (const int fd : {packet_fd_, icmp6_fd_}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

std::optional<Error> GratuitousSender::send_garp(const std::string& ifname,
                                                 const config::IpAddress& vip) {
  const std::string object = vip.str() + " on " + ifname;
  if (!vip.is_v4()) {
    return Error{"gratuitous ARP", object, EAFNOSUPPORT, "not an IPv4 address"};
  }
  const unsigned int ifindex = ::if_nametoindex(ifname.c_str());
  if (ifindex == 0) {
    return Error{"if_nametoindex", ifname, errno, {}};
  }
  // One send-only packet socket (protocol 0: it hooks no received frame), kept open:
  // closing a packet socket waits for an RCU grace period (synchronize_net, several ms of
  // wall time), which stalled the loop when every GARP had its own socket.
  if (packet_fd_ < 0) {
    packet_fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (packet_fd_ < 0) {
      return Error{"socket AF_PACKET", object, errno, {}};
    }
  }
  const int fd = packet_fd_;
  auto mac = hw_address(fd, ifname);
  if (!mac) {
    return mac.error();
  }
  // ARP request (RFC 826), Ethernet / IPv4:
  //  0 htype(2)=1  2 ptype(2)=0x0800  4 hlen=6  5 plen=4  6 oper(2)=1 (request)
  //  8 sha(6)  14 spa(4)  18 tha(6)=0  24 tpa(4)          (28 bytes)
  // RFC 5227 §3: an announcement has spa = tpa = the address being claimed.
  std::array<std::uint8_t, 28> arp{};
  put16(&arp[0], ARPHRD_ETHER);
  put16(&arp[2], ETH_P_IP);
  arp[4] = 6;
  arp[5] = 4;
  put16(&arp[6], ARPOP_REQUEST);
  std::memcpy(&arp[8], mac.value().data(), 6);
  std::memcpy(&arp[14], vip.bytes.data(), 4);
  std::memcpy(&arp[24], vip.bytes.data(), 4);

  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_ifindex = static_cast<int>(ifindex);
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  if (::sendto(fd, arp.data(), arp.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) <
      0) {
    return Error{"sendto gratuitous ARP", object, errno, {}};
  }
  return std::nullopt;
}

std::optional<Error> GratuitousSender::send_na(const std::string& ifname,
                                               const config::IpAddress& vip, bool router) {
  const std::string object = vip.str() + " on " + ifname;
  if (!vip.is_v6()) {
    return Error{"unsolicited NA", object, EAFNOSUPPORT, "not an IPv6 address"};
  }
  const unsigned int ifindex = ::if_nametoindex(ifname.c_str());
  if (ifindex == 0) {
    return Error{"if_nametoindex", ifname, errno, {}};
  }
  if (icmp6_fd_ < 0) {
    const int s6 = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (s6 < 0) {
      return Error{"socket ICMPv6", object, errno, {}};
    }
    // Receive nothing: this socket only sends.
    icmp6_filter filter{};
    ICMP6_FILTER_SETBLOCKALL(&filter);
    // RFC 4861 §7.1.2: a receiver drops an NA whose hop limit is not 255.
    const int hops = 255;
    if (::setsockopt(s6, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) != 0 ||
        ::setsockopt(s6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) != 0) {
      const int err = errno;
      ::close(s6);
      return Error{"setsockopt ICMP6_FILTER / IPV6_MULTICAST_HOPS", object, err, {}};
    }
    icmp6_fd_ = s6;
  }
  const int fd = icmp6_fd_;
  auto mac = hw_address(fd, ifname);
  if (!mac) {
    return mac.error();
  }
  const int oif = static_cast<int>(ifindex);
  if (::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &oif, sizeof(oif)) != 0) {
    return Error{"setsockopt IPV6_MULTICAST_IF", object, errno, {}};
  }
  // Neighbour Advertisement (RFC 4861 §4.4) with a Target Link-Layer Address option (§4.6.1):
  //  0 type=136  1 code=0  2 checksum(2) (the kernel fills it for ICMPv6 raw sockets)
  //  4 R|S|O flags + 29 reserved bits   8 target address(16)
  // 24 option type=2  25 length=1 (units of 8 bytes)  26 link-layer address(6)   (32 bytes)
  // §7.2.6: unsolicited, so S is clear; O is set so that caches take the new address.
  std::array<std::uint8_t, 32> na{};
  na[0] = ND_NEIGHBOR_ADVERT;
  na[4] = static_cast<std::uint8_t>(0x20U | (router ? 0x80U : 0U));
  std::memcpy(&na[8], vip.bytes.data(), 16);
  na[24] = ND_OPT_TARGET_LINKADDR;
  na[25] = 1;
  std::memcpy(&na[26], mac.value().data(), 6);

  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_scope_id = ifindex;
  to.sin6_addr.s6_addr[0] = 0xff;  // ff02::1, all nodes
  to.sin6_addr.s6_addr[1] = 0x02;
  to.sin6_addr.s6_addr[15] = 0x01;
  if (::sendto(fd, na.data(), na.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) <
      0) {
    return Error{"sendto unsolicited NA", object, errno, {}};
  }
  return std::nullopt;
}

std::optional<Error> send_garp(const std::string& ifname, const config::IpAddress& vip) {
  GratuitousSender sender;
  return sender.send_garp(ifname, vip);
}

std::optional<Error> send_na(const std::string& ifname, const config::IpAddress& vip, bool router) {
  GratuitousSender sender;
  return sender.send_na(ifname, vip, router);
}

}  // namespace vigil::vrrp::io
