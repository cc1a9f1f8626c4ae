// SPDX-License-Identifier: GPL-2.0-or-later
// Where ops go: the kernel (netlink), or a dry run. Errors are values that name
// the op, the object and the errno; nothing here throws.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/ipvs/table.hpp"
#include "vigil/runtime/result.hpp"

namespace vigil::ipvs {

/// A failed request: what was asked, of which object, and the kernel's answer.
struct Error {
  std::string op;      ///< e.g. "add destination"
  std::string object;  ///< e.g. "TCP 198.18.0.1:80 -> 198.18.1.1:80"
  int err = 0;         ///< errno (positive); 0 when not from the kernel
  std::string detail;  ///< extra context (e.g. the netlink extended ack), may be empty
  /// "add destination TCP 198.18.0.1:80 -> 198.18.1.1:80: No such file or directory (errno 2)"
  [[nodiscard]] std::string text() const;
};

/// A value or an Error.
template <class T>
using Result = ::vigil::Result<T, Error>;

/// IPVS_CMD_GET_INFO.
struct Info {
  std::uint32_t version = 0;  ///< 0x010201 for "1.2.1"
  std::uint32_t conn_tab_size = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// The whole table with destinations, counters and rates.
  virtual Result<Table> dump() = 0;
  /// The destinations of the services `keys`, with their counters: what a
  /// drain needs each second, without the cost of the whole table. A service
  /// the kernel does not have comes back with no destinations; the services'
  /// own specs and stats are not read. This default filters a dump().
  virtual Result<Table> dests_of(std::span<const ServiceKey> keys) {
    Result<Table> all = dump();
    if (!all.ok()) {
      return all;
    }
    Table t;
    for (const ServiceKey& k : keys) {
      Service& s = t.services[k];
      s.key = k;
      if (const auto it = all.value().services.find(k); it != all.value().services.end()) {
        s.dests = it->second.dests;
      }
    }
    return t;
  }
  /// Applies one op; nullopt on success.
  virtual std::optional<Error> apply(const Op& op) = 0;
  /// Applies ops in order; element i is op i's outcome. A failed op does not stop the
  /// later ones. Backends may pipeline (the netlink backend batches requests).
  virtual std::vector<std::optional<Error>> apply_all(std::span<const Op> ops) {
    std::vector<std::optional<Error>> out;
    out.reserve(ops.size());
    for (const Op& op : ops) {
      out.push_back(apply(op));
    }
    return out;
  }
  virtual Result<Info> info() = 0;
  virtual Result<Timeouts> timeouts() = 0;
  virtual Result<std::vector<SyncDaemon>> daemons() = 0;
  /// Netlink requests sent so far (dumps included); a dry run counts ops.
  [[nodiscard]] virtual std::uint64_t requests_sent() const = 0;
};

}  // namespace vigil::ipvs
