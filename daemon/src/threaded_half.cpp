// SPDX-License-Identifier: GPL-2.0-or-later
#include "threaded_half.hpp"

#include <boost/asio/post.hpp>
#include <exception>
#include <future>
#include <utility>

namespace vigil::daemon {

namespace asio = boost::asio;

std::unique_ptr<ThreadedHalf> ThreadedHalf::make(asio::io_context& root, const Make& make) {
  // One thread runs this loop: the hint lets Asio skip some locking.
  auto half = std::make_unique<ThreadedHalf>(root, std::make_unique<asio::io_context>(1));
  half->inner_ = make(*half->io_);
  if (!half->inner_) {
    return nullptr;
  }
  half->name_ = std::string(half->inner_->name());
  return half;
}

ThreadedHalf::ThreadedHalf(asio::io_context& root, std::unique_ptr<asio::io_context> io)
    : root_(root), io_(std::move(io)) {}

ThreadedHalf::~ThreadedHalf() {
  if (thread_.joinable()) {
    work_.reset();
    io_->stop();
    thread_.join();
  }
  // The half goes before its loop (members are destroyed in reverse order),
  // on this thread, now that its own has ended.
}

void ThreadedHalf::call(const std::function<void()>& f) const {
  if (!thread_.joinable()) {
    f();
  } else {
    std::promise<void> done;
    asio::post(*io_, [&f, &done] {
      try {
        f();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    done.get_future().get();
  }
  deliver();
}

void ThreadedHalf::deliver() const {
  if (delivering_ || !listener_) {
    return;
  }
  delivering_ = true;
  for (;;) {
    std::pair<std::string, bool> change;
    {
      const std::lock_guard<std::mutex> lock(changes_->mu);
      if (changes_->queue.empty()) {
        break;
      }
      change = std::move(changes_->queue.front());
      changes_->queue.pop_front();
    }
    try {
      listener_(change.first, change.second);
    } catch (...) {
      delivering_ = false;
      throw;
    }
  }
  delivering_ = false;
}

void ThreadedHalf::start(const config::Model& model) {
  if (!thread_.joinable()) {
    work_.emplace(io_->get_executor());
    thread_ = std::thread([this] { io_->run(); });
  }
  call([&] { inner_->start(model); });
}

void ThreadedHalf::reload(const config::Model& model) {
  call([&] { inner_->reload(model); });
}

void ThreadedHalf::stop() {
  // The thread keeps running: what stop() started (notify scripts) still has
  // to be reaped, and busy() asks about it.
  call([&] { inner_->stop(); });
}

bool ThreadedHalf::busy() const {
  bool b = false;
  call([&] { b = inner_->busy(); });
  return b;
}

void ThreadedHalf::snapshot(State& out) const {
  call([&] { inner_->snapshot(out); });
}

std::vector<std::string> ThreadedHalf::preview(const config::Model& next) const {
  std::vector<std::string> lines;
  call([&] { lines = inner_->preview(next); });
  return lines;
}

void ThreadedHalf::clear_stats() {
  call([&] { inner_->clear_stats(); });
}

void ThreadedHalf::set_vrrp_listener(VrrpStateListener listener) {
  // Changes are queued on the half's thread and told on the root's: after the
  // call that caused them (call() delivers), or at the root loop's next turn.
  // The posted turn may find the queue already emptied; it never runs once the
  // root's loop has stopped, which is before this object goes.
  listener_ = std::move(listener);
  call([&] {
    inner_->set_vrrp_listener([this, changes = changes_](const std::string& instance, bool master) {
      {
        const std::lock_guard<std::mutex> lock(changes->mu);
        changes->queue.emplace_back(instance, master);
      }
      asio::post(root_, [this] { deliver(); });
    });
  });
}

void ThreadedHalf::on_vrrp_state(const std::string& instance, bool master) {
  // Not waited for: the VRRP half has no use for it (the root tells every half).
  if (thread_.joinable()) {
    asio::post(*io_, [this, instance, master] { inner_->on_vrrp_state(instance, master); });
  } else {
    inner_->on_vrrp_state(instance, master);
  }
}

}  // namespace vigil::daemon
