// SPDX-License-Identifier: GPL-2.0-or-later
// The control socket: a Unix stream socket (root only, mode 0600) on the
// daemon's loop that answers `vigild status` and `vigild reload --dry-run`,
// and the client side those subcommands use.
//
// Wire format, one request per connection:
//   client -> server  one line, at most kControlMaxRequest bytes with its "\n":
//                     "status", "status json" or "reload preview"
//   server -> client  a status line, then the body, then the server closes:
//                     "OK\n" body           the request was served
//                     "FAILED\n" body       served, but the answer is a failure
//                                           (reload preview: the configuration
//                                           on disk has errors; body = diagnostics)
//                     "ERROR <reason>\n"    the request was not understood
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "state.hpp"

namespace vigil::daemon {

inline constexpr const char* kDefaultControlSocket = "/run/vigild.sock";
inline constexpr std::size_t kControlMaxRequest = 256;

/// What a SIGHUP would do now (Root::preview()).
struct ControlPreview {
  bool ok = true;
  std::vector<std::string> lines;
};

/// Where the server gets its answers from (the Root, or a test's fake).
struct ControlHandlers {
  std::function<State()> state;
  /// Calls its argument with the preview, once, on the loop: later, since
  /// the configuration is read off the loop.
  std::function<void(std::function<void(ControlPreview)>)> preview;
};

struct ControlServerOptions {
  std::chrono::milliseconds read_timeout{5000};    ///< for the request line
  std::chrono::milliseconds write_timeout{30000};  ///< for the whole answer
  std::size_t max_connections = 64;                ///< more are accepted and closed at once
};

/// The answer to one request line (without its "\n"): status line and body,
/// handed to `done` once (at once, or later for a preview).
void control_answer(const std::string& request, const ControlHandlers& h,
                    std::function<void(std::string)> done);

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ControlHandlers handlers,
                ControlServerOptions opts = {});
  ~ControlServer();  ///< stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  ControlServer(ControlServer&&) = delete;
  ControlServer& operator=(ControlServer&&) = delete;

  /// Creates the socket at `path` (mode 0600) and serves it. A stale socket
  /// (nobody answers on it) is replaced; a live one (another vigild) or any
  /// other file is left alone and is an error. "" on success, else why not.
  std::string start(const std::string& path);
  /// Stops accepting and removes the socket file if it is still ours.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The client's outcome.
enum class ControlError {
  None,
  NotRunning,        ///< no socket, or nobody listening on it
  PermissionDenied,  ///< the socket exists but we may not connect
  Timeout,           ///< no full answer in time
  Protocol,          ///< an answer that is not in the wire format
  Other,
};

struct ControlReply {
  ControlError error = ControlError::None;
  std::string message;  ///< why, for people, when error != None
  std::string status;   ///< "OK", "FAILED" or "ERROR <reason>"
  std::string body;
};

/// Sends one request on the caller's loop; `done` runs once, on that loop.
void async_control_request(boost::asio::io_context& io, const std::string& path,
                           const std::string& request, std::chrono::milliseconds timeout,
                           std::function<void(ControlReply)> done);

/// The same, blocking, on a loop of its own.
ControlReply control_request(const std::string& path, const std::string& request,
                             std::chrono::milliseconds timeout);

/// `vigild status [--json] [--socket PATH]` (argv[0] is "status").
int run_status(int argc, char** argv, std::ostream& out, std::ostream& err);
/// `vigild reload --dry-run [--socket PATH]` (argv[0] is "reload").
int run_reload(int argc, char** argv, std::ostream& out, std::ostream& err);

/// Exit codes of the two subcommands.
enum ControlExit : int {
  kControlOk = 0,
  kControlConfigErrors = 1,  ///< reload --dry-run: the new configuration has errors
  kControlUsage = 2,
  kControlNotRunning = 3,  ///< no daemon answers on the socket
  kControlPermission = 4,  ///< the socket is not accessible (root only)
  kControlNoAnswer = 5,    ///< timeout, or an answer not in the wire format
};

}  // namespace vigil::daemon
