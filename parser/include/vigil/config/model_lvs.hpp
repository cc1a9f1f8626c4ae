// SPDX-License-Identifier: GPL-2.0-or-later
// LVS blocks: virtual_server_group, virtual_server, real_server, their health
// checkers, and the top-level SSL block. Field names are keepalived's keywords
// ('-' becomes '_': flag-1 is flag_1). Timers are Micros. Optional fields left
// unset mean "not configured"; after validation every checker carries its
// effective timing (inherited virtual_server -> real_server -> checker, then
// keepalived's per-checker defaults).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vigil/config/model_common.hpp"

namespace vigil::config {

/// IPVS forwarding method (`lvs_method`, legacy `lb_kind`).
enum class LvsMethod : std::uint8_t { NAT, DR, TUN };
/// Tunnel encapsulation for TUN (`type ipip|gue|gre`).
enum class TunType : std::uint8_t { ipip, gue, gre };
/// Tunnel checksum option (`nocsum|csum|remcsum`).
enum class TunCsum : std::uint8_t { nocsum, csum, remcsum };

/// `lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre}] [nocsum|csum|remcsum]`
struct Forwarding {
  LvsMethod method = LvsMethod::NAT;
  TunType type = TunType::ipip;    ///< TUN only
  std::uint16_t port = 0;          ///< gue only (required for gue)
  TunCsum csum = TunCsum::nocsum;  ///< gue/gre only
  bool operator==(const Forwarding&) const = default;
};

enum class LvsProtocol : std::uint8_t { TCP, UDP, SCTP };

// ---------------------------------------------------------------------------
// Checkers

/// Options every checker except BFD_CHECK and FILE_CHECK has (MISC_CHECK has
/// only these, not the connection options).
struct CheckerTiming {
  SourceLoc loc;
  std::optional<std::uint32_t> retry;  ///< legacy nb_get_retry (HTTP_GET/SSL_GET)
  std::optional<Micros> delay_before_retry;
  std::optional<Micros> warmup;
  std::optional<Micros> delay_loop;
  std::optional<bool> alpha;
  bool log_all_failures = false;
  bool operator==(const CheckerTiming&) const = default;
};

/// Connection options (connect_ip defaults to the real server address and
/// connect_port to its port; unset here means "the real server's").
struct ConnOpts {
  std::optional<IpAddress> connect_ip;
  std::optional<std::uint16_t> connect_port;
  std::optional<IpAddress> bindto;
  std::optional<std::uint16_t> bind_port;
  std::string bind_if;
  std::optional<Micros> connect_timeout;
  std::optional<std::uint32_t> fwmark;  ///< SO_MARK on checker packets
  bool operator==(const ConnOpts&) const = default;
};

/// One inclusive HTTP status code range (`200-299`, or `503` as 503-503).
struct StatusRange {
  std::uint16_t min = 0;
  std::uint16_t max = 0;
  bool operator==(const StatusRange&) const = default;
};

/// `url { ... }` of HTTP_GET / SSL_GET.
struct HttpUrl {
  SourceLoc loc;
  std::string path;
  std::string digest;                    ///< 32 lower-case hex characters (MD5), or empty
  std::vector<StatusRange> status_code;  ///< empty in the config means 200-299
  std::string virtualhost;
  std::string regex;
  bool regex_no_match = false;
  std::vector<std::string> regex_options;
  std::optional<std::array<std::uint64_t, 2>> regex_stack;  ///< start, max (bytes)
  std::optional<std::uint64_t> regex_min_offset;
  std::optional<std::uint64_t> regex_max_offset;
  bool operator==(const HttpUrl&) const = default;
};

enum class HttpProtocol : std::uint8_t { v1_0, v1_0C, v1_1 };

struct HttpGet : CheckerTiming, ConnOpts {
  std::string virtualhost;  ///< effective after validation (checker, rs, vs)
  HttpProtocol http_protocol = HttpProtocol::v1_0;
  bool enable_sni = false;
  bool fast_recovery = false;
  bool tls_compliant = false;  ///< keepalived >= 2.3 only
  std::vector<HttpUrl> url;
  bool operator==(const HttpGet&) const = default;
};

struct SslGet : HttpGet {
  bool operator==(const SslGet&) const = default;
};

struct TcpCheck : CheckerTiming, ConnOpts {
  bool operator==(const TcpCheck&) const = default;
};

/// SMTP_CHECK `host { }` sub-block (deprecated in keepalived, still accepted).
struct SmtpHost : ConnOpts {
  SourceLoc loc;
  bool operator==(const SmtpHost&) const = default;
};

struct SmtpCheck : CheckerTiming, ConnOpts {
  std::string helo_name;
  std::vector<SmtpHost> host;
  bool operator==(const SmtpCheck&) const = default;
};

struct DnsCheck : CheckerTiming, ConnOpts {
  std::string type = "SOA";  ///< A|NS|CNAME|SOA|MX|TXT|AAAA|RRSIG|DNSKEY
  std::string name = ".";
  bool operator==(const DnsCheck&) const = default;
};

struct MiscCheck : CheckerTiming {
  std::string misc_path;
  std::optional<Micros> misc_timeout;
  bool misc_dynamic = false;
  std::string user;
  std::string group;
  bool operator==(const MiscCheck&) const = default;
};

struct UdpCheck : CheckerTiming, ConnOpts {
  std::vector<std::uint8_t> payload;  ///< empty: a random payload is sent
  bool require_reply = false;
  /// Expected reply as hex digits, 'x' for an ignored nibble (empty: any reply).
  std::string require_reply_data;
  std::uint16_t min_reply_length = 0;
  std::uint16_t max_reply_length = 255;
  bool operator==(const UdpCheck&) const = default;
};

struct PingCheck : CheckerTiming, ConnOpts {
  bool operator==(const PingCheck&) const = default;
};

struct FileCheck {
  SourceLoc loc;
  std::string track_file;
  int weight = 1;
  bool weight_reverse = false;
  bool dynamic = false;  ///< not accepted by keepalived 2.2.7
  bool operator==(const FileCheck&) const = default;
};

struct BfdCheck {
  SourceLoc loc;
  std::string name;
  std::optional<bool> alpha;
  std::optional<int> weight;  ///< not accepted by keepalived 2.2.7
  bool operator==(const BfdCheck&) const = default;
};

using CheckerSpec = std::variant<HttpGet, SslGet, TcpCheck, MiscCheck, SmtpCheck, DnsCheck,
                                 UdpCheck, PingCheck, FileCheck, BfdCheck>;

// ---------------------------------------------------------------------------
// Servers

struct RealServer {
  SourceLoc loc;
  IpAddress ip;
  std::optional<std::uint16_t> port;
  std::uint32_t weight = 1;
  /// Own setting, or the virtual server's after validation.
  std::optional<Forwarding> lvs_method;
  /// Own setting, or the virtual server's after validation.
  std::optional<bool> inhibit_on_failure;
  OptionalScript notify_up;
  OptionalScript notify_down;
  std::uint32_t uthreshold = 0;  ///< 0: no limit
  std::uint32_t lthreshold = 0;
  std::optional<bool> smtp_alert;
  std::string virtualhost;
  std::string snmp_name;
  std::optional<bool> alpha;
  std::optional<Micros> connect_timeout;
  std::optional<std::uint32_t> retry;
  std::optional<Micros> delay_before_retry;
  std::optional<Micros> warmup;
  std::optional<Micros> delay_loop;
  std::vector<CheckerSpec> checkers;
  bool operator==(const RealServer&) const = default;
};

/// `sorry_server IP [PORT]` with its inhibit flag and forwarding method.
struct SorryServer {
  SourceLoc loc;
  IpAddress ip;
  std::optional<std::uint16_t> port;
  bool inhibit = false;                  ///< sorry_server_inhibit
  std::optional<Forwarding> lvs_method;  ///< sorry_server_lvs_method
  bool operator==(const SorryServer&) const = default;
};

/// `persistence_granularity`: an IPv4 netmask, or an IPv6 prefix length.
struct Granularity {
  std::optional<IpAddress> netmask;  ///< IPv4
  std::uint8_t prefix_len = 0;       ///< IPv6, 1..128
  bool operator==(const Granularity&) const = default;
};

struct VirtualServer {
  SourceLoc loc;
  // Exactly one of ip / fwmark / group names the service.
  std::optional<IpAddress> ip;
  std::optional<std::uint16_t> port;
  std::optional<std::uint32_t> fwmark;
  std::string group;

