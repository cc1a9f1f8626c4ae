// SPDX-License-Identifier: GPL-2.0-or-later
// MISC_CHECK and FILE_CHECK verdicts: exit status and file value to up/down and weight.
#include "vigil/hc/misc_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace vigil::hc {

ProbeResult misc_verdict(const MiscExit& e, bool dynamic, std::uint64_t timeout_ms,
                         const std::string& script) {
  ProbeResult r;
  switch (e.kind) {
    case MiscExit::Kind::Exited:
      if (e.code == 0) {
        r.ok = true;
        r.detail = fmt::format("{} exited 0", script);
      } else if (dynamic && e.code >= 2 && e.code <= 255) {
        r.ok = true;
        r.weight = static_cast<std::uint32_t>(e.code - 2);
        r.detail = fmt::format("{} exited {}: weight {}", script, e.code, *r.weight);
      } else {
        r.detail = fmt::format("{} exited {}", script, e.code);
      }
      break;
    case MiscExit::Kind::Signaled:
      r.detail = fmt::format("{} killed by signal {}", script, e.code);
      break;
    case MiscExit::Kind::TimedOut:
      r.detail = fmt::format("{} timed out after {} ms and was killed", script, timeout_ms);
      break;
    case MiscExit::Kind::FailedToStart:
      r.detail = fmt::format("{} failed to start: {}", script, e.error);
      break;
  }
  return r;
}

ProbeResult file_verdict(std::int64_t value, int weight, bool reverse, std::uint32_t rs_weight,
                         const std::string& name) {
  ProbeResult r;
  if (weight == 0) {
    // Unweighted: the file is a flag; non-zero is a failure (reverse flips it).
    const bool failed = (value != 0) != reverse;
    r.ok = !failed;
    r.detail = fmt::format("track_file {} value {}{}", name, value, failed ? ": down" : "");
    return r;
  }
  // keepalived clamps the product to (-INT_MAX .. INT_MAX-1); reaching the
  // bottom is its FAULT state.
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  const std::int64_t mult = reverse ? -static_cast<std::int64_t>(weight) : weight;
  // |value| <= 2^31 and |mult| < 2^31 once clamped, so the product fits in 64 bits.
  const std::int64_t v = std::clamp<std::int64_t>(value, -kMax - 1, kMax + 1);
  const std::int64_t delta = std::clamp<std::int64_t>(v * mult, -kMax, kMax - 1);
  if (delta <= -kMax) {
    r.detail = fmt::format("track_file {} value {} x weight {}: down", name, value, mult);
    return r;
  }
  const std::int64_t w =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(rs_weight) + delta, 0, kMax);
  r.ok = true;
  r.weight = static_cast<std::uint32_t>(w);
  r.detail = fmt::format("track_file {} value {} x weight {}: real server weight {}", name, value,
                         mult, w);
  return r;
}

}  // namespace vigil::hc
