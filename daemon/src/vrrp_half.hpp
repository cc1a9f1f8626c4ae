// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP half of the daemon (`-P`): the vrrp_instance blocks, run by the
// VRRP driver on the loop it is given (the daemon gives it a thread of its own).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "half.hpp"
#include "vigil/daemon/cli.hpp"

namespace vigil::daemon {

/// Opens the VRRP driver's netlink handles and returns the half, or nullptr
/// after logging why it cannot run.
std::unique_ptr<Half> make_vrrp_half(boost::asio::io_context& io, const CliOptions& opts);

}  // namespace vigil::daemon
