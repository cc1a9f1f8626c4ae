// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: what the health checkers read from the network. The first
// byte picks the decoder, the rest is the reply as a server sent it:
//   0  a DNS reply to query id 0x1234 (check_dns_reply)
//   1  an SMTP conversation, fed in chunks whose sizes come from the input,
//      read reply after reply until the reader errs or needs more
//   2  a UDP_CHECK reply against a pattern taken from the input's head
//   3  an ICMP / ICMPv6 message with or without an IPv4 header
// Nothing may crash, read out of bounds or loop; every verdict is a value.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vigil/hc/dns.hpp"
#include "vigil/hc/icmp.hpp"
#include "vigil/hc/smtp.hpp"
#include "vigil/hc/udp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t selector = data[0];
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  switch (selector % 4) {
    case 0: {
      (void)vigil::hc::check_dns_reply(in, 0x1234);
      break;
    }
    case 1: {
      vigil::hc::SmtpReplyReader reader;
      const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
      std::size_t pos = 0;
      std::size_t chunk = (selector >> 2) + 1U;
      // Bounded: every round either consumes input or drains one reply.
      for (int rounds = 0; rounds < 100000; ++rounds) {
        const std::size_t n = std::min(chunk, text.size() - pos);
        const vigil::hc::SmtpStep step = reader.feed(text.substr(pos, n));
        pos += n;
        if (step.kind == vigil::hc::SmtpStep::Kind::Error) {
          break;
        }
        if (step.kind == vigil::hc::SmtpStep::Kind::NeedMore && pos == text.size()) {
          break;
        }
        chunk = chunk * 3 % 61 + 1;
      }
      (void)vigil::hc::printable_excerpt(text);
      break;
    }
    case 2: {
      // Pattern: up to the first 0 byte (at most 64 bytes) as text, then the reply.
      const auto end = std::find(in.begin(), in.begin() + std::min<std::size_t>(in.size(), 64), 0);
      const std::string pattern(in.begin(), end);
      const std::size_t skip =
          static_cast<std::size_t>(end - in.begin()) + (end != in.end() ? 1U : 0U);
      (void)vigil::hc::match_udp_reply(in.subspan(skip), pattern, selector, 255);
      break;
    }
    default: {
      const bool v6 = (selector & 4U) != 0;
      const bool ip_header = !v6 && (selector & 8U) != 0;
      auto m = vigil::hc::parse_icmp(in, v6, ip_header);
      if (m.ok()) {
        const std::uint8_t payload[4] = {1, 2, 3, 4};
        (void)vigil::hc::is_echo_reply_to(m.value(), v6, 7, 9, payload, (selector & 16U) != 0);
      }
      break;
    }
  }
  return 0;
}
