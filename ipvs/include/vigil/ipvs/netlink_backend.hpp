// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel backend: IPVS over generic netlink (family "IPVS", libnl-genl-3).
// Each NetlinkBackend owns its own netlink socket (no global state). Every op
// is one request with its own sequence number and its own ACK, so errors are
// attributed to the op that caused them even when requests are pipelined.
// libnl types stay out of this header; the wire encoding and the reply parsers
// are exposed as byte-level functions for golden and robustness tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "vigil/ipvs/backend.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

/// Tuning for a NetlinkBackend; the defaults suit a director with thousands of services.
struct NetlinkOptions {
  /// Run `/sbin/modprobe ip_vs` once when the family "IPVS" is missing, then retry.
  bool load_module = true;
  /// The most requests written in one sendmsg() before their ACKs are read. Lowered at open()
  /// so that the ACKs of one batch always fit the receive buffer actually granted.
  std::size_t max_batch = 512;
  /// Socket receive and send buffer sizes asked for, in bytes (SO_RCVBUFFORCE when permitted,
  /// else SO_RCVBUF, which the kernel caps at net.core.rmem_max).
  int socket_buffer_bytes = 4 << 20;
  /// How long to wait for each reply datagram before giving up with ETIMEDOUT.
  std::chrono::milliseconds reply_timeout{10000};
};

/// IPVS over generic netlink. Not thread-safe; one owner (the reconciler) at a time.
class NetlinkBackend final : public Backend {
 public:
  /// Opens a generic-netlink socket and resolves the family "IPVS" (loading ip_vs if needed).
  static Result<std::unique_ptr<NetlinkBackend>> open(const NetlinkOptions& options = {});

  ~NetlinkBackend() override;
  NetlinkBackend(const NetlinkBackend&) = delete;
  NetlinkBackend& operator=(const NetlinkBackend&) = delete;
  NetlinkBackend(NetlinkBackend&&) = delete;
  NetlinkBackend& operator=(NetlinkBackend&&) = delete;

  /// IPVS_CMD_GET_SERVICE dump, then one IPVS_CMD_GET_DEST dump per service.
  Result<Table> dump() override;
  /// One IPVS_CMD_GET_DEST dump per service asked for (the kernel answers an
  /// unknown service with an empty dump).
  Result<Table> dests_of(std::span<const ServiceKey> keys) override;
  /// One request, one ACK.
  std::optional<Error> apply(const Op& op) override;
  /// Pipelined: up to max_batch requests per sendmsg(), each with its own ACK. The kernel runs
  /// them in order and a failed op does not stop the ones after it. Element i is op i's outcome.
  std::vector<std::optional<Error>> apply_all(std::span<const Op> ops) override;
  /// IPVS_CMD_GET_INFO.
  Result<Info> info() override;
  /// IPVS_CMD_GET_CONFIG (seconds).
  Result<Timeouts> timeouts() override;
  /// IPVS_CMD_GET_DAEMON dump, with the values the kernel filled in (group, port, ttl, maxlen).
  Result<std::vector<SyncDaemon>> daemons() override;
  /// IPVS requests sent so far: one per op, one per dump (the family lookup is not counted).
  [[nodiscard]] std::uint64_t requests_sent() const override;

  /// The resolved generic-netlink family id of "IPVS".
  [[nodiscard]] std::uint16_t family_id() const;
  /// The batch size in use (max_batch, lowered to what the receive buffer holds).
  [[nodiscard]] std::size_t batch_size() const;

 private:
  struct Impl;
  explicit NetlinkBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// NetlinkBackend::open() behind the Backend interface.
Result<std::unique_ptr<Backend>> open_netlink_backend(const NetlinkOptions& options = {});

namespace netlink {

/// The request message for op: nlmsghdr (NLM_F_REQUEST | NLM_F_ACK, the given seq, port 0),
/// genlmsghdr (IPVS_GENL_VERSION) and attributes. An Error only for ops that cannot be
/// encoded (an address whose family is unset or does not fit).
Result<std::vector<std::uint8_t>> encode(const Op& op, std::uint16_t family_id,
                                         std::uint32_t seq = 0);

/// Parsers for the attribute stream inside one reply nest (the payload of
/// IPVS_CMD_ATTR_SERVICE / _DEST / _DAEMON). Missing required or short attributes give an
/// Error (op "parse", err EBADMSG); unknown attributes are ignored. Never crash on any input.
Result<Service> parse_service(std::span<const std::uint8_t> attrs);
/// svc_af is used when the kernel omits IPVS_DEST_ATTR_ADDR_FAMILY (kernels before 3.18).
Result<Dest> parse_dest(std::span<const std::uint8_t> attrs, Family svc_af);
Result<SyncDaemon> parse_daemon(std::span<const std::uint8_t> attrs);

}  // namespace netlink

}  // namespace vigil::ipvs
