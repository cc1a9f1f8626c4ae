// SPDX-License-Identifier: GPL-2.0-or-later
// libcurl's multi-socket API on the Asio loop: every transfer of every
// HTTP_GET/SSL_GET probe shares one multi handle, curl's sockets are waited on
// by the loop's reactor and its timeout is one steady_timer. No thread.
//
// curl owns its sockets; the loop waits on a dup() of each one curl announces,
// closed when curl says CURL_POLL_REMOVE (always before curl closes its own),
// so no descriptor is closed twice, watched after its number is reused, or
// leaked.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace vigil::hc::io {

/// An owned easy handle (curl_easy_cleanup on destruction).
class CurlEasy {
 public:
  CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;
  CurlEasy(CurlEasy&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  CurlEasy& operator=(CurlEasy&& o) noexcept;
  ~CurlEasy();
  [[nodiscard]] CURL* get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  CURL* h_ = nullptr;
};

class CurlMulti {
 public:
  /// Called once per transfer with curl's result, on the loop.
  using Done = std::function<void(CURLcode)>;

  explicit CurlMulti(boost::asio::io_context& io);
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;
  CurlMulti(CurlMulti&&) = delete;
  CurlMulti& operator=(CurlMulti&&) = delete;
  /// Abandons transfers still running (their `done` is never called) and
  /// closes every socket. Their easy handles stay with their owners.
  ~CurlMulti();

  /// Starts the transfer configured on `easy` (which must outlive it or be
  /// abandoned first). Sets the easy's socket callbacks; the caller must not
  /// set OPENSOCKETFUNCTION itself (it adds close-on-exec). `done` runs on the
  /// loop, never inside start(), and not after abandon(easy).
  void start(CURL* easy, Done done);

  /// Stops a running transfer and forgets it; `done` is not called. A no-op
  /// for a handle that is not running here.
  void abandon(CURL* easy);

  /// An easy handle for a new transfer: a reset one from the idle pool, or a
  /// new one (may throw). Creating and freeing a handle per check was a
  /// measurable share of an HTTP check's CPU (allocations of several kB).
  CurlEasy take_easy();
  /// Returns a handle that is not running (finished or abandoned) to the idle
  /// pool, reset to its defaults; beyond kIdleEasy it is freed instead.
  void give_back(CurlEasy easy);
  /// At most this many idle handles are kept (some 20 kB each once used);
  /// only reached after that many transfers ran at once.
  static constexpr std::size_t kIdleEasy = 256;
  /// Idle handles in the pool.
  [[nodiscard]] std::size_t idle_easy() const { return idle_.size(); }

  /// Transfers started and not yet finished or abandoned.
  [[nodiscard]] std::size_t running() const { return transfers_.size(); }
  /// Sockets of running transfers the loop is watching.
  [[nodiscard]] std::size_t open_sockets() const { return sockets_.size(); }

 private:
  struct Socket;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* sockp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static curl_socket_t on_open(void* self, curlsocktype purpose, curl_sockaddr* addr);

  void watch(const std::shared_ptr<Socket>& s, bool write);
  void action(curl_socket_t fd, int ev_bitmask);
  void drain_done();

  boost::asio::io_context& io_;
  CURLM* multi_ = nullptr;
  boost::asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::map<CURL*, Done> transfers_;
  std::vector<CurlEasy> idle_;   ///< reset, ready for take_easy()
  std::shared_ptr<bool> alive_;  ///< guards handlers posted to the loop
};

}  // namespace vigil::hc::io
