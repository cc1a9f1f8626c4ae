// SPDX-License-Identifier: GPL-2.0-or-later
// The small server that the control socket (Unix stream) and the metrics
// listener (TCP) share: on the daemon's loop, each connection reads one
// bounded request, writes one answer, then closes lingering. A template over
// the Asio protocol; the protocol's own part (where a request ends, what the
// answer is, which peers may talk) comes in as callbacks.
//
// The daemon's loop never blocks on a client: connections past the cap are
// closed at once, and every connection has a deadline, so a stuck or hostile
// client only ever holds its own connection.
#pragma once

#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace vigil::daemon {

struct OneShotLimits {
  std::chrono::milliseconds read_timeout{5000};  ///< from accept until the request is in
  /// From the complete request (the answer may take a while to come) until
  /// the close; nullopt: the read deadline covers the whole connection.
  std::optional<std::chrono::milliseconds> write_timeout;
  std::size_t max_request = 8192;    ///< request bytes, its delimiter included
  std::size_t max_connections = 64;  ///< more are accepted and closed at once
};

/// How reading the request ended.
enum class RequestEnd {
  Delimiter,   ///< the request is complete (the text ends with the delimiter)
  TooLong,     ///< max_request bytes came without the delimiter (the text is empty)
  EndOfInput,  ///< the peer stopped sending before the delimiter (the text is what came)
};

/// The protocol's part of a OneShotServer.
template <class Socket>
struct OneShotHandler {
  /// What ends a request: "\n" for a line, "\r\n\r\n" for an HTTP head.
  std::string delimiter;
  /// Runs on each connection before its request is read: an answer that ends
  /// it at once (a peer that may not talk to us), or nullopt to read on. May
  /// be empty.
  std::function<std::optional<std::string>(Socket&)> screen;
  /// Hands a connection its answer, or nullopt to close it without answering.
  /// Call it once, on the loop: at once, or later (an answer that needs work
  /// off the loop). The connection stays open until then, or until its
  /// deadline.
  using Reply = std::function<void(std::optional<std::string>)>;
  /// Answers a request through `reply`.
  std::function<void(RequestEnd, std::string, Reply)> answer;
};

/// For the protocols' parsers: `s` without the blanks around it (spaces and
/// tabs, and the "\r" a line may end with).
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

template <class Protocol>
class OneShotServer : public std::enable_shared_from_this<OneShotServer<Protocol>> {
 public:
  using Socket = typename Protocol::socket;
  using Acceptor = typename Protocol::acceptor;
  using Handler = OneShotHandler<Socket>;

  /// Hold it in a shared_ptr: the accept loop and the connections in flight
  /// keep it alive.
  OneShotServer(boost::asio::io_context& io, Handler handler, OneShotLimits limits)
      : acceptor_(io), handler_(std::move(handler)), limits_(limits) {}

  /// The owner opens, binds and listens on it (all protocol-specific), then
  /// calls serve().
  Acceptor& acceptor() { return acceptor_; }
  [[nodiscard]] const Acceptor& acceptor() const { return acceptor_; }

  /// Starts accepting on the listening acceptor.
  void serve() {
    stopped_ = false;
    accept();
  }

  /// Closes the acceptor; the connections in flight finish on their own.
  /// True if it was serving until now.
  bool stop() {
    const bool was_serving = !stopped_;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return was_serving;
  }

 private:
  class Connection;

  void accept() {
    auto self = this->shared_from_this();
    acceptor_.async_accept([self](const boost::system::error_code& ec, Socket s) {
      if (self->stopped_ || ec == boost::asio::error::operation_aborted) {
        return;
      }
      if (!ec) {
        if (self->live_ >= self->limits_.max_connections) {
          boost::system::error_code ignored;
          s.close(ignored);
        } else {
          std::make_shared<Connection>(std::move(s), self)->start();
        }
      }
      self->accept();
    });
  }

  Acceptor acceptor_;
  Handler handler_;
  OneShotLimits limits_;
  std::size_t live_ = 0;  ///< connections in flight
  bool stopped_ = true;
};

