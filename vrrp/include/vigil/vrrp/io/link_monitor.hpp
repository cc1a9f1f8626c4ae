// SPDX-License-Identifier: GPL-2.0-or-later
// LinkMonitor: follows interface state through an rtnetlink socket on the Asio
// loop (RTNLGRP_LINK, plus the IPv4 / IPv6 ifaddr groups so the driver can
// refresh advert source addresses). Initial state comes from a link dump; the
// socket is non-blocking and drained on readiness.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/vrrp/io/error.hpp"

namespace vigil::vrrp::io {

class LinkMonitor {
 public:
  /// Called when an interface's up state (IFF_UP && IFF_RUNNING) changes, or it disappears
  /// (up = false). Not called for the initial dump.
  using LinkHandler = std::function<void(const std::string& ifname, bool up)>;
  /// Called when an address is added to or removed from an interface.
  using AddressHandler = std::function<void(const std::string& ifname)>;

  /// Opens the socket, subscribes and dumps the current links. Errors name the failing call.
  static Result<std::unique_ptr<LinkMonitor>> open(boost::asio::io_context& io);

  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;
  LinkMonitor(LinkMonitor&&) = delete;
  LinkMonitor& operator=(LinkMonitor&&) = delete;

  /// Starts watching; either handler may be empty. Never throws; errors are logged and the
  /// monitor re-dumps the links after a receive overrun (ENOBUFS).
  void start(LinkHandler on_link, AddressHandler on_address_change);
  /// Stops and closes the socket. Idempotent.
  void close();

  /// Whether `ifname` exists and is IFF_UP && IFF_RUNNING (as last seen).
  [[nodiscard]] bool is_up(const std::string& ifname) const;
  /// Whether `ifname` exists (as last seen).
  [[nodiscard]] bool exists(const std::string& ifname) const;

 private:
  struct Link {
    std::string name;
    bool up = false;
  };
  LinkMonitor(boost::asio::io_context& io, int fd);
  std::optional<Error> dump();
  void arm();
  void drain();
  void handle(const std::uint8_t* data, std::size_t len, bool notify);

  boost::asio::posix::stream_descriptor sd_;
  std::map<int, Link> links_;  ///< by ifindex
  LinkHandler on_link_;
  AddressHandler on_address_;
  std::vector<std::uint8_t> buf_;
  std::shared_ptr<bool> alive_;
  std::uint32_t seq_ = 1;
};

}  // namespace vigil::vrrp::io
