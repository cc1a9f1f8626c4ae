// SPDX-License-Identifier: GPL-2.0-or-later
// VrrpSocket: the raw IP socket one VRRP instance (or a group of instances on the
// same interface and family) sends and receives advertisements on. A thin adapter
// on the Asio loop: it opens and configures the socket (bind to device, multicast
// group, TTL / hop limit 255, no loopback), sends with a chosen source address,
// and hands every received datagram to a callback. Decoding is the caller's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vigil/config/types.hpp"
#include "vigil/vrrp/io/error.hpp"

namespace vigil::vrrp::io {

/// IANA protocol numbers the socket can be opened for.
inline constexpr int kProtoVrrp = 112;
inline constexpr int kProtoAh = 51;

/// One received datagram. Valid only during the on_packet call.
///
/// IPv4: `bytes` is the whole IP packet (header included: the TTL is byte 8, the protocol
/// byte 9; `src`/`dst` are copied from the header). IPv6: `bytes` is the payload after the IPv6
/// header (the kernel strips it); `hop_limit` and `dst` come from IPV6_HOPLIMIT / IPV6_PKTINFO.
struct RawPacket {
  std::span<const std::uint8_t> bytes;
  config::IpAddress src;
  config::IpAddress dst;
  int hop_limit = -1;  ///< IPv6 only; for IPv4 read the TTL in the header
  int ifindex = 0;     ///< receiving interface (0 when the kernel did not say)
};

class VrrpSocket {
 public:
  struct Options {
    config::Family family = config::Family::Inet;
    /// Interface to bind to (SO_BINDTODEVICE) and join the group on. May be empty for a
    /// unicast-only socket, which then neither binds nor joins.
    std::string ifname;
    /// kProtoVrrp, or kProtoAh (IPv4 only; the socket then sends with IP_HDRINCL).
    int protocol = kProtoVrrp;
    /// Multicast group to join; default 224.0.0.18 / ff02::12. Not joined without ifname.
    std::optional<config::IpAddress> mcast_group;
    /// keepalived `unicast_ttl`: TTL / hop limit of unicast sends (default 255).
    std::optional<int> unicast_ttl;
    /// SO_RCVBUF in bytes (default: the kernel's).
    std::optional<int> rcvbuf;
  };

  using PacketHandler = std::function<void(const RawPacket&)>;

  /// Opens and configures the socket. Errors name the failing setsockopt and the interface.
  /// Needs CAP_NET_RAW. The socket does not read until start().
  static Result<std::unique_ptr<VrrpSocket>> open(boost::asio::io_context& io,
                                                  const Options& options);

  ~VrrpSocket();
  VrrpSocket(const VrrpSocket&) = delete;
  VrrpSocket& operator=(const VrrpSocket&) = delete;
  VrrpSocket(VrrpSocket&&) = delete;
  VrrpSocket& operator=(VrrpSocket&&) = delete;

  /// Sends a VRRP payload (the kernel builds the IP header) from `src` to `dst`. `src` selects
  /// the source address through IP_PKTINFO ipi_spec_dst / IPV6_PKTINFO ipi6_addr; it must be
  /// assigned on this host (or be a VIP we hold). A multicast `dst` leaves through the bound
  /// interface with TTL 255; a unicast `dst` uses unicast_ttl. Not for AH sockets.
  std::optional<Error> send(std::span<const std::uint8_t> vrrp, const config::IpAddress& src,
                            const config::IpAddress& dst);

  /// Sends a complete IPv4 packet (header included, as built by the caller) on an AH socket
  /// (IP_HDRINCL). The kernel fills in the total length and, if zero, the id and checksum.
  std::optional<Error> send_ipv4_packet(std::span<const std::uint8_t> ip_packet,
                                        const config::IpAddress& dst);

  /// Starts the receive loop: on every readiness, drains the socket with non-blocking recvmsg
  /// and calls on_packet for each datagram. Receive errors are logged (rate-limited by
  /// transition) and the loop continues; never throws. Calling it again replaces the handler.
  void start(PacketHandler on_packet);

  /// Stops the loop and closes the socket; no callback runs afterwards. Idempotent.
  void close();

  [[nodiscard]] const Options& options() const { return options_; }
  /// Index of the bound interface, 0 when unbound.
  [[nodiscard]] int ifindex() const { return ifindex_; }
  [[nodiscard]] int native_handle();

 private:
  VrrpSocket(boost::asio::io_context& io, Options options, int ifindex);
  void arm();
  void drain();

  boost::asio::posix::stream_descriptor sd_;
  Options options_;
  int ifindex_ = 0;
  PacketHandler on_packet_;
  std::vector<std::uint8_t> buf_;
  std::vector<std::uint8_t> cbuf_;
  bool armed_ = false;
  int last_errno_ = 0;
  std::shared_ptr<bool> alive_;
};

}  // namespace vigil::vrrp::io
