// SPDX-License-Identifier: GPL-2.0-or-later
// AddressManager: the only owner of VIPs, virtual_routes and virtual_rules in the
// kernel (DESIGN.md §3), and the driver's source of interface facts (index, MAC,
// primary address). The interface lets the driver be tested with a fake; the
// rtnetlink implementation (libnl-route-3, its own socket, synchronous and
// bounded calls) is NetlinkAddressManager.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/model_net.hpp"
#include "vigil/config/types.hpp"
#include "vigil/vrrp/io/error.hpp"

namespace vigil::vrrp::io {

class AddressManager {
 public:
  AddressManager() = default;
  virtual ~AddressManager() = default;
  AddressManager(const AddressManager&) = delete;
  AddressManager& operator=(const AddressManager&) = delete;
  AddressManager(AddressManager&&) = delete;
  AddressManager& operator=(AddressManager&&) = delete;

  /// Adds each address (`ip addr add` semantics) on its `dev`, or on `default_dev` when the
  /// spec has none. Honours the prefix length (default /32 or /128), label, scope, brd
  /// (address, `+`, `-`), peer, preferred_lft and the home / nodad / mngtmpaddr /
  /// noprefixroute flags. An address already present (EEXIST) counts as added. Returns one
  /// Error per address that failed; the others are still applied.
  virtual std::vector<Error> add_addresses(const std::vector<config::IpAddressSpec>& specs,
                                           const std::string& default_dev) = 0;
  /// Deletes each address; one that is not there (EADDRNOTAVAIL) counts as deleted.
  virtual std::vector<Error> del_addresses(const std::vector<config::IpAddressSpec>& specs,
                                           const std::string& default_dev) = 0;

  /// virtual_routes: to, via, dev, src, table, metric, scope, type, protocol (and tos,
  /// onlink, IPv6 from, mtu, advmss). A route that uses any other option is not touched: its Error
  /// names the unsupported option. Add: EEXIST is success. Del: ESRCH / ENOENT are success.
  virtual std::vector<Error> add_routes(const std::vector<config::RouteSpec>& routes) = 0;
  virtual std::vector<Error> del_routes(const std::vector<config::RouteSpec>& routes) = 0;

  /// virtual_rules: from, to, table, preference, fwmark/fwmask, iif, oif, tos, not, protocol,
  /// ipproto, sport, dport, and the actions table / goto / nop / blackhole / prohibit /
  /// unreachable. Other options give an Error naming them. Add: EEXIST is success. Del: ENOENT is
  /// success.
  virtual std::vector<Error> add_rules(const std::vector<config::RuleSpec>& rules) = 0;
  virtual std::vector<Error> del_rules(const std::vector<config::RuleSpec>& rules) = 0;

  /// The source address for adverts on `ifname`. IPv4: the first primary (not secondary)
  /// address that is not one of the VIPs this manager added. IPv6: the link-local address.
  virtual std::optional<config::IpAddress> primary_address(const std::string& ifname,
                                                           config::Family family) = 0;
  /// Whether `addr` is currently assigned on `ifname`.
  virtual bool has_address(const std::string& ifname, const config::IpAddress& addr) = 0;
  /// The interface index, 0 when there is no such interface.
  virtual int ifindex(const std::string& ifname) = 0;
  /// The interface's Ethernet address, nullopt when it has none of 6 bytes.
  virtual std::optional<std::array<std::uint8_t, 6>> mac(const std::string& ifname) = 0;
};

/// The rtnetlink implementation. Every call sends one request and waits for its ACK with a
/// bounded receive timeout; calls taking over 50 ms are logged (DESIGN.md §5).
class NetlinkAddressManager final : public AddressManager {
 public:
  /// Opens and connects a NETLINK_ROUTE socket. Needs CAP_NET_ADMIN for changes.
  static Result<std::unique_ptr<NetlinkAddressManager>> open();
  ~NetlinkAddressManager() override;
  NetlinkAddressManager(const NetlinkAddressManager&) = delete;
  NetlinkAddressManager& operator=(const NetlinkAddressManager&) = delete;
  NetlinkAddressManager(NetlinkAddressManager&&) = delete;
  NetlinkAddressManager& operator=(NetlinkAddressManager&&) = delete;

  std::vector<Error> add_addresses(const std::vector<config::IpAddressSpec>& specs,
                                   const std::string& default_dev) override;
  std::vector<Error> del_addresses(const std::vector<config::IpAddressSpec>& specs,
                                   const std::string& default_dev) override;
  std::vector<Error> add_routes(const std::vector<config::RouteSpec>& routes) override;
  std::vector<Error> del_routes(const std::vector<config::RouteSpec>& routes) override;
  std::vector<Error> add_rules(const std::vector<config::RuleSpec>& rules) override;
  std::vector<Error> del_rules(const std::vector<config::RuleSpec>& rules) override;
  std::optional<config::IpAddress> primary_address(const std::string& ifname,
                                                   config::Family family) override;
  bool has_address(const std::string& ifname, const config::IpAddress& addr) override;
  int ifindex(const std::string& ifname) override;
  std::optional<std::array<std::uint8_t, 6>> mac(const std::string& ifname) override;

  struct Impl;

 private:
  explicit NetlinkAddressManager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::vrrp::io
