// SPDX-License-Identifier: GPL-2.0-or-later
// CurlMulti: curl's multi-socket callbacks bridged to Asio waits and one timer.
#include "vigil/hc/io/curl_multi.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::hc::io {

namespace {

// curl_global_init is not thread-safe and must run before any handle exists;
// vigild is single-threaded, so the first user does it.
void global_init() {
  static const bool done = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
    return true;
  }();
  (void)done;
}

}  // namespace

CurlEasy::CurlEasy() {
  global_init();
  h_ = curl_easy_init();
  if (h_ == nullptr) {
    throw std::runtime_error("curl_easy_init failed");
  }
}

CurlEasy& CurlEasy::operator=(CurlEasy&& o) noexcept {
  if (this != &o) {
    if (h_ != nullptr) {
      curl_easy_cleanup(h_);
    }
    h_ = o.h_;
    o.h_ = nullptr;
  }
  return *this;
}

CurlEasy::~CurlEasy() {
  if (h_ != nullptr) {
    curl_easy_cleanup(h_);
  }
}

/// One socket curl asked us to watch. The loop watches a dup() of it, never
/// curl's own descriptor: curl closes its sockets itself, and in some paths
/// (a transfer removed before it finished) without the close-socket callback,
/// so a descriptor the loop owned could be closed twice or after its number
/// was reused. curl always says CURL_POLL_REMOVE before it closes a socket it
/// announced, and that is when the duplicate is closed.
struct CurlMulti::Socket {
  Socket(boost::asio::io_context& io, int dup, curl_socket_t curl_fd) : sd(io, dup), fd(curl_fd) {}
  boost::asio::posix::stream_descriptor sd;
  curl_socket_t fd;  ///< curl's number for it
  int want = 0;      ///< CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

CurlMulti::CurlMulti(boost::asio::io_context& io)
    : io_(io), timer_(io), alive_(std::make_shared<bool>(true)) {
  global_init();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    throw std::runtime_error("curl_multi_init failed");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  idle_.reserve(kIdleEasy);
}

CurlMulti::~CurlMulti() {
  *alive_ = false;
  try {
    for (auto& [easy, done] : transfers_) {
      curl_multi_remove_handle(multi_, easy);
    }
    transfers_.clear();
    curl_multi_cleanup(multi_);
    boost::system::error_code ec;
    for (auto& [fd, s] : sockets_) {
      s->closed = true;
      s->sd.close(ec);
    }
    sockets_.clear();
    timer_.cancel();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing useful to do in a destructor
  }
}

CurlEasy CurlMulti::take_easy() {
  if (idle_.empty()) {
    return CurlEasy();
  }
  CurlEasy e = std::move(idle_.back());
  idle_.pop_back();
  return e;
}

void CurlMulti::give_back(CurlEasy easy) {
  if (!easy || idle_.size() >= kIdleEasy) {
    return;  // freed here
  }
  abandon(easy.get());  // never pool a running handle
  // Back to the defaults of a new handle, so no option of one check leaks
  // into the next (pointers to the old owner's buffers included).
  curl_easy_reset(easy.get());
  idle_.push_back(std::move(easy));  // reserved: cannot throw
}

void CurlMulti::start(CURL* easy, Done done) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlMulti::on_open);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  transfers_[easy] = std::move(done);
  const CURLMcode rc = curl_multi_add_handle(multi_, easy);
  if (rc != CURLM_OK) {
    log::warning("curl_multi_add_handle: {}", curl_multi_strerror(rc));
    // Report the failure from the loop, as for any other transfer.
    boost::asio::post(io_, [this, alive = alive_, easy] {
      if (!*alive) {
        return;
      }
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) {
        return;
      }
      Done d = std::move(it->second);
      transfers_.erase(it);
      d(CURLE_FAILED_INIT);
    });
  }
}

void CurlMulti::abandon(CURL* easy) {
  if (transfers_.erase(easy) != 0) {
    curl_multi_remove_handle(multi_, easy);
  }
}

