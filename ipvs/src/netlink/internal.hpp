// SPDX-License-Identifier: GPL-2.0-or-later
// Private to vigil_ipvs_netlink: op names and object descriptions for errors
// (stand-ins until format.hpp's describe()/op_name() land in vigil_ipvs_core),
// and small typed wrappers over libnl's attribute API so that the rest of the
// backend never touches raw nlattr pointers or libnl macros.
#pragma once

#include <arpa/inet.h>
#include <netlink/attr.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/ipvs/backend.hpp"
#include "vigil/ipvs/format.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs::netlink {

// Op names and object descriptions in errors come from format.hpp
// (ipvs::op_name, ipvs::describe), as everywhere else.

/// AF_INET / AF_INET6 for a family; 0 for Family::None.
std::uint16_t to_af(Family f);
/// The Family for AF_INET / AF_INET6, nullopt otherwise.
std::optional<Family> from_af(std::uint16_t af);

// ---------------------------------------------------------------------------
// Attribute parsing: nla_parse() with a policy, then typed getters.

/// A parsed attribute stream with up to kMax attribute types.
template <int kMax>
class Attrs {
 public:
  using Policy = std::array<nla_policy, static_cast<std::size_t>(kMax) + 1>;

  /// Parses `data` (a stream of nlattr, 4-byte aligned) against the policy; nullopt when an
  /// attribute fails its policy (too short, too long, unterminated string).
  static std::optional<Attrs> parse(std::span<const std::uint8_t> data, const Policy& policy);

  [[nodiscard]] bool has(int type) const { return at(type) != nullptr; }
  [[nodiscard]] std::uint8_t u8(int type) const { return nla_get_u8(at(type)); }
  [[nodiscard]] std::uint16_t u16(int type) const { return nla_get_u16(at(type)); }
  [[nodiscard]] std::uint32_t u32(int type) const { return nla_get_u32(at(type)); }
  [[nodiscard]] std::uint64_t u64(int type) const { return nla_get_u64(at(type)); }
  /// A __be16 attribute in host order.
  [[nodiscard]] std::uint16_t be16(int type) const;
  /// A __be32 attribute in host order.
  [[nodiscard]] std::uint32_t be32(int type) const;
  /// A NUL-terminated string attribute (the policy guarantees the terminator).
  [[nodiscard]] std::string str(int type) const;
  /// The payload bytes.
  [[nodiscard]] std::span<const std::uint8_t> bytes(int type) const;

 private:
  [[nodiscard]] nlattr* at(int type) const {
    return type >= 0 && type <= kMax ? tb_[static_cast<std::size_t>(type)] : nullptr;
  }
  std::array<nlattr*, static_cast<std::size_t>(kMax) + 1> tb_{};
};

template <int kMax>
std::optional<Attrs<kMax>> Attrs<kMax>::parse(std::span<const std::uint8_t> data,
                                              const Policy& policy) {
  Attrs a;
  if (data.size() > 0x7fffffff) {
    return std::nullopt;
  }
  // libnl takes non-const pointers but only reads the stream here.
  auto* head = reinterpret_cast<nlattr*>(const_cast<std::uint8_t*>(data.data()));
  if (nla_parse(a.tb_.data(), kMax, head, static_cast<int>(data.size()), policy.data()) < 0) {
    return std::nullopt;
  }
  return a;
}

template <int kMax>
std::uint16_t Attrs<kMax>::be16(int type) const {
  return ntohs(u16(type));
}

template <int kMax>
std::uint32_t Attrs<kMax>::be32(int type) const {
  return ntohl(u32(type));
}

template <int kMax>
std::string Attrs<kMax>::str(int type) const {
  // NLA_STRING in the policy guarantees a NUL within the payload.
  return std::string(nla_get_string(at(type)));
}

template <int kMax>
std::span<const std::uint8_t> Attrs<kMax>::bytes(int type) const {
  nlattr* a = at(type);
  return {static_cast<const std::uint8_t*>(nla_data(a)), static_cast<std::size_t>(nla_len(a))};
}

/// A policy entry.
constexpr nla_policy pol(std::uint16_t type, std::uint16_t minlen = 0, std::uint16_t maxlen = 0) {
  return nla_policy{type, minlen, maxlen};
}

/// A query (IPVS_CMD_GET_*): NLM_F_DUMP, or NLM_F_ACK when not a dump; with a service key
/// nest when svc is set. nullopt if it cannot be built.
std::optional<std::vector<std::uint8_t>> encode_query(std::uint16_t family_id, std::uint8_t cmd,
                                                      std::uint32_t seq, bool dump,
                                                      const ServiceKey* svc);

/// A parse failure as an Error (op "parse", EBADMSG).
Error bad_reply(std::string_view what, std::string_view detail);

}  // namespace vigil::ipvs::netlink
