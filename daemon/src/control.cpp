// SPDX-License-Identifier: GPL-2.0-or-later
// The control socket server and client (see control.hpp for the wire format).
// The server is a OneShotServer on the daemon's loop (one_shot_server.hpp);
// here are its protocol (one line, a peer check) and its socket file.
#include "control.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "one_shot_server.hpp"
#include "status_render.hpp"

namespace vigil::daemon {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

/// Does someone accept connections on the Unix socket at `path`? 0 if so,
/// else the connect() errno.
int probe_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return errno;
  }
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  const int e = rc == 0 ? 0 : errno;
  ::close(fd);
  return e;
}

}  // namespace

namespace {

std::string render_preview(const ControlPreview& p) {
  std::string out = p.ok ? "OK\n" : "FAILED\n";
  for (const std::string& l : p.lines) {
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace

void control_answer(const std::string& request, const ControlHandlers& h,
                    std::function<void(std::string)> done) {
  const std::string_view req = trim_blanks(request);
  std::string answer;
  try {
    if (req == "status") {
      answer = "OK\n" + render_status_text(h.state());
    } else if (req == "status json") {
      answer = "OK\n" + render_status_json(h.state());
    } else if (req == "reload preview") {
      h.preview([done](const ControlPreview& p) { done(render_preview(p)); });
      return;
    } else {
      answer = "ERROR unknown request (expected: status, status json, reload preview)\n";
    }
  } catch (const std::exception& e) {
    answer = std::string("ERROR internal error: ") + e.what() + "\n";
  }
  done(std::move(answer));
}

// ---- Server ----------------------------------------------------------------

namespace {

/// Only root and the daemon's own user may talk to it, even if someone
/// loosened the socket's mode.
bool peer_allowed(local::socket& sock) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(sock.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return false;
  }
  return cred.uid == 0 || cred.uid == ::geteuid();
}

OneShotHandler<local::socket> control_protocol(ControlHandlers handlers) {
  OneShotHandler<local::socket> p;
  p.delimiter = "\n";
  p.screen = [](local::socket& sock) -> std::optional<std::string> {
    if (peer_allowed(sock)) {
      return std::nullopt;
    }
    return "ERROR permission denied\n";
  };
  // A last line without its "\n" before the end of input is a request too.
  p.answer = [h = std::move(handlers)](RequestEnd end, std::string line,
                                       const OneShotHandler<local::socket>::Reply& reply) {
    if (end == RequestEnd::TooLong) {
      reply("ERROR request too long\n");
      return;
    }
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
    }
    control_answer(line, h, [reply](std::string a) { reply(std::move(a)); });
  };
  return p;
}

}  // namespace

struct ControlServer::Impl {
  std::shared_ptr<OneShotServer<local>> server;
  std::string path;
  dev_t dev = 0;
  ino_t ino = 0;
};

ControlServer::ControlServer(asio::io_context& io, ControlHandlers handlers,
                             ControlServerOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->server = std::make_shared<OneShotServer<local>>(
      io, control_protocol(std::move(handlers)),
      OneShotLimits{opts.read_timeout, opts.write_timeout, kControlMaxRequest,
                    opts.max_connections});
}

ControlServer::~ControlServer() {
  stop();
}

std::string ControlServer::start(const std::string& given) {
  if (given.empty()) {
    return "no path";
  }
  // Absolute, so stop() finds it after the daemon has chdir'ed to "/".
  std::error_code fec;
  const std::string path = std::filesystem::absolute(given, fec).string();
  if (fec) {
    return given + ": " + fec.message();
  }
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return path + ": path too long for a Unix socket";
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return path + " exists and is not a socket; not replacing it";
    }
    const int e = probe_socket(path);
    if (e == 0) {
      return path + " is in use (is another vigild running?)";
    }
    if (e != ECONNREFUSED) {
      return path + ": " + std::strerror(e);
    }
    // Stale: left by a daemon that was killed. Replace it.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return "cannot remove the stale " + path + ": " + std::strerror(errno);
    }
  }
  boost::system::error_code ec;
  auto& a = impl_->server->acceptor();
  a.open(local(), ec);
  if (ec) {
    return ec.message();
  }
  // Created 0600 from the start, so there is no moment anyone else may connect.
  const mode_t old = ::umask(0177);
  a.bind(local::endpoint(path), ec);
  ::umask(old);
  if (ec) {
    a.close();
    return "cannot create " + path + ": " + ec.message();
  }
  ::chmod(path.c_str(), 0600);
  if (::lstat(path.c_str(), &st) == 0) {
    impl_->dev = st.st_dev;
    impl_->ino = st.st_ino;
  }
  a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close();
    ::unlink(path.c_str());
    return "cannot listen on " + path + ": " + ec.message();
  }
  impl_->path = path;
  impl_->server->serve();
  return {};
}

void ControlServer::stop() {
  if (!impl_->server->stop()) {
    return;
  }
  // Only our own socket: another daemon may have replaced it meanwhile.
  struct stat st {};
  if (::lstat(impl_->path.c_str(), &st) == 0 && st.st_dev == impl_->dev &&
      st.st_ino == impl_->ino) {
    ::unlink(impl_->path.c_str());
  }
}

