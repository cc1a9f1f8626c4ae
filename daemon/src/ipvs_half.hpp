// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS/checker half of the daemon (see ipvs_half.cpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "half.hpp"
#include "vigil/daemon/cli.hpp"
#include "vigil/ipvs/backend.hpp"

namespace vigil::daemon {

/// Opens the IPVS netlink backend and returns the half, or nullptr after
/// logging why the backend cannot be opened.
std::unique_ptr<Half> make_ipvs_half(boost::asio::io_context& io, const CliOptions& opts);
/// The half over a given backend (tests: an in-memory kernel).
std::unique_ptr<Half> make_ipvs_half(boost::asio::io_context& io, const CliOptions& opts,
                                     std::unique_ptr<ipvs::Backend> backend);

}  // namespace vigil::daemon
