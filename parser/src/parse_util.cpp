// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse_util.hpp"

#include <charconv>
#include <climits>

#include "vigil/runtime/text.hpp"

namespace vigil::config::detail {

// ---------------------------------------------------------------------------
// Tree

void build_tree(Reader& reader, Diagnostics& diags, const std::function<void(Node&)>& on_top) {
  Node root;
  root.has_block = true;
  std::vector<Node*> stack{&root};
  // For each open block, the token of its keyword (for "missing '}'" reports).
  std::vector<Token> openers{Token{}};
  // Hands over every finished top-level node. The last one stays while it has
  // no block yet: a '{' on the next line may still open one for it.
  auto flush = [&](bool all) {
    if (stack.size() != 1) {
      return;
    }
    std::size_t keep = 0;
    if (!all && !root.children.empty() && !root.children.back().has_block) {
      keep = 1;
    }
    const std::size_t n = root.children.size() - keep;
    for (std::size_t i = 0; i < n; ++i) {
      on_top(root.children[i]);
    }
    root.children.erase(root.children.begin(),
                        root.children.begin() + static_cast<std::ptrdiff_t>(n));
  };
  Line line;
  while (reader.next(line)) {
    std::size_t i = 0;
    while (i < line.size()) {
      const Token& t = line[i];
      if (t.is("{")) {
        Node& cur = *stack.back();
        if (cur.children.empty() || cur.children.back().has_block) {
          diags.error(reader.loc(t), "'{' without a keyword to open a block for");
          // Open an anonymous block so the matching '}' still balances.
          cur.children.push_back(Node{t, {}, {}, true});
        } else {
          cur.children.back().has_block = true;
        }
        Node* opened = &cur.children.back();
        stack.push_back(opened);
        openers.push_back(opened->keyword);
        ++i;
        continue;
      }
      if (t.is("}")) {
        if (stack.size() == 1) {
          diags.error(reader.loc(t), "'}' without a matching '{'");
        } else {
          stack.pop_back();
          openers.pop_back();
        }
        ++i;
        continue;
      }
      // A run of words up to the next brace is one keyword line.
      Node n;
      n.keyword = t;
      ++i;
      while (i < line.size() && !line[i].is("{") && !line[i].is("}")) {
        n.args.push_back(std::move(line[i]));
        ++i;
      }
      stack.back()->children.push_back(std::move(n));
    }
    line.clear();
    flush(false);
  }
  while (stack.size() > 1) {
    const Token& open = openers.back();
    diags.error(reader.loc(open),
                fmt::format("block '{}' opened here is missing its closing '}}'", open.text));
    stack.pop_back();
    openers.pop_back();
  }
  flush(true);
}

// ---------------------------------------------------------------------------
// Shapes and unknown keywords

void unknown_keyword(Ctx& ctx, const Node& n, std::string_view block,
                     const std::vector<std::string_view>& known) {
  const std::string hint = text::closest(n.keyword.text, known);
  std::string msg =
      block.empty()
          ? fmt::format("unknown keyword '{}'", text::printable(n.keyword.text))
          : fmt::format("unknown keyword '{}' in {}", text::printable(n.keyword.text), block);
  if (!hint.empty()) {
    msg += fmt::format("; did you mean '{}'?", hint);
  }
  if (n.has_block) {
    msg += " (its block is skipped)";
  }
  if (ctx.opts().strict) {
    ctx.error(n.keyword, std::move(msg));
  } else {
    ctx.warning(n.keyword, std::move(msg));
  }
}

bool check_shape(Ctx& ctx, const Node& n, Shape shape) {
  if (shape == Shape::Value && n.has_block) {
    ctx.error(n.keyword, fmt::format("'{}' does not take a {{ }} block", n.keyword.text));
    return false;
  }
  if (shape == Shape::Block && !n.has_block) {
    ctx.error(n.keyword, fmt::format("'{}' needs a {{ }} block", n.keyword.text));
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Arguments

bool need_args(Ctx& ctx, const Node& n, std::size_t lo, std::size_t hi) {
  const std::size_t have = n.args.size();
  if (have >= lo && have <= hi) {
    return true;
  }
  if (have < lo) {
    ctx.error(n.keyword, lo == 1 && hi == 1 ? fmt::format("'{}' needs a value", n.keyword.text)
                                            : fmt::format("'{}' needs at least {} argument{}",
                                                          n.keyword.text, lo, lo == 1 ? "" : "s"));
    return false;
  }
  const Token& extra = n.args[hi];
  if (hi == 0) {
    ctx.error(extra, fmt::format("'{}' takes no argument; '{}' is not expected", n.keyword.text,
                                 text::printable(extra.text)));
  } else {
    ctx.error(extra,
              fmt::format("'{}' takes at most {} argument{}; '{}' is not expected", n.keyword.text,
                          hi, hi == 1 ? "" : "s", text::printable(extra.text)));
  }
  return false;
}

std::optional<std::int64_t> parse_int(std::string_view s, int base) {
  if (s.empty()) {
    return std::nullopt;
  }
  bool neg = false;
  if (s.front() == '-' || s.front() == '+') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (base == 0) {
    base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    }
  }
  if (s.empty()) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return std::nullopt;
  }
  return neg ? -v : v;
}

std::optional<std::int64_t> get_int(Ctx& ctx, const Node& n, std::size_t i, std::int64_t lo,
                                    std::int64_t hi) {
  if (i >= n.args.size()) {
    ctx.error(n.keyword, fmt::format("'{}' needs a number", n.keyword.text));
    return std::nullopt;
  }
  const Token& t = n.args[i];
  auto v = parse_int(t.text);
  if (!v) {
    ctx.error(
        t, fmt::format("'{}' for '{}' is not an integer", text::printable(t.text), n.keyword.text));
    return std::nullopt;
  }
  if (*v < lo || *v > hi) {
    ctx.error(
        t, fmt::format("'{}' for '{}' is outside the range [{}, {}]", *v, n.keyword.text, lo, hi));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "on" || s == "true" || s == "yes") {
    return true;
  }
  if (s == "off" || s == "false" || s == "no") {
    return false;
  }
  return std::nullopt;
}

std::optional<bool> get_bool(Ctx& ctx, const Node& n, std::size_t i) {
  if (i >= n.args.size()) {
    return true;
  }
  const Token& t = n.args[i];
  auto v = parse_bool(t.text);
  if (!v) {
    ctx.error(t, fmt::format("'{}' for '{}' is not a boolean (on|off|true|false|yes|no)",
                             text::printable(t.text), n.keyword.text));
  }
  return v;
}

std::optional<Micros> parse_timer(std::string_view s) {
  if (s.empty() || s.size() > 32) {
    return std::nullopt;
  }
  const auto dot = s.find('.');
  auto whole = s.substr(0, dot);
  std::int64_t secs = 0;
  if (!whole.empty()) {
    auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), secs);
    if (ec != std::errc() || p != whole.data() + whole.size() || secs < 0 || secs > 1'000'000'000) {
      return std::nullopt;
    }
  } else if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t frac = 0;
  if (dot != std::string_view::npos) {
    auto f = s.substr(dot + 1);
    if (f.empty() && whole.empty()) {
      return std::nullopt;
    }
    int digits = 0;
    for (char c : f) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      if (digits < 6) {
        frac = frac * 10 + (c - '0');
        ++digits;
      }
    }
    while (digits < 6) {
      frac *= 10;
      ++digits;
    }
  }
  return Micros(secs * 1'000'000 + frac);
}

