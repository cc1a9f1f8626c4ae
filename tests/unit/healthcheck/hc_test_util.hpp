// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the health-check tests: a model from configuration text (any
// error fails the test) and small builders for virtual/real server blocks.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "vigil/config/load.hpp"

namespace vigil::test {

inline config::Model load_model(const std::string& text) {
  auto r = config::load_string(text, "t.conf", {});
  for (const auto& d : r.diags.all()) {
    if (d.severity == config::Severity::Error || d.severity == config::Severity::Fatal) {
      FAIL(config::format(d));
    }
  }
  return std::move(r.model);
}

/// `virtual_server HEAD { BODY REAL_SERVERS }`
inline std::string vs_block(const std::string& head, const std::string& body,
                            const std::string& real_servers) {
  return "virtual_server " + head + " {\n" + body + "\n" + real_servers + "}\n";
}

/// `real_server ADDR { BODY }`
inline std::string rs_block(const std::string& addr, const std::string& body = "") {
  return "  real_server " + addr + " {\n" + body + "\n  }\n";
}

}  // namespace vigil::test