// ---- Client ----------------------------------------------------------------

namespace {

constexpr std::size_t kMaxAnswer = std::size_t{512} << 20;

struct ClientOp : std::enable_shared_from_this<ClientOp> {
  ClientOp(asio::io_context& io, std::string p, std::function<void(ControlReply)> d)
      : sock(io), timer(io), path(std::move(p)), done(std::move(d)) {}

  local::socket sock;
  asio::steady_timer timer;
  std::string path;
  std::string request;
  std::string answer;
  std::array<char, 65536> chunk{};
  std::function<void(ControlReply)> done;
  bool finished = false;

  void finish(ControlReply r) {
    if (finished) {
      return;
    }
    finished = true;
    timer.cancel();
    boost::system::error_code ignored;
    sock.close(ignored);
    done(std::move(r));
  }

  void fail(ControlError e, std::string msg) {
    ControlReply r;
    r.error = e;
    r.message = std::move(msg);
    finish(std::move(r));
  }

  void connect_failed(const boost::system::error_code& ec) {
    if (ec == asio::error::connection_refused) {
      fail(ControlError::NotRunning,
           "vigild is not running: nobody answers on " + path + " (a stale socket)");
    } else if (ec.value() == ENOENT) {
      fail(ControlError::NotRunning, "vigild is not running: no control socket at " + path +
                                         " (or it runs with --control-socket elsewhere)");
    } else if (ec == asio::error::access_denied || ec.value() == EPERM) {
      fail(ControlError::PermissionDenied,
           "permission denied on " + path + ": the control socket is for root only");
    } else {
      fail(ControlError::Other, "cannot connect to " + path + ": " + ec.message());
    }
  }

  /// The daemon dropped us (busy with too many clients, or stopping).
  void io_failed(const char* doing, const boost::system::error_code& ec) {
    if (ec == asio::error::broken_pipe || ec == asio::error::connection_reset) {
      fail(ControlError::Protocol, "vigild closed the connection without answering (" +
                                       ec.message() + "); too many clients?");
    } else {
      fail(ControlError::Other, std::string(doing) + " on " + path + ": " + ec.message());
    }
  }

  void start(std::chrono::milliseconds timeout) {
    auto self = shared_from_this();
    timer.expires_after(timeout);
    timer.async_wait([self, timeout](const boost::system::error_code& ec) {
      if (!ec) {
        self->fail(ControlError::Timeout, "no answer from vigild on " + self->path + " within " +
                                              std::to_string(timeout.count()) + " ms");
      }
    });
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
      fail(ControlError::Other, path + ": path too long for a Unix socket");
      return;
    }
    sock.async_connect(local::endpoint(path), [self](const boost::system::error_code& ec) {
      if (self->finished) {
        return;
      }
      if (ec) {
        self->connect_failed(ec);
        return;
      }
      asio::async_write(self->sock, asio::buffer(self->request),
                        [self](const boost::system::error_code& wec, std::size_t) {
                          if (self->finished) {
                            return;
                          }
                          if (wec) {
                            self->io_failed("sending the request", wec);
                            return;
                          }
                          self->read();
                        });
    });
  }

  void read() {
    auto self = shared_from_this();
    sock.async_read_some(asio::buffer(chunk),
                         [self](const boost::system::error_code& ec, std::size_t n) {
                           if (self->finished) {
                             return;
                           }
                           self->answer.append(self->chunk.data(), n);
                           if (self->answer.size() > kMaxAnswer) {
                             self->fail(ControlError::Protocol, "the answer is too large");
                           } else if (ec == asio::error::eof) {
                             self->parse();
                           } else if (ec) {
                             self->io_failed("reading the answer", ec);
                           } else {
                             self->read();
                           }
                         });
  }

  void parse() {
    const auto nl = answer.find('\n');
    if (nl == std::string::npos) {
      fail(ControlError::Protocol, answer.empty() ? "vigild closed the connection without answering"
                                                  : "the answer has no status line");
      return;
    }
    ControlReply r;
    r.status = answer.substr(0, nl);
    r.body = answer.substr(nl + 1);
    if (r.status != "OK" && r.status != "FAILED" && r.status.rfind("ERROR", 0) != 0) {
      fail(ControlError::Protocol, "unexpected status line '" + r.status + "'");
      return;
    }
    finish(std::move(r));
  }
};

}  // namespace

void async_control_request(asio::io_context& io, const std::string& path,
                           const std::string& request, std::chrono::milliseconds timeout,
                           std::function<void(ControlReply)> done) {
  auto op = std::make_shared<ClientOp>(io, path, std::move(done));
  op->request = request + "\n";
  op->start(timeout);
}

ControlReply control_request(const std::string& path, const std::string& request,
                             std::chrono::milliseconds timeout) {
  asio::io_context io(1);
  ControlReply out;
  out.error = ControlError::Timeout;
  out.message = "no answer";
  async_control_request(io, path, request, timeout, [&out](ControlReply r) { out = std::move(r); });
  io.run();
  return out;
}

