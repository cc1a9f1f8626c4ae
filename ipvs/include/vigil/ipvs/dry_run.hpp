// SPDX-License-Identifier: GPL-2.0-or-later
// DryRunBackend: a Backend that keeps the IPVS table in memory, answers like
// the kernel (EEXIST, ESRCH, ENOENT, ERANGE) and prints every applied op as an
// `ipvsadm -R` line. Used by `vigild --dry-run` and by the tests.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <vector>

#include "vigil/ipvs/backend.hpp"

namespace vigil::ipvs {

class DryRunBackend : public Backend {
 public:
  /// `out` receives rule(op) + '\n' for each op that succeeds; may be null.
  explicit DryRunBackend(std::ostream* out = nullptr, Table start = {});

  /// The table as it stands (stats and connection counts as given at start).
  Result<Table> dump() override;
  /// Applies `op` as the kernel would, or returns the kernel's error:
  /// EEXIST adding an existing service or destination; ESRCH for a missing
  /// service (edit/delete it, or any destination op on it); ENOENT for a
  /// missing destination, an unknown scheduler or persistence engine; ERANGE
  /// when lthreshold > uthreshold; ESRCH stopping a daemon that is not running
  /// and EEXIST starting one that is.
  std::optional<Error> apply(const Op& op) override;
  /// Version 1.2.1 (0x010201), connection table size 4096.
  Result<Info> info() override;
  /// What --set last set (0 = unchanged; the kernel defaults are 900 120 300).
  Result<Timeouts> timeouts() override;
  /// The running daemons, master first.
  Result<std::vector<SyncDaemon>> daemons() override;
  /// Ops applied (successful or not).
  [[nodiscard]] std::uint64_t requests_sent() const override { return requests_; }

  [[nodiscard]] const Table& table() const { return table_; }

 private:
  std::ostream* out_;
  Table table_;
  Timeouts timeouts_{900, 120, 300};
  std::optional<SyncDaemon> master_;
  std::optional<SyncDaemon> backup_;
  std::uint64_t requests_ = 0;
};

}  // namespace vigil::ipvs
