// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP notifications: on an instance's or a sync group's state change, runs the
// matching notify_master/backup/fault/stop script and the generic notify script
// with keepalived's arguments, and writes keepalived's line to the notify FIFOs
// (notify_fifo, vrrp_notify_fifo), starting the script that reads each FIFO.
// Nothing here blocks the loop: FIFOs are written with O_NONBLOCK and a line that
// does not fit is dropped and counted.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/model_global.hpp"
#include "vigil/config/model_vrrp.hpp"
#include "vigil/vrrp/command.hpp"
#include "vigil/vrrp/io/process.hpp"

namespace vigil::vrrp::io {

/// The resolved notify scripts of one vrrp_instance or vrrp_sync_group.
struct NotifyScripts {
  std::optional<Command> master;
  std::optional<Command> backup;
  std::optional<Command> fault;
  std::optional<Command> stop;
  std::optional<Command> deleted;              ///< instances only
  std::optional<Command> notify;               ///< the generic one, gets 4 more arguments
  std::optional<Command> master_rx_lower_pri;  ///< instances only
  bool notify_priority_changes = false;        ///< FIFO lines for priority changes
};

/// Resolves a function for each configured script; a script that does not resolve
/// is logged and left out.
using ResolveScript = std::function<CommandResult(const config::Script&)>;
NotifyScripts notify_scripts(const config::VrrpInstance& cfg, const ResolveScript& resolve);
NotifyScripts notify_scripts(const config::VrrpSyncGroup& cfg, const ResolveScript& resolve);

/// A FIFO to write notification lines to, and the script that reads it.
struct NotifyFifo {
  std::string path;
  /// Started by start() with the FIFO's path appended as its last argument; no
  /// timeout (it is expected to run as long as the daemon).
  std::optional<Command> script;
  /// Owner given to a FIFO that start() creates (notify_fifo's [username [groupname]]).
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
};

/// global_defs notify_fifo (+ notify_fifo_script) and vrrp_notify_fifo (+
/// vrrp_notify_fifo_script), the FIFOs that get VRRP lines. A FIFO user or group
/// that does not exist, or a script that does not resolve, is logged and left out.
std::vector<NotifyFifo> vrrp_notify_fifos(const config::GlobalDefs& globals,
                                          const ResolveScript& resolve,
                                          const CommandLookups& lookups);

/// global_defs lvs_notify_fifo (+ lvs_notify_fifo_script), the FIFO that gets
/// the health checkers' `RS ...` and `VS ...` lines (logged and left out as above).
std::vector<NotifyFifo> lvs_notify_fifos(const config::GlobalDefs& globals,
                                         const ResolveScript& resolve,
                                         const CommandLookups& lookups);

/// Timeout of notify_stop and of the notify script for STOP (keepalived waits 1 s
/// for them at shutdown, then kills them); other notify scripts have none.
inline constexpr std::chrono::milliseconds kStopScriptTimeout{1000};

class Notifier {
 public:
  /// Lines written to the FIFOs, dropped (no reader, FIFO full), and scripts started.
  struct Counters {
    std::uint64_t fifo_lines = 0;
    std::uint64_t fifo_dropped = 0;
    std::uint64_t scripts = 0;
  };

  /// `fifos`: global_defs notify_fifo and vrrp_notify_fifo (both get the VRRP lines).
  Notifier(boost::asio::io_context& io, ProcessRunner& runner, std::vector<NotifyFifo> fifos);
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  Notifier(Notifier&&) = delete;
  Notifier& operator=(Notifier&&) = delete;
  ~Notifier();

  /// Registers the scripts of an instance / a sync group (replacing earlier ones).
  void set_instance(const std::string& name, NotifyScripts scripts);
  void set_group(const std::string& name, NotifyScripts scripts);

  /// For each FIFO: creates it when missing (mkfifo 0644, then chown to its
  /// uid/gid), starts its script, and opens it O_RDWR | O_NONBLOCK | O_NOFOLLOW as
  /// keepalived does (the daemon itself is then a reader, so writes never fail for
  /// want of one; a line that does not fit in the pipe is dropped and counted). A
  /// path that exists but is not a FIFO is refused. Errors are logged.
  void start();
  /// Closes the FIFOs; terminates the FIFO scripts; removes the FIFOs start() created.
  void stop();

  /// An instance changed state. `state` is "MASTER", "BACKUP", "FAULT", "STOP" or
  /// "DELETED"; `priority` is its current priority. Runs notify_<state> (as
  /// configured, no extra arguments), then `notify` with the arguments
  /// INSTANCE <name> <STATE> <priority> appended, and writes
  /// `INSTANCE "<name>" <STATE> <priority>` to each FIFO.
  void instance_state(const std::string& name, std::string_view state, int priority);
  /// A sync group changed state: as instance_state with GROUP, and priority 0 (as
  /// keepalived gives groups).
  void group_state(const std::string& name, std::string_view state);
  /// A master received an advert of lower priority: runs notify_master_rx_lower_pri
  /// and writes `INSTANCE "<name>" MASTER_RX_LOWER_PRI <priority>`.
  void master_rx_lower_pri(const std::string& name, int priority);
  /// An instance's priority changed while in `state` ("MASTER" or "BACKUP"): with
  /// notify_priority_changes, writes `INSTANCE "<name>" MASTER_PRIORITY|BACKUP_PRIORITY
  /// <priority>` to the FIFOs (no script runs).
  void instance_priority(const std::string& name, std::string_view state, int priority);

  /// Writes `line` and a newline to every FIFO; used by the health checkers
  /// for keepalived's `RS ...` / `VS ...` lines.
  void fifo_line(const std::string& line) { write_line(line + "\n"); }

  [[nodiscard]] const Counters& counters() const { return counters_; }

 private:
  struct Fifo {
    NotifyFifo spec;
    int fd = -1;
    bool created = false;  ///< made by start(): removed by stop()
    pid_t script_pid = -1;
  };
  void run_script(const std::optional<Command>& cmd, std::vector<std::string> extra,
                  std::optional<std::chrono::milliseconds> timeout);
  void write_line(const std::string& line);
  void notify(const NotifyScripts* scripts, std::string_view type, const std::string& name,
              std::string_view state, int priority);

  boost::asio::io_context& io_;
  ProcessRunner& runner_;
  std::vector<Fifo> fifos_;
  std::map<std::string, NotifyScripts> instances_;
  std::map<std::string, NotifyScripts> groups_;
  Counters counters_;
};

}  // namespace vigil::vrrp::io
