// SPDX-License-Identifier: GPL-2.0-or-later
// The control socket end to end: a real Unix socket in a temp directory, the
// server on a test loop with a fake state provider, the client both async on
// the same loop and as the `vigild status` / `vigild reload --dry-run`
// subcommands (then the server's loop runs on a thread of its own).
#include "control.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "loop.hpp"
#include "sample_state.hpp"
#include "status_render.hpp"
#include "temp_dir.hpp"
#include "vigil/daemon/cli.hpp"

using namespace vigil::daemon;
namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using namespace std::chrono_literals;

namespace {

/// A fresh directory per test case, removed after it.
/// A temporary directory with the control socket's path in it.
struct TempDir : vigil::test::TempDir {
  [[nodiscard]] std::string sock() const { return file("vigild.sock"); }
};

/// The fake daemon: a fixed State and a preview that tests set. The preview
/// answers at once, or, with `hold`, when the test calls release() (as the
/// daemon's does once its worker thread has read the configuration).
struct Fake {
  State state = vigil::test::sample_state();
  ControlPreview preview{true, {"vrrp: VI_1: priority 150 -> 200", "ipvs: add 198.18.0.14:80"}};
  int state_calls = 0;
  bool hold = false;
  bool twice = false;  ///< a buggy daemon: answers each preview twice
  std::vector<std::function<void(ControlPreview)>> held;
  ControlHandlers handlers() {
    return ControlHandlers{[this] {
                             ++state_calls;
                             return state;
                           },
                           [this](std::function<void(ControlPreview)> done) {
                             if (hold) {
                               held.push_back(std::move(done));
                             } else {
                               done(preview);
                               if (twice) {
                                 done(ControlPreview{false, {"a second answer"}});
                               }
                             }
                           }};
  }
  /// Answers the held previews.
  void release() {
    for (auto& done : std::exchange(held, {})) {
      done(preview);
    }
  }
};

/// control_answer's answer, when it comes at once.
std::string answer_now(const std::string& request, const ControlHandlers& h) {
  std::optional<std::string> got;
  control_answer(request, h, [&got](std::string a) { got = std::move(a); });
  REQUIRE(got.has_value());
  return *got;
}

/// A test's socket directory, loop and fake daemon; serve() starts a control
/// server on them.
struct Harness {
  TempDir dir;
  asio::io_context io;
  Fake f;
  std::optional<ControlServer> server;  ///< last: it stops before the loop goes
  void serve(ControlServerOptions o = {}) {
    server.emplace(io, f.handlers(), o);
    REQUIRE(server->start(dir.sock()).empty());
  }
};

ControlReply ask(asio::io_context& io, const std::string& path, const std::string& req) {
  std::optional<ControlReply> got;
  async_control_request(io, path, req, 5s, [&got](ControlReply r) { got = std::move(r); });
  REQUIRE(vigil::test::run_until(io, [&] { return got.has_value(); }));
  return *got;
}

/// Reads from `s` into `got` until the server closes it; false if it has not
/// closed within run_until's bound.
bool read_to_close(asio::io_context& io, local::socket& s, std::string& got) {
  std::array<char, 4096> chunk{};
  bool closed = false;
  std::function<void()> rd = [&] {
    s.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec, std::size_t n) {
      got.append(chunk.data(), n);
      if (ec) {
        closed = true;
      } else {
        rd();
      }
    });
  };
  rd();
  if (vigil::test::run_until(io, [&] { return closed; })) {
    return true;
  }
  // Cancel the read, so its handler does not outlive the locals it uses.
  s.close();
  vigil::test::run_until(io, [&] { return closed; });
  return false;
}

/// Writes raw bytes and reads until the server closes.
std::string raw_exchange(asio::io_context& io, const std::string& path, const std::string& bytes,
                         bool& closed) {
  local::socket s(io);
  s.connect(local::endpoint(path));
  if (!bytes.empty()) {
    asio::write(s, asio::buffer(bytes));
  }
  std::string got;
  closed = read_to_close(io, s, got);
  return got;
}

/// "vigild" and `args` as main()'s argc and argv.
struct Argv {
  std::vector<std::string> words;
  std::vector<char*> ptrs;
  explicit Argv(std::vector<std::string> args) : words(std::move(args)) {
    words.insert(words.begin(), "vigild");
    for (auto& w : words) {
      ptrs.push_back(w.data());
    }
    ptrs.push_back(nullptr);
  }
  [[nodiscard]] int argc() const { return static_cast<int>(words.size()); }
  char** argv() { return ptrs.data(); }
};

