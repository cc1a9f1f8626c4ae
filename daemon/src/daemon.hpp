// SPDX-License-Identifier: GPL-2.0-or-later
// The composition root of vigild (see daemon.cpp).
#pragma once

#include "vigil/config/load.hpp"
#include "vigil/daemon/checker.hpp"
#include "vigil/daemon/cli.hpp"

namespace vigil::daemon {

/// Runs the halves the command line asks for (VRRP on a thread of its own, see
/// threaded_half.hpp) until SIGTERM/SIGINT;
/// returns the exit status.
int run_daemon(const CliOptions& opts, const ConfigLoader& load, const config::LoadResult& first);

}  // namespace vigil::daemon
