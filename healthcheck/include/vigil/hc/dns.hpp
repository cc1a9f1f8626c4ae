// SPDX-License-Identifier: GPL-2.0-or-later
// DNS_CHECK's wire format: the query it sends and the rule it applies to a
// reply. Pure: no sockets.
//
// keepalived's rule (check_dns.c, 2.2.x): a datagram shorter than a DNS header,
// with another id, or with QR clear is not our reply and is ignored (the check
// keeps waiting until connect_timeout); our reply passes when its RCODE is
// NOERROR and fails otherwise. The answer count is not looked at, so an empty
// NOERROR answer passes: vigil does the same.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/runtime/result.hpp"

namespace vigil::hc {

/// RR type code of a DNS_CHECK `type` (A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG,
/// DNSKEY; case-insensitive), nullopt for anything else.
std::optional<std::uint16_t> dns_type_code(std::string_view type);

/// A standard query (RD set, one question, class IN) for `name` ("." or "" is
/// the root; a trailing dot is optional). Error when the name cannot be encoded
/// (empty label, label over 63 bytes, name over 255 bytes).
Result<std::vector<std::uint8_t>, std::string> build_dns_query(std::uint16_t id,
                                                               std::string_view name,
                                                               std::uint16_t type);

/// What a received datagram means for the check.
struct DnsReplyVerdict {
  enum class Kind {
    Pass,    ///< our reply, RCODE NOERROR
    Fail,    ///< our reply with an error RCODE
    Ignore,  ///< not our reply (short, other id, QR clear): keep waiting
  };
  Kind kind = Kind::Ignore;
  std::string reason;  ///< "rcode 3 (NXDOMAIN)", "id 0x1234 is not ours (0x4321)", ...
};

DnsReplyVerdict check_dns_reply(std::span<const std::uint8_t> reply, std::uint16_t id);

/// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", else "rcode N".
std::string dns_rcode_name(unsigned rcode);

}  // namespace vigil::hc
