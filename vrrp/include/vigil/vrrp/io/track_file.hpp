// SPDX-License-Identifier: GPL-2.0-or-later
// track_file: watches files holding an integer with inotify on the loop and
// reports their values to the driver, which applies the weights.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/model_vrrp.hpp"

namespace vigil::vrrp::io {

/// The value keepalived reads from a track_file's content: the leading integer
/// (strtol-style: leading blanks, optional sign, decimal digits); a missing or
/// unreadable file, or content that does not start with a number, reads as 0.
std::int64_t track_file_value(std::string_view content);

/// Watches track_file files. Each file's directory is watched (IN_CLOSE_WRITE,
/// IN_MOVED_TO, IN_MOVED_FROM, IN_CREATE, IN_DELETE, IN_MODIFY), so a file that is
/// created, replaced by rename, rewritten or deleted is re-read; on_change is
/// called when its value differs from the last one reported.
class TrackFileMonitor {
 public:
  using OnChange = std::function<void(const std::string& name, std::int64_t value)>;

  /// One tracked file.
  struct File {
    std::string name;  ///< the track_file's name
    std::string path;  ///< the file
    /// init_file: write this value at start() when the file is missing (or always,
    /// with overwrite).
    std::optional<config::TrackFileInit> init_file;
  };

  static File file_from(const config::TrackFile& cfg);

  TrackFileMonitor(boost::asio::io_context& io, std::vector<File> files, OnChange on_change);
  TrackFileMonitor(const TrackFileMonitor&) = delete;
  TrackFileMonitor& operator=(const TrackFileMonitor&) = delete;
  TrackFileMonitor(TrackFileMonitor&&) = delete;
  TrackFileMonitor& operator=(TrackFileMonitor&&) = delete;
  ~TrackFileMonitor();

  /// Applies init_file, sets up the watches, reads every file and reports each
  /// initial value through on_change (before returning). Errors (inotify, a
  /// directory that cannot be watched, init_file that cannot be written) are
  /// logged; such a file keeps the value it reads as.
  void start();
  /// Removes the watches; on_change is not called afterwards.
  void stop();

  /// The last value read for track_file `name` (0 if unknown).
  [[nodiscard]] std::int64_t value(const std::string& name) const;

 private:
  struct Watched;
  void read_events();
  void refresh(Watched& w, bool report_always);

  boost::asio::io_context& io_;
  std::vector<File> files_;
  OnChange on_change_;
  std::optional<boost::asio::posix::stream_descriptor> inotify_;
  std::map<int, std::vector<std::size_t>> by_wd_;  ///< watch descriptor -> indexes in watched_
  std::vector<Watched> watched_;
  std::vector<char> buf_;
};

}  // namespace vigil::vrrp::io