std::optional<Micros> get_timer(Ctx& ctx, const Node& n, std::size_t i, Micros lo, Micros hi) {
  if (i >= n.args.size()) {
    ctx.error(n.keyword, fmt::format("'{}' needs a time in seconds", n.keyword.text));
    return std::nullopt;
  }
  const Token& t = n.args[i];
  auto v = parse_timer(t.text);
  if (!v) {
    ctx.error(t, fmt::format("'{}' for '{}' is not a time in seconds", text::printable(t.text),
                             n.keyword.text));
    return std::nullopt;
  }
  if (*v < lo || *v > hi) {
    ctx.error(t, fmt::format("'{}' for '{}' is outside the range [{}, {}] seconds", t.text,
                             n.keyword.text, static_cast<double>(lo.count()) / 1e6,
                             static_cast<double>(hi.count()) / 1e6));
    return std::nullopt;
  }
  return v;
}

std::optional<IpAddress> get_ip(Ctx& ctx, const Node& n, std::size_t i) {
  if (i >= n.args.size()) {
    ctx.error(n.keyword, fmt::format("'{}' needs an IP address", n.keyword.text));
    return std::nullopt;
  }
  const Token& t = n.args[i];
  auto v = IpAddress::parse(t.text);
  if (!v) {
    ctx.error(t, fmt::format("'{}' for '{}' is not an IP address", text::printable(t.text),
                             n.keyword.text));
  }
  return v;
}

std::optional<Prefix> get_prefix(Ctx& ctx, const Node& n, std::size_t i) {
  if (i >= n.args.size()) {
    ctx.error(n.keyword, fmt::format("'{}' needs an IP address or prefix", n.keyword.text));
    return std::nullopt;
  }
  const Token& t = n.args[i];
  auto v = Prefix::parse(t.text);
  if (!v) {
    ctx.error(t, fmt::format("'{}' for '{}' is not an IP address or prefix",
                             text::printable(t.text), n.keyword.text));
  }
  return v;
}

std::optional<std::uint16_t> get_port(Ctx& ctx, const Node& n, std::size_t i) {
  if (auto v = get_int(ctx, n, i, 0, 65535)) {
    return static_cast<std::uint16_t>(*v);
  }
  return std::nullopt;
}

std::string join_args(const Node& n, std::size_t i) {
  std::string out;
  for (; i < n.args.size(); ++i) {
    if (!out.empty()) {
      out.push_back(' ');
    }
    out += n.args[i].text;
  }
  return out;
}

std::optional<Script> get_script(Ctx& ctx, const Node& n) {
  if (!need_args(ctx, n, 1, 3)) {
    return std::nullopt;
  }
  Script s;
  s.loc = ctx.loc(n);
  s.cmd = n.args[0].text;
  if (s.cmd.empty()) {
    ctx.error(n.args[0], fmt::format("'{}' has an empty script", n.keyword.text));
    return std::nullopt;
  }
  if (n.args.size() > 1) {
    s.user = n.args[1].text;
  }
  if (n.args.size() > 2) {
    s.group = n.args[2].text;
  }
  return s;
}

std::string choice_list(const std::vector<std::string_view>& names) {
  return fmt::format("{}", fmt::join(names, "|"));
}

void bad_choice(Ctx& ctx, const Node& n, const Token& t,
                const std::vector<std::string_view>& names) {
  std::string msg = fmt::format("'{}' is not a valid value for '{}' (expected {})",
                                text::printable(t.text), n.keyword.text, choice_list(names));
  const std::string hint = text::closest(t.text, names);
  if (!hint.empty()) {
    msg += fmt::format("; did you mean '{}'?", hint);
  }
  ctx.error(t, std::move(msg));
}

}  // namespace vigil::config::detail