struct Cli {
  int rc;
  std::string out;
  std::string err;
};

Cli cli(std::vector<std::string> args) {
  Argv a(std::move(args));
  std::ostringstream out;
  std::ostringstream err;
  const int rc = run_cli(a.argc(), a.argv(), out, err);
  return {rc, out.str(), err.str()};
}

/// Runs a server loop on its own thread while the blocking client runs here.
struct ServerThread {
  asio::io_context io;
  Fake fake;
  ControlServer server{io, fake.handlers()};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread t;
  explicit ServerThread(const std::string& path, std::optional<ControlPreview> preview = {}) {
    if (preview) {
      fake.preview = *preview;  // before the loop's thread exists
    }
    REQUIRE(server.start(path).empty());
    work.emplace(io.get_executor());
    t = std::thread([this] { io.run(); });
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ServerThread(ServerThread&&) = delete;
  ServerThread& operator=(ServerThread&&) = delete;
  ~ServerThread() {
    work.reset();
    io.stop();
    t.join();
  }
};

}  // namespace

TEST_CASE("control: the wire answers for each request", "[control]") {
  Fake f;
  const auto h = f.handlers();
  CHECK(answer_now("status", h) == "OK\n" + render_status_text(f.state));
  CHECK(answer_now("status json", h) == "OK\n" + render_status_json(f.state));
  CHECK(answer_now("status\r", h).rfind("OK\n", 0) == 0);
  CHECK(answer_now("reload preview", h) ==
        "OK\nvrrp: VI_1: priority 150 -> 200\nipvs: add 198.18.0.14:80\n");
  f.preview = {false, {"/etc/k.conf:3:5: error: unknown keyword 'foo'"}};
  CHECK(answer_now("reload preview", f.handlers()) ==
        "FAILED\n/etc/k.conf:3:5: error: unknown keyword 'foo'\n");
  for (const char* bad : {"", "STATUS", "status xml", "reload", "\x01\x02"}) {
    INFO(bad);
    CHECK(answer_now(bad, h).rfind("ERROR ", 0) == 0);
  }
  ControlHandlers throwing{[]() -> State { throw std::runtime_error("boom"); }, nullptr};
  CHECK(answer_now("status", throwing) == "ERROR internal error: boom\n");
  CHECK(answer_now("reload preview", throwing).rfind("ERROR internal error: ", 0) == 0);
}

TEST_CASE("control: a preview answers when the daemon has it, not before", "[control]") {
  Fake f;
  f.hold = true;
  std::vector<std::string> got;
  control_answer("reload preview", f.handlers(), [&got](std::string a) { got.push_back(a); });
  CHECK(got.empty());
  REQUIRE(f.held.size() == 1);
  f.release();
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "OK\nvrrp: VI_1: priority 150 -> 200\nipvs: add 198.18.0.14:80\n");
}

TEST_CASE_METHOD(Harness, "control: a held preview keeps its connection, and status still answers",
                 "[control]") {
  f.hold = true;
  serve();
  std::optional<ControlReply> preview;
  async_control_request(io, dir.sock(), "reload preview", 5s,
                        [&preview](ControlReply r) { preview = std::move(r); });
  REQUIRE(vigil::test::run_until(io, [&] { return !f.held.empty(); }));
  // The loop is free while the preview is held: another client is served.
  const ControlReply status = ask(io, dir.sock(), "status");
  CHECK(status.status == "OK");
  CHECK_FALSE(preview.has_value());
  f.preview = {false, {"/etc/k.conf:1:1: error: unknown keyword 'x'"}};
  f.release();
  REQUIRE(vigil::test::run_until(io, [&] { return preview.has_value(); }));
  CHECK(preview->error == ControlError::None);
  CHECK(preview->status == "FAILED");
  CHECK(preview->body == "/etc/k.conf:1:1: error: unknown keyword 'x'\n");
}

TEST_CASE_METHOD(Harness, "control: a second reply to one request is dropped", "[control]") {
  f.twice = true;
  serve();
  const ControlReply r = ask(io, dir.sock(), "reload preview");
  CHECK(r.error == ControlError::None);
  CHECK(r.status == "OK");
  CHECK(r.body == "vrrp: VI_1: priority 150 -> 200\nipvs: add 198.18.0.14:80\n");
}

