// SPDX-License-Identifier: GPL-2.0-or-later
// The pure verdicts of MISC_CHECK (a script's exit status) and FILE_CHECK (the
// integer in a track_file), as keepalived.conf(5) and keepalived 2.2.7 give them.
// Pure: no processes, no files.
#pragma once

#include <cstdint>
#include <string>

#include "vigil/hc/result.hpp"

namespace vigil::hc {

/// How a MISC_CHECK script ended (vrrp::io::Outcome without the io types).
struct MiscExit {
  enum class Kind : std::uint8_t { Exited, Signaled, TimedOut, FailedToStart };
  Kind kind = Kind::Exited;
  int code = 0;       ///< exit status, or the signal
  std::string error;  ///< FailedToStart: what failed
};

/// MISC_CHECK: exit 0 is up. With misc_dynamic, exit 1 is down and 2..255 is up
/// with the real server's weight set to (status - 2); exit 0 leaves the weight
/// as it was (no weight in the result). Without it, any non-zero status is down.
/// A signal, a timeout or a failure to start is down. `script` names it in details.
ProbeResult misc_verdict(const MiscExit& e, bool dynamic, std::uint64_t timeout_ms,
                         const std::string& script);

/// FILE_CHECK on the value `value` read from its track_file (a missing file
/// reads as 0). `weight` is the checker's multiplier (the track_file's when the
/// checker sets none), `reverse` negates it, `rs_weight` is the real server's
/// configured weight.
///  - weight 0: a zero value is up and a non-zero value is down (reversed: the
///    opposite); the real server's weight is not touched.
///  - otherwise value * weight (negated by reverse) is added to the real
///    server's weight; a product at or below -2147483647 puts the checker down
///    (keepalived's FAULT). A negative sum leaves the server up at weight 0.
ProbeResult file_verdict(std::int64_t value, int weight, bool reverse, std::uint32_t rs_weight,
                         const std::string& name);

}  // namespace vigil::hc
