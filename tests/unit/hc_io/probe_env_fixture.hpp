// SPDX-License-Identifier: GPL-2.0-or-later
// A ProbeEnv with everything real behind it (loop, curl multi, process runner,
// an empty model) for the HTTP, MISC and FILE probe tests.
#pragma once

#include <boost/asio/io_context.hpp>

#include "vigil/config/model.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/probe.hpp"
#include "vigil/vrrp/io/process.hpp"

namespace vigil::test {

struct ProbeEnvFixture {
  boost::asio::io_context io;
  hc::io::CurlMulti curl{io};
  vrrp::io::ProcessRunner runner{io};
  config::Model model;
  hc::io::ProbeEnv env{io, &curl, runner, &model};
};

}  // namespace vigil::test
