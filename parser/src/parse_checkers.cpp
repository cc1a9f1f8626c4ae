// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse_checkers.hpp"

namespace vigil::config::detail {

namespace {

const Table<TcpCheck>& tcp_check_table() {
  static const Table<TcpCheck> t(
      "TCP_CHECK", {
                       {"connect_port", Shape::Value,
                        [](Ctx& ctx, const Node& n, TcpCheck& c) {
                          if (need_args(ctx, n, 1, 1)) {
                            c.connect_port = get_port(ctx, n, 0);
                          }
                        }},
                       kw_timer("connect_timeout", &TcpCheck::connect_timeout, Micros(1),
                                Micros(std::chrono::hours(24))),
                   });
  return t;
}

}  // namespace

bool is_checker_keyword(std::string_view kw) { return kw == "TCP_CHECK"; }

void parse_checker(Ctx& ctx, const Node& n, std::vector<CheckerSpec>& out) {
  if (!check_shape(ctx, n, Shape::Block)) {
    return;
  }
  TcpCheck c;
  dispatch(ctx, n, c, tcp_check_table());
  out.emplace_back(std::move(c));
}

}  // namespace vigil::config::detail
