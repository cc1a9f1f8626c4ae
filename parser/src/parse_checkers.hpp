// SPDX-License-Identifier: GPL-2.0-or-later
// The checker blocks inside real_server: HTTP_GET, SSL_GET, TCP_CHECK,
// MISC_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK and
// BFD_CHECK.
#pragma once

#include "parse_util.hpp"

namespace vigil::config::detail {

bool is_checker_keyword(std::string_view kw);
/// Parses one checker block and appends it to `out`.
void parse_checker(Ctx& ctx, const Node& n, std::vector<CheckerSpec>& out);

}  // namespace vigil::config::detail
