// SPDX-License-Identifier: GPL-2.0-or-later
// FILE_CHECK: reads the integer in its track_file's file on every run (the
// Engine polls probes at delay_loop), and turns it into up/down and a weight
// as keepalived does. A missing or empty file reads as 0; a number out of
// range is ignored and the last good value stands (keepalived's rules, shared
// with the VRRP track_file monitor through vrrp::io::track_file_value).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <variant>

#include "vigil/hc/io/probes.hpp"
#include "vigil/hc/misc_file.hpp"
#include "vigil/vrrp/io/track_file.hpp"

namespace vigil::hc::io {

namespace {

class FileProbe final : public Probe {
 public:
  FileProbe(ProbeEnv& env, const CheckDef& def) : env_(env), alive_(std::make_shared<bool>(true)) {
    if (const auto* fc = std::get_if<config::FileCheck>(&def.spec)) {
      name_ = fc->track_file;
      weight_ = fc->weight;
      reverse_ = fc->weight_reverse;
    }
    if (env.model == nullptr) {
      return;
    }
    for (const auto& tf : env.model->vrrp.track_file) {
      if (tf.name == name_) {
        path_ = tf.file;
        found_ = true;
        // keepalived: a FILE_CHECK without a weight of its own takes the track_file's.
        if (weight_ == 0) {
          weight_ = tf.weight;
          reverse_ = tf.weight_reverse;
        }
        break;
      }
    }
    const auto& vss = env.model->lvs.virtual_server;
    if (def.vs_index < vss.size() && def.rs_index < vss[def.vs_index].real_server.size()) {
      rs_weight_ = vss[def.vs_index].real_server[def.rs_index].weight;
    }
  }
  FileProbe(const FileProbe&) = delete;
  FileProbe& operator=(const FileProbe&) = delete;
  FileProbe(FileProbe&&) = delete;
  FileProbe& operator=(FileProbe&&) = delete;
  ~FileProbe() override { *alive_ = false; }

  void start(std::function<void(ProbeResult)> done) override {
    done_ = std::move(done);
    const std::uint64_t gen = ++generation_;
    ProbeResult r = run();
    boost::asio::post(env_.io, [this, alive = alive_, gen, r = std::move(r)] {
      if (!*alive || gen != generation_ || !done_) {
        return;
      }
      auto d = std::move(done_);
      done_ = nullptr;
      d(r);
    });
  }

  void cancel() override {
    ++generation_;
    done_ = nullptr;
  }

 private:
  ProbeResult run() {
    if (!found_) {
      return {false, std::nullopt, fmt::format("FILE_CHECK: no track_file named '{}'", name_)};
    }
    // Non-blocking open, so a FIFO put in the file's place cannot stall the loop.
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      std::array<char, 127> buf{};
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      ::close(fd);
      if (n > 0) {
        if (auto v =
                vrrp::io::track_file_value(std::string_view(buf.data(), static_cast<size_t>(n)))) {
          value_ = *v;
        }
      } else {
        value_ = 0;
      }
    } else {
      value_ = 0;  // a missing file counts as 0, as in keepalived
    }
    return file_verdict(value_, weight_, reverse_, rs_weight_, name_);
  }

  ProbeEnv& env_;
  std::string name_;
  std::string path_;
  bool found_ = false;
  int weight_ = 1;
  bool reverse_ = false;
  std::uint32_t rs_weight_ = 1;
  std::int64_t value_ = 0;
  std::function<void(ProbeResult)> done_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_;
};

}  // namespace

std::unique_ptr<Probe> make_file_probe(ProbeEnv& env, const CheckDef& def) {
  return std::make_unique<FileProbe>(env, def);
}

}  // namespace vigil::hc::io