template <class Protocol>
class OneShotServer<Protocol>::Connection
    : public std::enable_shared_from_this<OneShotServer<Protocol>::Connection> {
 public:
  Connection(Socket s, std::shared_ptr<OneShotServer> srv)
      : sock_(std::move(s)),
        timer_(sock_.get_executor()),
        buf_(srv->limits_.max_request),
        server_(std::move(srv)) {
    ++server_->live_;
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;
  ~Connection() { --server_->live_; }

  void start() {
    arm(server_->limits_.read_timeout);
    const Handler& h = server_->handler_;
    if (h.screen) {
      if (std::optional<std::string> refusal = h.screen(sock_)) {
        if (server_->limits_.write_timeout) {
          arm(*server_->limits_.write_timeout);
        }
        send(std::move(*refusal));
        return;
      }
    }
    auto self = this->shared_from_this();
    boost::asio::async_read_until(
        sock_, buf_, h.delimiter,
        [self](const boost::system::error_code& ec, std::size_t n) { self->on_request(ec, n); });
  }

 private:
  /// Closes the socket when the deadline passes; a later arm() replaces it.
  void arm(std::chrono::milliseconds after) {
    auto self = this->shared_from_this();
    timer_.expires_after(after);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) {
        boost::system::error_code ignored;
        self->sock_.close(ignored);
      }
    });
  }

  void on_request(const boost::system::error_code& ec, std::size_t n) {
    if (ec == boost::asio::error::not_found) {
      answer(RequestEnd::TooLong, {});
    } else if (!ec) {
      answer(RequestEnd::Delimiter, received(n));
    } else if (ec == boost::asio::error::eof && buf_.size() > 0) {
      answer(RequestEnd::EndOfInput, received(buf_.size()));
    } else {
      close();
    }
  }

  /// The first `n` bytes read.
  [[nodiscard]] std::string received(std::size_t n) const {
    const auto begin = boost::asio::buffers_begin(buf_.data());
    return {begin, begin + static_cast<std::ptrdiff_t>(n)};
  }

  void answer(RequestEnd end, std::string request) {
    if (server_->limits_.write_timeout) {
      arm(*server_->limits_.write_timeout);
    }
    auto self = this->shared_from_this();
    server_->handler_.answer(end, std::move(request), [self](std::optional<std::string> a) {
      if (self->answered_) {
        return;  // a second reply would write over the first one in flight
      }
      self->answered_ = true;
      if (a) {
        self->send(std::move(*a));
      } else {
        self->close();
      }
    });
  }

  void send(std::string reply) {
    answer_ = std::move(reply);
    auto self = this->shared_from_this();
    boost::asio::async_write(sock_, boost::asio::buffer(answer_),
                             [self](const boost::system::error_code& ec, std::size_t) {
                               if (ec) {
                                 self->close();
                                 return;
                               }
                               // Lingering close: closing with unread input (an
                               // overlong request) would send a reset that can
                               // destroy the answer in flight, so read until the
                               // peer closes (or the deadline).
                               boost::system::error_code ignored;
                               self->sock_.shutdown(Socket::shutdown_send, ignored);
                               self->drain();
                             });
  }

  void drain() {
    auto self = this->shared_from_this();
    sock_.async_read_some(boost::asio::buffer(scratch_),
                          [self](const boost::system::error_code& ec, std::size_t) {
                            if (ec) {
                              self->close();
                            } else {
                              self->drain();
                            }
                          });
  }

  void close() {
    boost::system::error_code ignored;
    sock_.shutdown(Socket::shutdown_both, ignored);
    sock_.close(ignored);
    timer_.cancel();
  }

  Socket sock_;
  boost::asio::steady_timer timer_;
  boost::asio::streambuf buf_;
  std::string answer_;
  bool answered_ = false;  ///< the handler's reply came
  std::array<char, 4096> scratch_{};
  std::shared_ptr<OneShotServer> server_;
};

}  // namespace vigil::daemon
