// SPDX-License-Identifier: GPL-2.0-or-later
// ICMP echo build/parse (see icmp.hpp).
#include "vigil/hc/icmp.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vigil::hc {

namespace {

constexpr std::size_t kIcmpHeader = 8;

}  // namespace

std::uint16_t inet_checksum(std::span<const std::uint8_t> data) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  }
  if (i < data.size()) {
    sum += static_cast<std::uint32_t>(data[i] << 8);
  }
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::vector<std::uint8_t> build_icmp_echo(bool v6, std::uint16_t id, std::uint16_t seq,
                                          std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out(kIcmpHeader);
  out[0] = v6 ? kIcmp6EchoRequest : kIcmpEchoRequest;
  out[1] = 0;
  out[4] = static_cast<std::uint8_t>(id >> 8);
  out[5] = static_cast<std::uint8_t>(id & 0xff);
  out[6] = static_cast<std::uint8_t>(seq >> 8);
  out[7] = static_cast<std::uint8_t>(seq & 0xff);
  out.insert(out.end(), payload.begin(), payload.end());
  if (!v6) {
    const std::uint16_t sum = inet_checksum(out);
    out[2] = static_cast<std::uint8_t>(sum >> 8);
    out[3] = static_cast<std::uint8_t>(sum & 0xff);
  }
  return out;
}

Result<IcmpMessage, std::string> parse_icmp(std::span<const std::uint8_t> data, bool v6,
                                            bool ip_header) {
  if (ip_header && !v6) {
    if (data.empty()) {
      return std::string("empty packet");
    }
    if ((data[0] >> 4) != 4) {
      return fmt::format("IP version {} in an IPv4 packet", data[0] >> 4);
    }
    const std::size_t ihl = static_cast<std::size_t>(data[0] & 0x0f) * 4;
    if (ihl < 20 || data.size() < ihl) {
      return fmt::format("IPv4 header length {} does not fit a {} byte packet", ihl, data.size());
    }
    data = data.subspan(ihl);
  }
  if (data.size() < kIcmpHeader) {
    return fmt::format("ICMP message of {} bytes is shorter than its header", data.size());
  }
  if (!v6 && inet_checksum(data) != 0) {
    return std::string("bad ICMP checksum");
  }
  IcmpMessage m;
  m.type = data[0];
  m.code = data[1];
  m.id = static_cast<std::uint16_t>((data[4] << 8) | data[5]);
  m.seq = static_cast<std::uint16_t>((data[6] << 8) | data[7]);
  m.payload.assign(data.begin() + kIcmpHeader, data.end());
  return m;
}

bool is_echo_reply_to(const IcmpMessage& m, bool v6, std::uint16_t id, std::uint16_t seq,
                      std::span<const std::uint8_t> payload, bool check_id) {
  const std::uint8_t want = v6 ? kIcmp6EchoReply : kIcmpEchoReply;
  return m.type == want && m.code == 0 && m.seq == seq && (!check_id || m.id == id) &&
         std::equal(m.payload.begin(), m.payload.end(), payload.begin(), payload.end());
}

}  // namespace vigil::hc