  std::optional<Family> ip_family;
  std::string lvs_sched;  ///< empty: not set (keepalived uses wlc, and complains)
  bool hashed = false;    ///< accepted for sh/mh, has no effect
  bool ops = false;
  bool flag_1 = false;
  bool flag_2 = false;
  bool flag_3 = false;
  bool sh_port = false;
  bool sh_fallback = false;
  bool mh_port = false;
  bool mh_fallback = false;
  std::optional<Forwarding> lvs_method;  ///< unset: NAT (keepalived complains)
  std::string persistence_engine;
  std::optional<std::uint32_t> persistence_timeout;  ///< seconds
  std::optional<Granularity> persistence_granularity;
  std::optional<LvsProtocol> protocol;
  bool ha_suspend = false;
  std::optional<bool> smtp_alert;
  std::string virtualhost;
  std::string snmp_name;
  bool alpha = false;
  bool omega = false;
  std::uint32_t quorum = 1;
  std::uint32_t hysteresis = 0;
  OptionalScript quorum_up;
  OptionalScript quorum_down;
  std::optional<std::uint32_t> weight;
  std::optional<SorryServer> sorry_server;
  std::optional<Micros> connect_timeout;
  std::optional<std::uint32_t> retry;
  std::optional<Micros> delay_before_retry;
  std::optional<Micros> warmup;
  std::optional<Micros> delay_loop;
  bool inhibit_on_failure = false;
  std::vector<RealServer> real_server;
  bool operator==(const VirtualServer&) const = default;
};

/// One `<IPADDR>[-<END>|/<LEN>] [<PORT>]` line of a virtual_server_group.
struct VsgRange {
  SourceLoc loc;
  IpAddress first;
  IpAddress last;  ///< == first for a single address
  std::optional<std::uint16_t> port;
  bool operator==(const VsgRange&) const = default;
};

/// One `fwmark <INTEGER> [inet|inet6]` line of a virtual_server_group.
struct VsgFwmark {
  SourceLoc loc;
  std::uint32_t fwmark = 0;
  std::optional<Family> family;
  bool operator==(const VsgFwmark&) const = default;
};

struct VirtualServerGroup {
  std::string name;
  SourceLoc loc;
  std::vector<VsgRange> addresses;
  std::vector<VsgFwmark> fwmark;
  bool operator==(const VirtualServerGroup&) const = default;
};

/// Top-level `SSL { }` used by SSL_GET.
struct SslConfig {
  SourceLoc loc;
  std::string password;
  std::string ca;
  std::string certificate;
  std::string key;
  bool operator==(const SslConfig&) const = default;
};

struct LvsConfig {
  std::optional<SslConfig> ssl;
  std::vector<VirtualServerGroup> virtual_server_group;
  std::vector<VirtualServer> virtual_server;
  bool operator==(const LvsConfig&) const = default;
};

}  // namespace vigil::config
