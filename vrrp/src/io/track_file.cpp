// SPDX-License-Identifier: GPL-2.0-or-later
// TrackFileMonitor: track_file values through inotify on the loop (see
// track_file.hpp).
#include "vigil/vrrp/io/track_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {

namespace {

constexpr std::uint32_t kWatchMask = IN_CLOSE_WRITE | IN_DELETE | IN_MOVE;
constexpr std::size_t kMaxRead = 127;  // keepalived reads at most this much

std::string errno_text(int err) {
  return std::strerror(err);
}  // NOLINT(concurrency-mt-unsafe)

// The file's value: 0 when it cannot be opened or is empty.
std::optional<std::int64_t> read_value(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  std::array<char, kMaxRead> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  if (n <= 0) {
    return 0;
  }
  return track_file_value(std::string_view(buf.data(), static_cast<std::size_t>(n)));
}

std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return {".", path};
  }
  return {slash == 0 ? std::string("/") : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

std::optional<std::int64_t> track_file_value(std::string_view content) {
  const std::string text(content.substr(0, kMaxRead));
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 0);
  if (errno != 0 || v < INT32_MIN || v > static_cast<long long>(INT32_MAX) + 1) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

TrackFileMonitor::File TrackFileMonitor::file_from(const config::TrackFile& cfg) {
  return File{cfg.name, cfg.file, cfg.init_file};
}

TrackFileMonitor::TrackFileMonitor(boost::asio::io_context& io, std::vector<File> files,
                                   OnChange on_change)
    : io_(io), files_(std::move(files)), on_change_(std::move(on_change)) {}

TrackFileMonitor::~TrackFileMonitor() {
  stop();
}

void TrackFileMonitor::start() {
  stop();
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) {
    log::error("track_file: inotify_init1: {}; track files are not monitored", errno_text(errno));
  } else {
    inotify_.emplace(io_, fd);
  }
  for (const auto& f : files_) {
    if (f.init_file) {
      const bool exists = ::access(f.path.c_str(), F_OK) == 0;
      if (!exists || f.init_file->overwrite) {
        const int out = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const std::string text = fmt::format("{}\n", f.init_file->value);
        if (out < 0 ||
            ::write(out, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
          log::error("track_file {}: cannot write init_file {}: {}", f.name, f.path,
                     errno_text(errno));
        }
        if (out >= 0) {
          ::close(out);
        }
      }
    }
    auto [dir, base] = split_path(f.path);
    Watched w{f, base, -1, 0};
    if (inotify_) {
      w.wd = ::inotify_add_watch(inotify_->native_handle(), dir.c_str(), kWatchMask);
      if (w.wd < 0) {
        log::error("track_file {}: cannot watch directory {}: {}", f.name, dir, errno_text(errno));
      }
    }
    w.value = read_value(f.path).value_or(0);
    watched_.push_back(std::move(w));
  }
  for (const auto& w : watched_) {
    if (on_change_) {
      on_change_(w.file.name, w.value);
    }
  }
  arm();
}

void TrackFileMonitor::stop() {
  if (inotify_) {
    boost::system::error_code ignored;
    inotify_->close(ignored);  // also drops the watches
    inotify_.reset();
  }
  watched_.clear();
}

std::int64_t TrackFileMonitor::value(const std::string& name) const {
  for (const auto& w : watched_) {
    if (w.file.name == name) {
      return w.value;
    }
  }
  return 0;
}

void TrackFileMonitor::arm() {
  if (!inotify_) {
    return;
  }
  inotify_->async_wait(boost::asio::posix::descriptor_base::wait_read,
                       [this](const boost::system::error_code& ec) {
                         if (ec) {
                           return;  // closed by stop(), or destroyed
                         }
                         read_events();
                         arm();
                       });
}

void TrackFileMonitor::read_events() {
  alignas(inotify_event) std::array<char, 4096> buf{};
  // on_change may call stop(): check that the descriptor is still there.
  while (inotify_) {
    const ssize_t n = ::read(inotify_->native_handle(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        log::error("track_file: inotify read: {}", errno_text(errno));
      }
      return;
    }
    if (n == 0) {
      return;
    }
    std::size_t off = 0;
    while (inotify_ && off + sizeof(inotify_event) <= static_cast<std::size_t>(n)) {
      inotify_event ev{};
      std::memcpy(&ev, buf.data() + off, sizeof ev);
      const char* name_ptr = buf.data() + off + sizeof(inotify_event);
      const std::string_view name =
          ev.len > 0 ? std::string_view(name_ptr, ::strnlen(name_ptr, ev.len)) : std::string_view();
      off += sizeof(inotify_event) + ev.len;
      if ((ev.mask & IN_ISDIR) != 0) {
        continue;
      }
      if ((ev.mask & IN_IGNORED) != 0) {
        log::warning("track_file: a watched directory went away (watch {})", ev.wd);
        continue;
      }
      // By index: on_change may call stop(), which empties watched_.
      for (std::size_t i = 0; i < watched_.size(); ++i) {  // NOLINT(modernize-loop-convert)
        Watched& w = watched_[i];
        if (w.wd != ev.wd || w.base != name) {
          continue;
        }
        if ((ev.mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
          update(w, 0);  // gone: keepalived treats it as 0
        } else if ((ev.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) {
          update(w, read_value(w.file.path));
        }
      }
    }
  }
}

void TrackFileMonitor::update(Watched& w, std::optional<std::int64_t> value) {
  if (!value) {
    log::warning("track_file {}: {} does not hold a valid number; keeping {}", w.file.name,
                 w.file.path, w.value);
    return;
  }
  if (*value == w.value) {
    return;
  }
  log::info("track_file {}: value {} -> {}", w.file.name, w.value, *value);
  w.value = *value;
  if (on_change_) {
    on_change_(w.file.name, w.value);
  }
}

}  // namespace vigil::vrrp::io