TEST_CASE_METHOD(Harness, "control: a preview that never comes ends at the answer deadline",
                 "[control]") {
  f.hold = true;
  ControlServerOptions o;
  o.write_timeout = 200ms;
  serve(o);
  std::optional<ControlReply> preview;
  async_control_request(io, dir.sock(), "reload preview", 5s,
                        [&preview](ControlReply r) { preview = std::move(r); });
  REQUIRE(vigil::test::run_until(io, [&] { return preview.has_value(); }));
  CHECK(preview->error != ControlError::None);
  // Answering after the connection is gone is harmless.
  f.release();
  io.poll();
}

TEST_CASE_METHOD(Harness, "control: server and client on a real Unix socket", "[control]") {
  serve();

  struct stat st {};
  REQUIRE(::lstat(dir.sock().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_uid == ::geteuid());

  ControlReply r = ask(io, dir.sock(), "status");
  CHECK(r.error == ControlError::None);
  CHECK(r.status == "OK");
  CHECK(r.body == render_status_text(f.state));

  r = ask(io, dir.sock(), "status json");
  CHECK(r.status == "OK");
  CHECK(nlohmann::json::parse(r.body)["daemon"]["reloads_failed"] == 1);

  r = ask(io, dir.sock(), "reload preview");
  CHECK(r.status == "OK");
  CHECK(r.body == "vrrp: VI_1: priority 150 -> 200\nipvs: add 198.18.0.14:80\n");

  r = ask(io, dir.sock(), "what");
  CHECK(r.error == ControlError::None);
  CHECK(r.status.rfind("ERROR unknown request", 0) == 0);

  server->stop();
  CHECK_FALSE(std::filesystem::exists(dir.sock()));
  r = ask(io, dir.sock(), "status");
  CHECK(r.error == ControlError::NotRunning);
  CHECK(r.message.find("not running") != std::string::npos);
}

TEST_CASE_METHOD(Harness, "control: many clients at once", "[control]") {
  serve();
  constexpr int kClients = 40;
  int ok = 0;
  int answered = 0;
  for (int i = 0; i < kClients; ++i) {
    async_control_request(io, dir.sock(), i % 2 == 0 ? "status" : "status json", 5s,
                          [&](const ControlReply& r) {
                            ++answered;
                            ok += r.status == "OK" ? 1 : 0;
                          });
  }
  REQUIRE(vigil::test::run_until(io, [&] { return answered == kClients; }));
  CHECK(ok == kClients);
  CHECK(f.state_calls == kClients);
}

TEST_CASE_METHOD(Harness, "control: bad, overlong and stuck clients", "[control]") {
  ControlServerOptions o;
  o.read_timeout = 200ms;
  serve(o);
  bool closed = false;

  SECTION("overlong request") {
    const std::string got = raw_exchange(io, dir.sock(), std::string(1000, 'x'), closed);
    CHECK(closed);
    CHECK(got == "ERROR request too long\n");
  }
  SECTION("garbage line") {
    const std::string got = raw_exchange(io, dir.sock(), std::string("\x00\xff\n", 3), closed);
    CHECK(closed);
    CHECK(got.rfind("ERROR unknown request", 0) == 0);
  }
  SECTION("a request without its newline, then end of input") {
    local::socket s(io);
    s.connect(local::endpoint(dir.sock()));
    asio::write(s, asio::buffer(std::string("status")));
    s.shutdown(local::socket::shutdown_send);
    std::string got;
    REQUIRE(read_to_close(io, s, got));
    CHECK(got.rfind("OK\nDaemon\n", 0) == 0);
  }
  SECTION("a client that says nothing is dropped after the read timeout") {
    const auto before = std::chrono::steady_clock::now();
    const std::string got = raw_exchange(io, dir.sock(), "", closed);
    CHECK(closed);
    CHECK(got.empty());
    CHECK(std::chrono::steady_clock::now() - before >= 150ms);
    // ...and the server still answers others.
    CHECK(ask(io, dir.sock(), "status").status == "OK");
  }
}

TEST_CASE("control: the socket file at start and stop", "[control]") {
  TempDir dir;
  asio::io_context io;
  Fake f;

  SECTION("a stale socket from a killed daemon is replaced") {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, dir.sock().c_str());
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
    ::close(fd);  // the file stays, nobody listens
    CHECK(ask(io, dir.sock(), "status").error == ControlError::NotRunning);
    ControlServer server(io, f.handlers());
    CHECK(server.start(dir.sock()).empty());
    CHECK(ask(io, dir.sock(), "status").status == "OK");
  }
  SECTION("a live socket (another daemon) is left alone") {
    ControlServer first(io, f.handlers());
    REQUIRE(first.start(dir.sock()).empty());
    ControlServer second(io, f.handlers());
    const std::string why = second.start(dir.sock());
    CHECK(why.find("in use") != std::string::npos);
    second.stop();
    CHECK(std::filesystem::exists(dir.sock()));
    CHECK(ask(io, dir.sock(), "status").status == "OK");
  }
  SECTION("a file that is not a socket is not replaced") {
    std::ofstream(dir.sock()) << "keep me\n";
    ControlServer server(io, f.handlers());
    CHECK(server.start(dir.sock()).find("not a socket") != std::string::npos);
    CHECK(std::filesystem::is_regular_file(dir.sock()));
  }
  SECTION("a socket replaced by someone else is not removed at stop") {
    ControlServer server(io, f.handlers());
    REQUIRE(server.start(dir.sock()).empty());
    std::filesystem::remove(dir.sock());
    std::ofstream(dir.sock()) << "new\n";
    server.stop();
    CHECK(std::filesystem::is_regular_file(dir.sock()));
  }
  SECTION("a path too long for a Unix socket") {
    ControlServer server(io, f.handlers());
    CHECK(server.start(dir.path().string() + "/" + std::string(120, 'a')).find("too long") !=
          std::string::npos);
  }
  SECTION("a directory that does not exist") {
    ControlServer server(io, f.handlers());
    CHECK(server.start(dir.path().string() + "/no/such/dir/s").find("cannot create") !=
          std::string::npos);
  }
}

