// SPDX-License-Identifier: GPL-2.0-or-later
// notify::ready/reloading/stopping/status against a datagram socket bound
// here and named by NOTIFY_SOCKET, as systemd would; and without
// NOTIFY_SOCKET, where every call must do nothing.
#include "notify.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

/// A bound AF_UNIX datagram socket in a fresh directory, set as NOTIFY_SOCKET.
class FakeSystemd {
 public:
  FakeSystemd() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-notify-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/notify.sock";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path_.size() < sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0);
    // A bounded wait: a missing message fails the test instead of hanging it.
    timeval tv{5, 0};
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;
  FakeSystemd(FakeSystemd&&) = delete;
  FakeSystemd& operator=(FakeSystemd&&) = delete;
  ~FakeSystemd() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }

  /// The next datagram, or "" after the timeout.
  std::string next() {
    std::array<char, 4096> buf{};
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace

namespace notify = vigil::daemon::notify;

TEST_CASE("notify: READY, RELOADING, STOPPING and STATUS reach NOTIFY_SOCKET", "[notify]") {
  FakeSystemd systemd;
  notify::ready("Running: VRRP and IPVS/checkers");
  CHECK(systemd.next() == "READY=1\nSTATUS=Running: VRRP and IPVS/checkers");
  notify::reloading();
  const std::string reloading = systemd.next();
  CHECK(reloading.rfind("RELOADING=1\n", 0) == 0);
  CHECK(reloading.find("\nMONOTONIC_USEC=") != std::string::npos);
  notify::stopping();
  CHECK(systemd.next() == "STOPPING=1\nSTATUS=Stopping");
  notify::status("two\nlines");
  CHECK(systemd.next() == "STATUS=two lines");
}

TEST_CASE("notify: without NOTIFY_SOCKET every call does nothing", "[notify]") {
  ::unsetenv("NOTIFY_SOCKET");
  notify::ready("Running");
  notify::reloading();
  notify::stopping();
  notify::status("x");
  CHECK(std::getenv("NOTIFY_SOCKET") == nullptr);
}
