// SPDX-License-Identifier: GPL-2.0-or-later
// diff(): the shortest ordered list of ops that turns one IPVS table into
// another. Pure; the reconciler applies the result through a Backend.
#pragma once

#include <vector>

#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

/// The ops that turn `current` into `desired`, in the order the kernel needs:
///
/// 1. add or edit services, 2. add or edit destinations, 3. delete
/// destinations, 4. delete services. Within each group, objects come in key
/// order. Services only in `current` are deleted (their destinations go with
/// them, so no destination op is emitted for them): the caller restricts
/// `current` to the services it owns before calling. Settings the kernel can
/// change in place are edited, never deleted and re-added: scheduler, flags,
/// persistence timeout, netmask and persistence engine of a service; forwarding
/// method, weight, thresholds and tunnel settings of a destination.
///
/// Compared: ServiceSpec (flags masked with kSvcUserFlags, so kSvcHashed is
/// ignored; timeout and netmask only when the service is persistent) and
/// DestSpec (tunnel fields only for tunnel destinations: the port for gue, the
/// checksum flags for gue and gre). Stats, connection counts and rates are
/// never compared. A change to one destination gives exactly one op.
std::vector<Op> diff(const Table& current, const Table& desired);

/// Whether two service specs are equal as diff() compares them.
[[nodiscard]] bool same_service(const ServiceSpec& a, const ServiceSpec& b);
/// Whether two destination specs are equal as diff() compares them.
[[nodiscard]] bool same_dest(const DestSpec& a, const DestSpec& b);

}  // namespace vigil::ipvs
