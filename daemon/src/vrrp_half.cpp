// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP half: a thin wrapper that hands validated models to the VRRP driver.
#include "vrrp_half.hpp"

#include "vigil/runtime/log.hpp"
#include "vigil/vrrp/io/driver.hpp"

namespace vigil::daemon {

namespace {

class VrrpHalf final : public Half {
 public:
  explicit VrrpHalf(std::unique_ptr<vrrp::io::Driver> driver) : driver_(std::move(driver)) {}

  void start(const config::Model& model) override { driver_->start(model); }
  void reload(const config::Model& model) override { driver_->reload(model); }
  void stop() override { driver_->stop(); }
  void snapshot(State& /*out*/) const override {}
  [[nodiscard]] std::vector<std::string> preview(const config::Model& /*next*/) const override {
    return {};
  }
  [[nodiscard]] std::string_view name() const override { return "vrrp"; }

 private:
  std::unique_ptr<vrrp::io::Driver> driver_;
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
