// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance blocks: keyword table, and the checks keepalived's BFD parser
// makes (name length, neighbour address present, families, duplicates).
#include "parse_util.hpp"
#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

namespace {

constexpr std::size_t kBfdNameMax = 31;  // keepalived's BFD_INAME_MAX - 1

/// An interval written in milliseconds with up to 3 decimals (microseconds).
Keyword<BfdInstance> kw_ms(std::string_view name, Micros BfdInstance::*field, std::int64_t lo_ms,
                           std::int64_t hi_ms) {
  return {name, Shape::Value, [field, lo_ms, hi_ms](Ctx& ctx, const Node& n, BfdInstance& b) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            const Token& t = n.args[0];
            // parse_timer reads "seconds with 6 decimals"; the same digits read as
            // milliseconds are 1000 times smaller.
            auto v = parse_timer(t.text);
            if (!v) {
              ctx.error(t, fmt::format("'{}' for '{}' is not a number of milliseconds",
                                       text::printable(t.text), n.keyword.text));
              return;
            }
            const Micros us(v->count() / 1000);
            if (us < Micros(lo_ms * 1000) || us > Micros(hi_ms * 1000)) {
              ctx.error(t, fmt::format("'{}' for '{}' is outside the range [{}, {}] ms", t.text,
                                       n.keyword.text, lo_ms, hi_ms));
              return;
            }
            b.*field = us;
          }};
}

Keyword<BfdInstance> kw_bfd_ip(std::string_view name,
                               std::optional<IpAddress> BfdInstance::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, BfdInstance& b) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_ip(ctx, n, 0)) {
              b.*field = *v;
            }
          }};
}

const Table<BfdInstance>& bfd_table() {
  static const Table<BfdInstance> t(
      "bfd_instance",
      {
          kw_bfd_ip("neighbor_ip", &BfdInstance::neighbor_ip),
          kw_bfd_ip("neighbour_ip", &BfdInstance::neighbor_ip),
          kw_bfd_ip("source_ip", &BfdInstance::source_ip),
          kw_ms("min_rx", &BfdInstance::min_rx, 1, 4294967),
          kw_ms("min_tx", &BfdInstance::min_tx, 1, 4294967),
          kw_ms("idle_tx", &BfdInstance::idle_tx, 1000, 4294967),
          kw_int("multiplier", &BfdInstance::multiplier, 1, 255),
          kw_flag("passive", &BfdInstance::passive),
          kw_int("ttl", &BfdInstance::ttl, 1, 255),
          kw_int("hoplimit", &BfdInstance::hoplimit, 1, 255),
          kw_int("max_hops", &BfdInstance::max_hops, -1, 255),
          {"weight", Shape::Value,
           [](Ctx& ctx, const Node& n, BfdInstance& b) {
             if (!need_args(ctx, n, 1, 2)) {
               return;
             }
             if (auto v = get_int(ctx, n, 0, -253, 253)) {
               b.weight = static_cast<int>(*v);
             }
             if (n.args.size() > 1) {
               if (n.args[1].is("reverse")) {
                 b.weight_reverse = true;
               } else if (!n.args[1].is("noreverse")) {
                 ctx.error(n.args[1],
                           fmt::format("'weight' takes only reverse|noreverse after the number; "
                                       "'{}' is not expected",
                                       text::printable(n.args[1].text)));
               }
             }
           }},
          kw_flag("vrrp", &BfdInstance::vrrp),
          kw_flag("checker", &BfdInstance::checker),
      });
  return t;
}

std::string pair_key(const BfdInstance& b) {
  return (b.source_ip ? b.source_ip->str() : std::string()) + "|" + b.neighbor_ip->str();
}

}  // namespace

void add_bfd_keywords(TopTable& top) {
  top.push_back(
      {"bfd_instance", Shape::Block, [](Ctx& ctx, const Node& n, Model& m) {
         if (!need_args(ctx, n, 1, 1)) {
           return;
         }
         BfdInstance b;
         b.name = n.args[0].text;
         b.loc = ctx.loc(n);
         if (b.name.size() > kBfdNameMax) {
           ctx.error(n.args[0], fmt::format("bfd_instance name '{}' is too long (at most {} "
                                            "characters); instance ignored",
                                            text::printable(b.name), kBfdNameMax));
           return;
         }
         for (const auto& o : m.bfd.bfd_instance) {
           if (o.name == b.name) {
             ctx.error(n.args[0], fmt::format("bfd_instance {} is already defined at line {}; "
                                              "this one is ignored",
                                              b.name, o.loc.line));
             return;
           }
         }
         dispatch(ctx, n, b, bfd_table());
         if (!b.neighbor_ip) {
           ctx.error(n.keyword, fmt::format("bfd_instance {} has no neighbor_ip; "
                                            "instance ignored",
                                            b.name));
           return;
         }
         if (b.source_ip && b.source_ip->family != b.neighbor_ip->family) {
           ctx.error(n.keyword, fmt::format("bfd_instance {}: source_ip {} and neighbor_ip {} are "
                                            "not of the same address family; instance ignored",
                                            b.name, b.source_ip->str(), b.neighbor_ip->str()));
           return;
         }
         // Sessions are keyed by their address pair: two instances cannot
         // share one.
         const std::string key = pair_key(b);
         for (const auto& o : m.bfd.bfd_instance) {
           if (pair_key(o) == key) {
             ctx.error(
                 n.keyword,
                 fmt::format("bfd_instance {}: neighbor_ip {}{} is already used by "
                             "bfd_instance {}; instance ignored",
                             b.name, b.neighbor_ip->str(),
                             b.source_ip ? " with source_ip " + b.source_ip->str() : "", o.name));
             return;
           }
         }
         const bool v6 = b.neighbor_ip->is_v6();
         const int hops = v6 ? b.hoplimit.value_or(b.ttl.value_or(64))
                             : b.ttl.value_or(b.hoplimit.value_or(255));
         if (b.max_hops > hops) {
           ctx.warning(n.keyword,
                       fmt::format("bfd_instance {}: max_hops {} exceeds the {} {}; "
                                   "using {}",
                                   b.name, b.max_hops, v6 ? "hoplimit" : "ttl", hops, hops));
           b.max_hops = hops;
         }
         m.bfd.bfd_instance.push_back(std::move(b));
       }});
}

void validate_bfd(Ctx&, Model&) {
  // Everything is checked as each bfd_instance is read (add_bfd_keywords), so
  // that the VRRP and checker families see only usable instances.
}

}  // namespace vigil::config::detail
