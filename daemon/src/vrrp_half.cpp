// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP half: a thin wrapper that hands validated models to the VRRP driver,
// converts its status to the daemon's State, renders its reload plan for the
// preview, and tells the IPVS half when an instance enters or leaves MASTER.
#include "vrrp_half.hpp"

#include <map>

#include "vigil/runtime/log.hpp"
#include "vigil/vrrp/io/driver.hpp"

namespace vigil::daemon {

namespace {

VrrpStatus to_daemon(const vrrp::InstanceStatus& s) {
  VrrpStatus v;
  v.name = s.name;
  v.interface = s.interface;
  v.vrid = s.vrid;
  v.version = s.version;
  v.family = s.family;
  v.state = std::string(vrrp::state_name(s.state));
  v.sync_group = s.sync_group;
  v.base_priority = s.base_priority;
  v.effective_priority = s.effective_priority;
  v.vips = s.vips;
  v.master_address = s.master_address;
  v.state_seconds = s.state_seconds;
  v.adverts_sent = s.adverts_sent;
  v.adverts_received = s.adverts_received;
  v.became_master = s.became_master;
  v.released_master = s.released_master;
  v.packets_dropped = s.packets_dropped;
  v.priority_zero_sent = s.priority_zero_sent;
  v.priority_zero_received = s.priority_zero_received;
  return v;
}

class VrrpHalf final : public Half {
 public:
  explicit VrrpHalf(std::unique_ptr<vrrp::io::Driver> driver) : driver_(std::move(driver)) {
    driver_->set_state_listener(
        [this](const std::string& instance, vrrp::State state) { changed(instance, state); });
  }

  void start(const config::Model& model) override {
    driver_->start(model);
    announce_all();
  }
  void reload(const config::Model& model) override {
    driver_->reload(model);
    // Instances that were removed or restarted have told the listener through their
    // state changes; added ones that are not MASTER yet are announced here.
    announce_all();
  }
  void stop() override { driver_->stop(); }

  void snapshot(State& out) const override {
    for (const auto& s : driver_->status()) {
      out.vrrp.push_back(to_daemon(s));
    }
  }

  [[nodiscard]] std::vector<std::string> preview(const config::Model& next) const override {
    std::map<std::string, vrrp::State> states;
    for (const auto& s : driver_->status()) {
      states[s.name] = s.state;
    }
    std::vector<std::string> lines = vrrp::describe_plan(driver_->plan(next), states);
    for (auto& l : lines) {
      l.insert(0, "vrrp: ");
    }
    return lines;
  }

  void clear_stats() override { driver_->clear_stats(); }

  void set_vrrp_listener(VrrpStateListener listener) override {
    listener_ = std::move(listener);
    // The listener learns every instance's current state at once.
    announced_.clear();
    announce_all();
  }

  [[nodiscard]] std::string_view name() const override { return "vrrp"; }

 private:
  /// Tells the listener about `instance` when its MASTER-ness differs from what it was
  /// last told (or it was never told).
  void changed(const std::string& instance, vrrp::State state) {
    const bool master = state == vrrp::State::Master;
    auto it = announced_.find(instance);
    if (it != announced_.end() && it->second == master) {
      return;
    }
    announced_[instance] = master;
    if (listener_) {
      listener_(instance, master);
    }
  }

  void announce_all() {
    for (const auto& s : driver_->status()) {
      changed(s.name, s.state);
    }
  }

  std::unique_ptr<vrrp::io::Driver> driver_;
  VrrpStateListener listener_;
  std::map<std::string, bool> announced_;  ///< what the listener was last told
};

}  // namespace

std::unique_ptr<Half> make_vrrp_half(boost::asio::io_context& io, const CliOptions& opts) {
  vrrp::io::DriverOptions o;
  o.dont_release_vrrp = opts.dont_release_vrrp;
  auto driver = vrrp::io::Driver::open(io, o);
  if (!driver.ok()) {
    log::error("vrrp: {}", driver.error().text());
    return nullptr;
  }
  return std::make_unique<VrrpHalf>(std::move(driver).value());
}

}  // namespace vigil::daemon
