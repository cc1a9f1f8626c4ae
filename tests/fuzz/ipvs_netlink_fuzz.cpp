// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the IPVS netlink reply parsers. Whatever the kernel (or a
// corrupted buffer) sends, they return a value or an Error, never crash.
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/ipvs/netlink_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::span<const std::uint8_t> attrs(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)vigil::ipvs::netlink::parse_service(attrs);
      break;
    case 1:
      (void)vigil::ipvs::netlink::parse_dest(attrs, vigil::config::Family::Inet);
      break;
    case 2:
      (void)vigil::ipvs::netlink::parse_dest(attrs, vigil::config::Family::Inet6);
      break;
    default:
      (void)vigil::ipvs::netlink::parse_daemon(attrs);
      break;
  }
  return 0;
}
