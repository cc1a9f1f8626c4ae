// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the VRRP advertisement decoder. Whatever arrives on the
// wire, decode() returns an Advert or a DecodeError and never reads past the
// buffer; an accepted advert re-encodes to the same bytes (modulo the checksum
// form when v3_checksum_as_v2 accepted the other one) and decodes again.
// With selector bit 2 the input is a whole IPv4 packet as a raw socket
// delivers it (header, optional AH, VRRP): parse_ipv4() must not crash, and
// what it accepts is fed to a running Instance (Backup and Master), which
// must not crash either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vigil/vrrp/instance.hpp"
#include "vigil/vrrp/ipv4.hpp"
#include "vigil/vrrp/packet.hpp"

namespace {

vigil::config::IpAddress make(vigil::config::Family f, std::uint8_t last) {
  vigil::config::IpAddress a;
  a.family = f;
  if (f == vigil::config::Family::Inet) {
    a.bytes[0] = 10;
    a.bytes[3] = last;
  } else {
    a.bytes[0] = 0xfe;
    a.bytes[1] = 0x80;
    a.bytes[15] = last;
  }
  return a;
}

/// Feeds a whole IPv4 packet through parse_ipv4() into an Instance.
void fuzz_ipv4(std::span<const std::uint8_t> bytes, std::uint8_t sel) {
  const auto in = vigil::vrrp::parse_ipv4(bytes, {.v3_checksum_as_v2 = (sel & 2U) != 0});
  if (!in.ok()) {
    return;
  }
  vigil::vrrp::Settings st;
  st.name = "fuzz";
  st.interface = "eth0";
  st.version = (sel & 8U) != 0 ? 3 : 2;
  st.vrid = in.value().advert.vrid;
  st.priority = (sel & 16U) != 0 ? 255 : 100;
  st.auth_type = (sel & 32U) != 0 ? vigil::vrrp::AuthType::Pass : vigil::vrrp::AuthType::None;
  st.vips.push_back(make(vigil::config::Family::Inet, 100));
  st.mcast_group = make(vigil::config::Family::Inet, 18);
  vigil::vrrp::Instance inst(st, [](std::span<const std::uint8_t>, std::span<const std::uint8_t>) {
    return std::array<std::uint8_t, 16>{};
  });
  inst.set_local_address(make(vigil::config::Family::Inet, 1));
  vigil::vrrp::TimePoint t{};
  (void)inst.start(t);
  (void)inst.on_advert(t, in.value());
  // Run the timers until Master (or 10 deadlines), then feed the advert again.
  for (int i = 0; i < 10 && inst.state() != vigil::vrrp::State::Master; ++i) {
    if (auto d = inst.next_deadline()) {
      t = *d;
      (void)inst.on_deadline(t);
    }
  }
  (void)inst.on_advert(t, in.value());
  (void)inst.shutdown(t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  // Byte 0 picks the family and the option; the rest is the VRRP payload.
  const std::uint8_t sel = data[0];
  const auto fam = (sel & 1U) != 0 ? vigil::config::Family::Inet6 : vigil::config::Family::Inet;
  const bool as_v2 = (sel & 2U) != 0;
  const auto src = make(fam, 1);
  const auto dst = make(fam, 18);
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  if ((sel & 4U) != 0) {
    fuzz_ipv4(bytes, sel);
    return 0;
  }
  const auto r = vigil::vrrp::decode(bytes, src, dst, {.v3_checksum_as_v2 = as_v2});
  if (!r.ok()) {
    return 0;
  }
  const auto& a = r.value();
  const auto again = vigil::vrrp::encode(a, src, dst, {.v3_checksum_as_v2 = as_v2});
  const auto back = vigil::vrrp::decode(again, src, dst, {.v3_checksum_as_v2 = as_v2});
  if (again.size() != bytes.size() || !back.ok()) {
    std::abort();
  }
  vigil::vrrp::Advert x = back.value();
  x.checksum = a.checksum;
  vigil::vrrp::Advert y = a;
  if (a.version == 3) {
    y.max_adver_int_cs &= 0x0fffU;  // the reserved nibble is dropped on decode already
  }
  if (!(x == y)) {
    std::abort();
  }
  return 0;
}