// ---- Subcommands -------------------------------------------------------------

namespace {

struct ClientArgs {
  std::string socket = kDefaultControlSocket;
  std::chrono::milliseconds timeout{30000};
  bool json = false;
  bool dry_run = false;
  bool help = false;
};

/// Parses the options both subcommands share; "" or an error message.
std::string parse_client_args(int argc, char** argv, bool allow_json, bool allow_dry_run,
                              ClientArgs& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& name, std::string& into) -> bool {
      if (arg == name && i + 1 < argc) {
        into = argv[++i];
        return true;
      }
      if (arg.rfind(name + "=", 0) == 0) {
        into = arg.substr(name.size() + 1);
        return true;
      }
      return false;
    };
    std::string v;
    if (arg == "-h" || arg == "--help") {
      a.help = true;
    } else if (allow_json && arg == "--json") {
      a.json = true;
    } else if (allow_dry_run && (arg == "--dry-run" || arg == "-n")) {
      a.dry_run = true;
    } else if (value("--socket", v)) {
      if (v.empty()) {
        return "--socket needs a path";
      }
      a.socket = v;
    } else if (value("--timeout", v)) {
      char* end = nullptr;
      const double secs = std::strtod(v.c_str(), &end);
      if (v.empty() || end == nullptr || *end != '\0' || !(secs >= 0.001 && secs <= 3600)) {
        return "--timeout takes seconds between 0.001 and 3600, not '" + v + "'";
      }
      a.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000));
    } else {
      return "unknown argument '" + arg + "'";
    }
  }
  return {};
}

int reply_exit(const ControlReply& r, const char* who, std::ostream& err) {
  err << who << ": " << r.message << "\n";
  switch (r.error) {
    case ControlError::NotRunning:
      return kControlNotRunning;
    case ControlError::PermissionDenied:
      return kControlPermission;
    default:
      return kControlNoAnswer;
  }
}

constexpr const char* kStatusUsage =
    "Usage: vigild status [--json] [--socket PATH] [--timeout SECONDS]\n"
    "  The running daemon's VRRP instances, virtual and real servers and checks.\n"
    "  --json     as JSON\n"
    "  --socket   the daemon's control socket (default /run/vigild.sock)\n"
    "Exit: 0 ok, 2 usage, 3 not running, 4 permission denied, 5 no or bad answer.\n";

constexpr const char* kReloadUsage =
    "Usage: vigild reload --dry-run [--socket PATH] [--timeout SECONDS]\n"
    "  What a SIGHUP would change now, without applying it: the daemon re-reads\n"
    "  its configuration file and compares it with what runs.\n"
    "Exit: 0 the reload would apply, 1 the configuration has errors, 2 usage,\n"
    "      3 not running, 4 permission denied, 5 no or bad answer.\n";

}  // namespace

int run_status(int argc, char** argv, std::ostream& out, std::ostream& err) {
  ClientArgs a;
  if (std::string e = parse_client_args(argc, argv, true, false, a); !e.empty()) {
    err << "vigild status: " << e << "\n" << kStatusUsage;
    return kControlUsage;
  }
  if (a.help) {
    out << kStatusUsage;
    return kControlOk;
  }
  const ControlReply r = control_request(a.socket, a.json ? "status json" : "status", a.timeout);
  if (r.error != ControlError::None) {
    return reply_exit(r, "vigild status", err);
  }
  if (r.status != "OK") {
    err << "vigild status: the daemon answered: " << r.status << "\n";
    return kControlNoAnswer;
  }
  out << r.body;
  return kControlOk;
}

int run_reload(int argc, char** argv, std::ostream& out, std::ostream& err) {
  ClientArgs a;
  if (std::string e = parse_client_args(argc, argv, false, true, a); !e.empty()) {
    err << "vigild reload: " << e << "\n" << kReloadUsage;
    return kControlUsage;
  }
  if (a.help) {
    out << kReloadUsage;
    return kControlOk;
  }
  if (!a.dry_run) {
    err << "vigild reload: only --dry-run is done here; to reload, send SIGHUP to the daemon\n"
           "  (systemctl reload vigild, or kill -HUP $(cat /run/keepalived.pid))\n";
    return kControlUsage;
  }
  const ControlReply r = control_request(a.socket, "reload preview", a.timeout);
  if (r.error != ControlError::None) {
    return reply_exit(r, "vigild reload", err);
  }
  if (r.status == "FAILED") {
    err << r.body;
    err << "vigild reload: the configuration has errors: a reload would be rejected and the "
           "running configuration kept\n";
    return kControlConfigErrors;
  }
  if (r.status != "OK") {
    err << "vigild reload: the daemon answered: " << r.status << "\n";
    return kControlNoAnswer;
  }
  out << r.body;
  if (r.body.empty()) {
    out << "No changes: a reload now would change nothing.\n";
  }
  return kControlOk;
}

}  // namespace vigil::daemon
