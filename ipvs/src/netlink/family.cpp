// SPDX-License-Identifier: GPL-2.0-or-later
// Address-family conversions between the model and the kernel's AF_* values,
// and the error for a malformed reply.
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "internal.hpp"

namespace vigil::ipvs::netlink {

std::uint16_t to_af(Family f) {
  switch (f) {
    case Family::Inet:
      return AF_INET;
    case Family::Inet6:
      return AF_INET6;
    case Family::None:
      break;
  }
  return 0;
}

std::optional<Family> from_af(std::uint16_t af) {
  if (af == AF_INET) {
    return Family::Inet;
  }
  if (af == AF_INET6) {
    return Family::Inet6;
  }
  return std::nullopt;
}

Error bad_reply(std::string_view what, std::string_view detail) {
  return Error{"parse", std::string(what), EBADMSG, std::string(detail)};
}

}  // namespace vigil::ipvs::netlink