TEST_CASE("control: vigild status and reload --dry-run against a server", "[control][cli]") {
  TempDir dir;
  {
    ServerThread srv(dir.sock());
    Cli c = cli({"status", "--socket", dir.sock()});
    CHECK(c.rc == kControlOk);
    CHECK(c.out == render_status_text(vigil::test::sample_state()));
    CHECK(c.err.empty());

    c = cli({"status", "--json", "--socket=" + dir.sock()});
    CHECK(c.rc == kControlOk);
    CHECK(nlohmann::json::parse(c.out)["vrrp"][0]["state"] == "MASTER");

    c = cli({"reload", "--dry-run", "--socket", dir.sock()});
    CHECK(c.rc == kControlOk);
    CHECK(c.out == "vrrp: VI_1: priority 150 -> 200\nipvs: add 198.18.0.14:80\n");
  }
  {
    ServerThread srv(dir.sock(), ControlPreview{true, {}});
    Cli c = cli({"reload", "--dry-run", "--socket", dir.sock()});
    CHECK(c.rc == kControlOk);
    CHECK(c.out.find("No changes") != std::string::npos);
  }
  {
    ServerThread srv(dir.sock(),
                     ControlPreview{false, {"/etc/k.conf:3:5: error: unknown keyword 'foo'"}});
    Cli c = cli({"reload", "--dry-run", "--socket", dir.sock()});
    CHECK(c.rc == kControlConfigErrors);
    CHECK(c.out.empty());
    CHECK(c.err.find("/etc/k.conf:3:5: error: unknown keyword 'foo'\n") == 0);
    CHECK(c.err.find("would be rejected") != std::string::npos);
  }
}

TEST_CASE("control: client errors and usage", "[control][cli]") {
  TempDir dir;
  Cli c = cli({"status", "--socket", dir.sock()});
  CHECK(c.rc == kControlNotRunning);
  CHECK(c.err.find("vigild is not running: no control socket at " + dir.sock()) !=
        std::string::npos);

  c = cli({"reload", "--dry-run", "--socket", dir.sock()});
  CHECK(c.rc == kControlNotRunning);

  c = cli({"reload", "--socket", dir.sock()});
  CHECK(c.rc == kControlUsage);
  CHECK(c.err.find("SIGHUP") != std::string::npos);

  for (const std::vector<std::string>& args : {std::vector<std::string>{"status", "--bogus"},
                                               {"status", "--socket"},
                                               {"status", "--socket="},
                                               {"status", "--timeout", "0"},
                                               {"status", "--timeout=x"},
                                               {"reload", "--json"},
                                               {"status", "--dry-run"}}) {
    INFO(args[1]);
    c = cli(args);
    CHECK(c.rc == kControlUsage);
    CHECK(c.err.find("Usage: vigild") != std::string::npos);
  }
  c = cli({"status", "--help"});
  CHECK(c.rc == kControlOk);
  CHECK(c.out.find("Usage: vigild status") == 0);

  // A server that accepts but never answers: the client gives up in time.
  asio::io_context io;
  local::acceptor mute(io, local::endpoint(dir.sock()));
  c = cli({"status", "--socket", dir.sock(), "--timeout", "0.2"});
  CHECK(c.rc == kControlNoAnswer);
  CHECK(c.err.find("no answer from vigild") != std::string::npos);
}

