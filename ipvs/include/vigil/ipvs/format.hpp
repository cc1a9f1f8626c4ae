// SPDX-License-Identifier: GPL-2.0-or-later
// Text forms of the IPVS table and its ops, byte-for-byte those of ipvsadm 1.31
// (Debian 12) with numeric output: `ipvsadm -R` input lines, `ipvsadm -Sn`,
// `ipvsadm -Ln [--stats|--rate]`, plus a JSON listing and the short names used
// in error messages. Pure.
#pragma once

#include <string>
#include <string_view>

#include "vigil/ipvs/backend.hpp"
#include "vigil/ipvs/table.hpp"

namespace vigil::ipvs {

/// One `ipvsadm -R` input line for `op`, numeric, without a newline:
/// `-A -t 198.18.0.1:80 -s rr`, `-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 1`,
/// `-E`, `-e`, `-D`, `-d`, `-C`, `--set 900 60 300`,
/// `--start-daemon master --mcast-interface eth0 --syncid 1 ...`,
/// `--stop-daemon master`.
///
/// -A and -a lines are exactly what `ipvsadm -Sn` prints for the entry they
/// create, so ipvsadm's quirks carry over, with one exception: -a lines carry
/// -x/-y when the destination has thresholds (ipvsadm -Sn never saves them,
/// which would lose them on `ipvsadm -R`). -M and the netmask only appear
/// with -p, and a service whose only scheduler flag has no name under its
/// scheduler (flag-3 with sh or mh) prints a bare "-b ", which `ipvsadm -R`
/// then refuses.
std::string rule(const Op& op);

/// Exactly `ipvsadm -Sn` for `table`: services and destinations in ipvsadm's
/// order, one line each, every line ending in '\n'.
std::string save(const Table& table);

enum class ListMode { Plain, Stats, Rate };

/// Exactly `ipvsadm -Ln` (Plain), `ipvsadm -Ln --stats` or `ipvsadm -Ln --rate`,
/// with the header from `info`. Numbers of 100,000,000 and more are scaled to
/// K/M/G/T in Stats and Rate, as ipvsadm does without --exact.
std::string list(const Table& table, const Info& info, ListMode mode);

/// A stable JSON document (keys sorted, services and destinations in ipvsadm's
/// order) with every field of every service and destination, their counters
/// and rates. Indented by two spaces, ends in '\n'.
std::string list_json(const Table& table, const Info& info);

/// "TCP 198.18.0.1:80", "UDP [2001:db8::1]:53", "SCTP 198.18.0.1:9", "FWM 1",
/// "FWM 1 IPv6".
std::string describe(const ServiceKey& svc);
/// "TCP 198.18.0.1:80 -> 198.18.1.1:80".
std::string describe(const ServiceKey& svc, const DestKey& dest);
/// The object an op acts on (a service, a destination, the timeouts, a daemon).
std::string describe(const Op& op);
/// "add service", "edit service", "delete service", "add destination",
/// "edit destination", "delete destination", "flush", "set timeouts",
/// "start sync daemon", "stop sync daemon".
std::string_view op_name(const Op& op);

/// "198.18.0.1:80" or "[2001:db8::1]:80", as ipvsadm writes addresses.
std::string addr_port(const IpAddress& addr, std::uint16_t port);

}  // namespace vigil::ipvs
