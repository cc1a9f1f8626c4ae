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
  if (!thread_.joinable() || std::this_thread::get_id() == thread_.get_id()) {
    f();
    return;
  }
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
  // The listener belongs to the root's loop: each call is posted there, so the
  // order of the changes is kept and the half never waits for the root.
  auto shared = std::make_shared<VrrpStateListener>(std::move(listener));
  call([&] {
    inner_->set_vrrp_listener([this, shared](const std::string& instance, bool master) {
      asio::post(root_, [shared, instance, master] { (*shared)(instance, master); });
    });
  });
}

void ThreadedHalf::on_vrrp_state(const std::string& instance, bool master) {
  call([&] { inner_->on_vrrp_state(instance, master); });
}

}  // namespace vigil::daemon