TEST_CASE("control: --control-socket and --metrics-listen options", "[control][cli]") {
  auto parse = [](std::vector<std::string> args) {
    Argv a(std::move(args));
    std::ostringstream err;
    auto o = parse_args(a.argc(), a.argv(), err);
    return std::make_pair(o, err.str());
  };
  auto [d, e0] = parse({});
  REQUIRE(d);
  CHECK(d->control_socket == "/run/vigild.sock");
  CHECK_FALSE(d->metrics_listen);
  CHECK(parse({"--control-socket=/tmp/x.sock"}).first->control_socket == "/tmp/x.sock");
  CHECK(parse({"--control-socket="}).first->control_socket.empty());
  CHECK(parse({"--control-socket=none"}).first->control_socket.empty());
  CHECK(parse({"--metrics-listen=127.0.0.1:9650"}).first->metrics_listen == "127.0.0.1:9650");
  CHECK(parse({"--metrics-listen=[::1]:9650"}).first->metrics_listen == "[::1]:9650");
  for (const char* bad : {"--metrics-listen=localhost:9650", "--metrics-listen=127.0.0.1",
                          "--metrics-listen=127.0.0.1:0", "--metrics-listen=127.0.0.1:70000",
                          "--metrics-listen=::1:9650", "--metrics-listen=[::1]9650"}) {
    INFO(bad);
    auto [o, err] = parse({bad});
    CHECK_FALSE(o);
    CHECK(err.find("--metrics-listen") != std::string::npos);
  }
}

TEST_CASE_METHOD(Harness, "control: connections past the limit are closed at once", "[control]") {
  ControlServerOptions o;
  o.max_connections = 2;
  o.read_timeout = 300ms;
  serve(o);
  // Two silent clients hold both places...
  local::socket a(io);
  local::socket b(io);
  a.connect(local::endpoint(dir.sock()));
  b.connect(local::endpoint(dir.sock()));
  vigil::test::run_for(io, 50ms);
  // ...so a third is closed without an answer, well before the read timeout.
  const auto before = std::chrono::steady_clock::now();
  const ControlReply r = ask(io, dir.sock(), "status");
  CHECK(r.error == ControlError::Protocol);
  CHECK(std::chrono::steady_clock::now() - before < 300ms);
  // Once the silent ones time out, the server answers again.
  bool ok = false;
  REQUIRE(vigil::test::run_until(io, [&] {
    ok = ask(io, dir.sock(), "status").status == "OK";
    return ok;
  }));
}

TEST_CASE_METHOD(Harness, "control: another user cannot use the socket", "[control]") {
  serve();
  if (::geteuid() != 0) {
    // Without root there is no other user to become; the mode is what keeps them out.
    struct stat st {};
    REQUIRE(::stat(dir.sock().c_str(), &st) == 0);
    CHECK((st.st_mode & 077) == 0);
    return;
  }
  // Let "nobody" reach the socket file, so the refusal comes from its mode.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
      ::_exit(99);
    }
    const ControlReply r = control_request(dir.sock(), "status", 5s);
    ::_exit(static_cast<int>(r.error));
  }
  int st = 0;
  REQUIRE(::waitpid(child, &st, 0) == child);
  REQUIRE(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == static_cast<int>(ControlError::PermissionDenied));
}

TEST_CASE("control: a relative socket path is removed at stop even after a chdir", "[control]") {
  TempDir dir;
  asio::io_context io;
  Fake f;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  ControlServer server(io, f.handlers());
  const std::string why = server.start("rel.sock");
  std::filesystem::current_path(cwd);  // as the daemon leaves for "/" when it detaches
  REQUIRE(why.empty());
  CHECK(std::filesystem::exists(dir.path() / "rel.sock"));
  server.stop();
  CHECK_FALSE(std::filesystem::exists(dir.path() / "rel.sock"));
}
