// SPDX-License-Identifier: GPL-2.0-or-later
// Local servers for the HTTP_GET/SSL_GET tests: a python3 child serving canned
// answers on 127.0.0.1 (plain or TLS with a certificate made at test time by
// the openssl CLI), plus a listener that accepts and never answers and one
// that answers garbage. The child is started and killed by its PID; its ports
// are read from a file it writes, polled with a bounded deadline.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../vrrp_io/io_test_util.hpp"
#include "loop.hpp"

namespace vigil::test {

inline constexpr const char* kPyServer = R"PY(
import http.server, socket, socketserver, ssl, sys, threading, time

mode, portfile = sys.argv[1], sys.argv[2]

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a):
        pass
    def reply(self, code, body):
        b = body.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        p = self.path
        if p == "/ok":
            self.reply(200, "hello world\n")
        elif p.startswith("/status/"):
            self.reply(int(p[8:]), "status " + p[8:] + "\n")
        elif p == "/host":
            self.reply(200, "host=" + str(self.headers.get("Host")) + "\n")
        elif p == "/headers":
            self.reply(200, str(self.request_version) + "\n" + str(self.headers))
        elif p == "/peer":
            self.reply(200, "peer=%s:%d\n" % self.client_address[:2])
        elif p == "/sni":
            self.reply(200, "sni=" + str(getattr(self.connection, "vigil_sni", None)) + "\n")
        elif p == "/slowbody":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"partial")
            self.wfile.flush()
            time.sleep(30)
        else:
            self.reply(404, "not found\n")

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

S.request_queue_size = 256
srv = S(("127.0.0.1", 0), H)
if mode == "tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    def sni(sock, name, c):
        sock.vigil_sni = name
    ctx.sni_callback = sni
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)

held = []
def hang_loop(ls):
    while True:
        c, _ = ls.accept()
        held.append(c)  # accepted, never answered

def garbage_loop(ls):
    while True:
        c, _ = ls.accept()
        try:
            c.recv(4096)
            c.sendall(b"\x00\x01 this is not HTTP at all\r\n\r\n")
        finally:
            c.close()

def listener(fn):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    threading.Thread(target=fn, args=(ls,), daemon=True).start()
    return ls.getsockname()[1]

hang_port = listener(hang_loop)
garbage_port = listener(garbage_loop)
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d %d\n" % (srv.server_address[1], hang_port, garbage_port))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
)PY";

/// Runs argv (no shell) and waits; returns its exit status (-1 if it did not exit).
inline int run_command(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
    return -1;
  }
  return WEXITSTATUS(status);
}

/// A CA and a server certificate for www.example.test and 127.0.0.1, made
/// with the openssl CLI in `dir`: ca.pem, server.pem, server.key.
inline bool make_ca_and_cert(const std::string& dir, const std::string& prefix = "") {
  const std::string ca_key = dir + "/" + prefix + "ca.key";
  const std::string ca = dir + "/" + prefix + "ca.pem";
  const std::string key = dir + "/" + prefix + "server.key";
  const std::string csr = dir + "/" + prefix + "server.csr";
  const std::string crt = dir + "/" + prefix + "server.pem";
  const std::string ext = dir + "/" + prefix + "ext.cnf";
  write_file(ext, "subjectAltName=DNS:www.example.test,IP:127.0.0.1\n");
  return run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
                      "-out", ca, "-days", "2", "-subj", "/CN=vigil test CA " + prefix}) == 0 &&
         run_command({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                      csr, "-subj", "/CN=www.example.test"}) == 0 &&
         run_command({"openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                      "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext}) == 0;
}

/// The python3 server child. Ports are 0 when it failed to start.
class PyServer {
 public:
  PyServer(const TempDir& dir, bool tls, const std::string& cert = "",
           const std::string& key = "") {
    const std::string script = dir.file(tls ? "server_tls.py" : "server.py");
    const std::string portfile = dir.file(tls ? "ports_tls" : "ports");
    write_file(script, kPyServer);
    std::vector<std::string> argv = {"python3", script, tls ? "tls" : "plain", portfile};
    if (tls) {
      argv.push_back(cert);
      argv.push_back(key);
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (auto& a : argv) {
        args.push_back(a.data());
      }
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    // Bounded wait for the port file (atomic rename by the child).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(portfile)) {
        std::istringstream in(read_file(portfile));
        in >> port >> hang_port >> garbage_port;
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling for startup
    }
  }
  PyServer(const PyServer&) = delete;
  PyServer& operator=(const PyServer&) = delete;
  PyServer(PyServer&&) = delete;
  PyServer& operator=(PyServer&&) = delete;
  ~PyServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  std::uint16_t port = 0;
  std::uint16_t hang_port = 0;
  std::uint16_t garbage_port = 0;

 private:
  pid_t pid_ = -1;
};

/// A port on 127.0.0.1 with nothing listening (bound then released).
inline std::uint16_t closed_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

}  // namespace vigil::test