curl_socket_t CurlMulti::on_open(void* /*self*/, curlsocktype purpose, curl_sockaddr* addr) {
  if (purpose != CURLSOCKTYPE_IPCXN) {
    return CURL_SOCKET_BAD;
  }
  // Only to add close-on-exec: curl still owns and closes the socket.
  const int fd = ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
  return fd < 0 ? CURL_SOCKET_BAD : fd;
}

int CurlMulti::on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* self, void* /*sockp*/) {
  auto* m = static_cast<CurlMulti*>(self);
  auto it = m->sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != m->sockets_.end()) {
      // Closing the duplicate cancels its waits; their handlers see `closed`.
      it->second->closed = true;
      boost::system::error_code ec;
      it->second->sd.close(ec);
      m->sockets_.erase(it);
    }
    return 0;
  }
  if (it == m->sockets_.end()) {
    const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) {
      log::warning("curl socket {}: dup: {}", fd, std::strerror(errno));
      return -1;
    }
    try {
      it = m->sockets_.emplace(fd, std::make_shared<Socket>(m->io_, dup, fd)).first;
    } catch (const std::exception& e) {
      log::warning("curl socket {} cannot join the loop: {}", fd, e.what());
      ::close(dup);
      return -1;
    }
  }
  const std::shared_ptr<Socket>& s = it->second;
  s->want = what;
  if ((what & CURL_POLL_IN) != 0 && !s->reading) {
    m->watch(s, false);
  }
  if ((what & CURL_POLL_OUT) != 0 && !s->writing) {
    m->watch(s, true);
  }
  return 0;
}

int CurlMulti::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* m = static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    m->timer_.cancel();
    return 0;
  }
  // Never call back into curl from here: even a zero timeout goes through the loop.
  m->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  m->timer_.async_wait([m, alive = m->alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) {
      return;
    }
    m->action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void CurlMulti::watch(const std::shared_ptr<Socket>& s, bool write) {
  (write ? s->writing : s->reading) = true;
  const auto kind = write ? boost::asio::posix::descriptor_base::wait_write
                          : boost::asio::posix::descriptor_base::wait_read;
  s->sd.async_wait(kind, [this, alive = alive_, weak = std::weak_ptr<Socket>(s),
                          write](const boost::system::error_code& ec) {
    if (!*alive) {
      return;
    }
    auto sp = weak.lock();
    if (!sp) {
      return;
    }
    (write ? sp->writing : sp->reading) = false;
    if (sp->closed || ec == boost::asio::error::operation_aborted) {
      return;
    }
    const int bit = write ? CURL_POLL_OUT : CURL_POLL_IN;
    if ((sp->want & bit) == 0) {
      return;  // curl no longer asks for this; it will say when it does again
    }
    if (ec) {
      action(sp->fd, CURL_CSELECT_ERR);
      return;
    }
    action(sp->fd, write ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
    // Waits are one-shot: wait again while curl still wants the event.
    if (!sp->closed && (sp->want & bit) != 0 && !(write ? sp->writing : sp->reading)) {
      watch(sp, write);
    }
  });
}

void CurlMulti::action(curl_socket_t fd, int ev_bitmask) {
  int running = 0;
  const CURLMcode rc = curl_multi_socket_action(multi_, fd, ev_bitmask, &running);
  if (rc != CURLM_OK) {
    log::warning("curl_multi_socket_action: {}", curl_multi_strerror(rc));
  }
  drain_done();
}

void CurlMulti::drain_done() {
  // A callback may destroy this object: keep our own reference to the flag.
  const std::shared_ptr<bool> alive = alive_;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) {
      continue;
    }
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) {
      continue;
    }
    Done d = std::move(it->second);
    transfers_.erase(it);
    d(code);
    if (!*alive) {
      return;
    }
  }
}

}  // namespace vigil::hc::io
