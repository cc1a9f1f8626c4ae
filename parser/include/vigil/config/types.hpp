// SPDX-License-Identifier: GPL-2.0-or-later
// Value types shared by the configuration model: IP addresses and prefixes, and
// the timer unit. Parsing and printing are pure (inet_pton/inet_ntop only).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::config {

/// Timers are held in microseconds, keepalived's resolution.
using Micros = std::chrono::microseconds;

enum class Family : std::uint8_t { None = 0, Inet = 4, Inet6 = 6 };

struct IpAddress {
  Family family = Family::None;
  std::array<std::uint8_t, 16> bytes{};

  [[nodiscard]] static std::optional<IpAddress> parse(std::string_view s);
  [[nodiscard]] std::string str() const;
  [[nodiscard]] bool is_v4() const { return family == Family::Inet; }
  [[nodiscard]] bool is_v6() const { return family == Family::Inet6; }
  [[nodiscard]] bool is_multicast() const;
  [[nodiscard]] bool is_link_local() const;
  auto operator<=>(const IpAddress&) const = default;
};

/// An address with an optional prefix length ("198.18.0.1/24").
struct Prefix {
  IpAddress addr;
  std::uint8_t len = 0;
  bool has_len = false;

  [[nodiscard]] static std::optional<Prefix> parse(std::string_view s);
  [[nodiscard]] std::string str() const;
  auto operator<=>(const Prefix&) const = default;
};

const char* family_name(Family f);

}  // namespace vigil::config
