// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's State as Prometheus metrics: a pure renderer for the text
// exposition format 0.0.4 and OpenMetrics 1.0, and the opt-in HTTP/1.x
// listener (--metrics-listen) that serves GET /metrics on the daemon's loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "state.hpp"

namespace vigil::daemon {

enum class MetricsFormat { Prometheus, OpenMetrics };

/// The Content-Type header value for each format.
const char* metrics_content_type(MetricsFormat f);

/// OpenMetrics when the Accept header asks for application/openmetrics-text,
/// else the Prometheus text format.
MetricsFormat negotiate_metrics_format(const std::string& accept);

/// Every vigil_* family for this State. OpenMetrics output ends with "# EOF".
std::string render_metrics(const State& s, MetricsFormat f);

/// "127.0.0.1:9650", "[::1]:9650", "0.0.0.0:9650". nullopt and `err` set on
/// anything else (names are not resolved: a listener takes an address).
std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(const std::string& text,
                                                                   std::string& err);

struct MetricsServerOptions {
  std::chrono::milliseconds timeout{5000};  ///< whole request+response per connection
  std::size_t max_request = 8192;           ///< request line and headers
  std::size_t max_connections = 64;         ///< more are accepted and closed at once
};

/// GET /metrics over HTTP/1.0 and 1.1, one request per connection.
class MetricsServer {
 public:
  using StateFn = std::function<State()>;
  MetricsServer(boost::asio::io_context& io, StateFn state, MetricsServerOptions opts = {});
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  MetricsServer(MetricsServer&&) = delete;
  MetricsServer& operator=(MetricsServer&&) = delete;

  /// Binds and listens; "" on success, else why not.
  std::string start(const boost::asio::ip::tcp::endpoint& at);
  /// The bound address (port 0 resolved), after start().
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::daemon
