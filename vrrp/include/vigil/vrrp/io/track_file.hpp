// SPDX-License-Identifier: GPL-2.0-or-later
// track_file: watches files holding an integer with inotify on the loop and
// reports their values to the driver, which applies the weights.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/model_vrrp.hpp"

namespace vigil::vrrp::io {

/// The value of a track_file's content, as keepalived reads it: the first 127
/// bytes, parsed with strtol base 0 (leading blanks, an optional sign, decimal,
/// 0x hex or 0 octal; anything after the number is ignored). Content that does
/// not start with a number, and empty content, read as 0. A number outside
/// [INT32_MIN, INT32_MAX + 1] gives nullopt: keepalived ignores it and keeps the
/// previous value.
std::optional<std::int64_t> track_file_value(std::string_view content);

/// Watches track_file files. Each file's directory is watched (IN_CLOSE_WRITE,
/// IN_MOVED_TO, IN_MOVED_FROM, IN_DELETE, as keepalived does), so a file that is
/// written and closed, renamed into place, renamed away or deleted is seen. A
/// missing file reads as 0, a deleted or renamed-away one becomes 0, and on_change
/// is called whenever the value differs from the last one reported. A file whose
/// directory does not exist is logged and not watched.
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

  /// Applies init_file (writes "VALUE\n" when the file is missing, or always with
  /// overwrite), sets up the watches, reads every file and reports each initial
  /// value through on_change before returning. Errors (inotify, a directory that
  /// does not exist, init_file that cannot be written) are logged.
  void start();
  /// Removes the watches; on_change is not called afterwards.
  void stop();

  /// The last value read for track_file `name` (0 if unknown).
  [[nodiscard]] std::int64_t value(const std::string& name) const;

 private:
  struct Watched {
    File file;
    std::string base;  ///< the file's name in its directory
    int wd = -1;       ///< inotify watch of the directory
    std::int64_t value = 0;
  };
  void arm();
  void read_events();
  void update(Watched& w, std::optional<std::int64_t> value);

  boost::asio::io_context& io_;
  std::vector<File> files_;
  OnChange on_change_;
  std::optional<boost::asio::posix::stream_descriptor> inotify_;
  std::vector<Watched> watched_;
};

}  // namespace vigil::vrrp::io
