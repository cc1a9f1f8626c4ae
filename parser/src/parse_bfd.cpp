// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance blocks.
#include "parse_util.hpp"

namespace vigil::config::detail {

namespace {

const Table<BfdInstance>& bfd_table() {
  static const Table<BfdInstance> t("bfd_instance", {
                                                        kw_ip("neighbor_ip", &BfdInstance::neighbor_ip),
                                                    });
  return t;
}

}  // namespace

void add_bfd_keywords(TopTable& top) {
  top.push_back({"bfd_instance", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
                   if (!need_args(ctx, n, 1, 1)) {
                     return;
                   }
                   BfdInstance b;
                   b.name = n.args[0].text;
                   b.loc = ctx.loc(n);
                   dispatch(ctx, n, b, bfd_table());
                   m.bfd.bfd_instance.push_back(std::move(b));
                 }});
}

void validate_bfd(Ctx&, Model&) {}

}  // namespace vigil::config::detail
