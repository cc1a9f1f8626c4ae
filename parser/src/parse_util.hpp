// SPDX-License-Identifier: GPL-2.0-or-later
// Internal machinery shared by the keyword families: the block tree built from
// the Reader's lines, the parse context, keyword tables (keepalived's
// install_keyword, as data), and typed argument readers that report located
// errors. Nothing here throws; a bad value is reported and the field keeps its
// previous (default) value, as keepalived does.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/model.hpp"
#include "vigil/config/reader.hpp"

namespace vigil::config::detail {

/// A keyword line and, if it opened one, its `{ ... }` block.
struct Node {
  Token keyword;
  std::vector<Token> args;
  std::vector<Node> children;
  bool has_block = false;
};

/// Reads every line from `reader`, nests them by braces and hands each
/// top-level keyword (with its block) to `on_top` as soon as it is complete, so
/// only one top-level block is held in memory at a time. Unbalanced braces are
/// reported; an unclosed block is still handed over at the end.
void build_tree(Reader& reader, Diagnostics& diags, const std::function<void(Node&)>& on_top);

class Ctx {
 public:
  Ctx(const Reader& reader, Diagnostics& diags, const LoadOptions& opts)
      : reader_(reader), diags_(diags), opts_(opts) {}

  [[nodiscard]] SourceLoc loc(const Token& t) const { return reader_.loc(t); }
  [[nodiscard]] SourceLoc loc(const Node& n) const { return reader_.loc(n.keyword); }
  void error(const Token& t, std::string msg) { diags_.error(loc(t), std::move(msg)); }
  void warning(const Token& t, std::string msg) { diags_.warning(loc(t), std::move(msg)); }
  void note(const Token& t, std::string msg) { diags_.note(loc(t), std::move(msg)); }
  void fatal(const Token& t, std::string msg) { diags_.fatal(loc(t), std::move(msg)); }
  void error(const SourceLoc& l, std::string msg) { diags_.error(l, std::move(msg)); }
  void warning(const SourceLoc& l, std::string msg) { diags_.warning(l, std::move(msg)); }
  void note(const SourceLoc& l, std::string msg) { diags_.note(l, std::move(msg)); }
  void fatal(const SourceLoc& l, std::string msg) { diags_.fatal(l, std::move(msg)); }
  [[nodiscard]] Diagnostics& diags() { return diags_; }
  [[nodiscard]] const LoadOptions& opts() const { return opts_; }

 private:
  const Reader& reader_;
  Diagnostics& diags_;
  const LoadOptions& opts_;
};

/// What a keyword takes: arguments on its line, a `{ }` block, or either.
enum class Shape { Value, Block, Any };

template <class T>
struct Keyword {
  std::string_view name;
  Shape shape = Shape::Value;
  std::function<void(Ctx&, const Node&, T&)> fn;
};

/// One block's keyword table.
template <class T>
class Table {
 public:
  Table(std::string_view block, std::vector<Keyword<T>> keywords)
      : block_(block), keywords_(std::move(keywords)) {
    for (std::size_t i = 0; i < keywords_.size(); ++i) {
      index_.emplace(keywords_[i].name, i);
      names_.push_back(keywords_[i].name);
    }
  }
  [[nodiscard]] const Keyword<T>* find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &keywords_[it->second];
  }
  [[nodiscard]] std::string_view block() const { return block_; }
  [[nodiscard]] const std::vector<std::string_view>& names() const { return names_; }
  [[nodiscard]] const std::vector<Keyword<T>>& keywords() const { return keywords_; }

 private:
  std::string_view block_;
  std::vector<Keyword<T>> keywords_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<std::string_view> names_;
};

/// Reports an unknown keyword (a warning, or an error under --strict), with a
/// "did you mean" when a known keyword is close.
void unknown_keyword(Ctx& ctx, const Node& n, std::string_view block,
                     const std::vector<std::string_view>& known);

/// Reports a keyword given a block it does not take, or lacking one it needs.
bool check_shape(Ctx& ctx, const Node& n, Shape shape);

/// Runs one keyword line through `table` into `obj`.
template <class T>
void dispatch_one(Ctx& ctx, const Node& child, T& obj, const Table<T>& table) {
  const Keyword<T>* kw = child.keyword.quoted ? nullptr : table.find(child.keyword.text);
  if (kw == nullptr) {
    unknown_keyword(ctx, child, table.block(), table.names());
    return;
  }
  if (!check_shape(ctx, child, kw->shape)) {
    return;
  }
  kw->fn(ctx, child, obj);
}

/// Runs every child of `parent` through `table` into `obj`.
template <class T>
void dispatch(Ctx& ctx, const Node& parent, T& obj, const Table<T>& table) {
  for (const Node& child : parent.children) {
    dispatch_one(ctx, child, obj, table);
  }
}

// ---------------------------------------------------------------------------
// Argument readers. `i` indexes n.args. Each reports a located error naming the
// keyword and returns nullopt on failure.

/// Checks the argument count; reports and returns false if outside [lo, hi].
bool need_args(Ctx& ctx, const Node& n, std::size_t lo, std::size_t hi);
std::optional<std::int64_t> get_int(Ctx& ctx, const Node& n, std::size_t i, std::int64_t lo,
                                    std::int64_t hi);
std::optional<std::int64_t> parse_int(std::string_view s, int base = 10);
/// <BOOL>: on|off|true|false|yes|no; a flag keyword with no argument is true.
std::optional<bool> get_bool(Ctx& ctx, const Node& n, std::size_t i = 0);
std::optional<bool> parse_bool(std::string_view s);
/// <TIMER>: seconds with up to 6 decimals.
std::optional<Micros> get_timer(Ctx& ctx, const Node& n, std::size_t i, Micros lo, Micros hi);
std::optional<Micros> parse_timer(std::string_view s);
std::optional<IpAddress> get_ip(Ctx& ctx, const Node& n, std::size_t i);
std::optional<Prefix> get_prefix(Ctx& ctx, const Node& n, std::size_t i);
/// Port number 0..65535 (names such as "http" are not accepted, as in keepalived).
std::optional<std::uint16_t> get_port(Ctx& ctx, const Node& n, std::size_t i);
/// All arguments from i on, joined with spaces (scripts written without quotes).
std::string join_args(const Node& n, std::size_t i = 0);
/// A script line: command [username [groupname]].
std::optional<Script> get_script(Ctx& ctx, const Node& n);

template <class E>
using Choices = std::initializer_list<std::pair<std::string_view, E>>;

std::string choice_list(const std::vector<std::string_view>& names);
void bad_choice(Ctx& ctx, const Node& n, const Token& t,
                const std::vector<std::string_view>& names);

template <class E>
std::optional<E> get_enum(Ctx& ctx, const Node& n, std::size_t i, Choices<E> choices) {
  if (i >= n.args.size()) {
    ctx.error(n.keyword, fmt::format("'{}' needs an argument", n.keyword.text));
    return std::nullopt;
  }
  std::vector<std::string_view> names;
  for (const auto& [name, value] : choices) {
    if (n.args[i].text == name) {
      return value;
    }
    names.push_back(name);
  }
  bad_choice(ctx, n, n.args[i], names);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Keyword builders binding a keyword to a model field. M may be a plain type or
// std::optional of it.

template <class M>
struct value_type_of {
  using type = M;
};
template <class M>
struct value_type_of<std::optional<M>> {
  using type = M;
};

template <class T, class M>
Keyword<T> kw_int(std::string_view name, M T::*field, std::int64_t lo, std::int64_t hi) {
  return {name, Shape::Value, [field, lo, hi](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_int(ctx, n, 0, lo, hi)) {
              obj.*field = static_cast<typename value_type_of<M>::type>(*v);
            }
          }};
}

/// A keyword that sets a flag; takes an optional <BOOL>.
template <class T, class M>
Keyword<T> kw_bool(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 0, 1)) {
              return;
            }
            if (auto v = get_bool(ctx, n, 0)) {
              obj.*field = *v;
            }
          }};
}

/// A keyword that sets a flag and takes no argument at all.
template <class T, class M>
Keyword<T> kw_flag(std::string_view name, M T::*field, bool value = true) {
  return {name, Shape::Value, [field, value](Ctx& ctx, const Node& n, T& obj) {
            if (need_args(ctx, n, 0, 0)) {
              obj.*field = value;
            }
          }};
}

template <class T, class M>
Keyword<T> kw_timer(std::string_view name, M T::*field, Micros lo, Micros hi) {
  return {name, Shape::Value, [field, lo, hi](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_timer(ctx, n, 0, lo, hi)) {
              obj.*field = *v;
            }
          }};
}

/// Exactly one string argument.
template <class T, class M>
Keyword<T> kw_string(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (need_args(ctx, n, 1, 1)) {
              obj.*field = n.args[0].text;
            }
          }};
}

/// The rest of the line as one string (at least one word).
template <class T, class M>
Keyword<T> kw_words(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (need_args(ctx, n, 1, SIZE_MAX)) {
              obj.*field = join_args(n);
            }
          }};
}

template <class T, class M>
Keyword<T> kw_ip(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_ip(ctx, n, 0)) {
              obj.*field = *v;
            }
          }};
}

template <class T, class M>
Keyword<T> kw_script(std::string_view name, M T::*field) {
  return {name, Shape::Value, [field](Ctx& ctx, const Node& n, T& obj) {
            if (auto v = get_script(ctx, n)) {
              obj.*field = *v;
            }
          }};
}

template <class T, class M, class E>
Keyword<T> kw_enum(std::string_view name, M T::*field, Choices<E> choices) {
  std::vector<std::pair<std::string_view, E>> copy(choices);
  return {name, Shape::Value, [field, copy](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            std::vector<std::string_view> names;
            for (const auto& [nm, value] : copy) {
              if (n.args[0].text == nm) {
                obj.*field = value;
                return;
              }
              names.push_back(nm);
            }
            bad_choice(ctx, n, n.args[0], names);
          }};
}

/// A block whose lines are each a single word collected into a list (for
/// example notification_email, track_script names).
template <class T>
Keyword<T> kw_word_list(std::string_view name, std::vector<std::string> T::*field) {
  return {name, Shape::Block, [field](Ctx& ctx, const Node& n, T& obj) {
            for (const Node& c : n.children) {
              if (!c.args.empty() || c.has_block) {
                ctx.error(c.keyword,
                          fmt::format("'{}' block takes one word per line", n.keyword.text));
                continue;
              }
              (obj.*field).push_back(c.keyword.text);
            }
          }};
}

/// A keyword that keepalived accepts but vigil does not act on yet: parsed
/// (the model records the raw arguments) with a note naming it.
template <class T>
Keyword<T> kw_raw(std::string_view name, std::vector<std::vector<std::string>> T::*field,
                  Shape shape = Shape::Any) {
  return {name, shape, [field](Ctx&, const Node& n, T& obj) {
            std::vector<std::string> words;
            words.reserve(n.args.size());
            for (const auto& a : n.args) {
              words.push_back(a.text);
            }
            (obj.*field).push_back(std::move(words));
          }};
}

/// Whole seconds into a duration field (Micros or std::chrono::seconds).
template <class T, class M>
Keyword<T> kw_seconds(std::string_view name, M T::*field, std::int64_t lo, std::int64_t hi) {
  return {name, Shape::Value, [field, lo, hi](Ctx& ctx, const Node& n, T& obj) {
            if (!need_args(ctx, n, 1, 1)) {
              return;
            }
            if (auto v = get_int(ctx, n, 0, lo, hi)) {
              obj.*field = std::chrono::seconds(*v);
            }
          }};
}

/// `k`, reporting `message` at the keyword each time it is used.
template <class T>
Keyword<T> kw_reported(Keyword<T> k, Severity severity, std::string message) {
  auto fn = std::move(k.fn);
  k.fn = [fn, severity, message](Ctx& ctx, const Node& n, T& obj) {
    ctx.diags().add(ctx.loc(n.keyword), severity, message);
    fn(ctx, n, obj);
  };
  return k;
}

/// An old name keepalived still accepts silently: a note names the current one.
template <class T>
Keyword<T> kw_alias(std::string_view old_name, Keyword<T> current) {
  auto msg = fmt::format("'{}' is the old name of '{}'", old_name, current.name);
  current.name = old_name;
  return kw_reported(std::move(current), Severity::Note, std::move(msg));
}

/// A renamed keyword keepalived accepts but warns about.
template <class T>
Keyword<T> kw_deprecated(std::string_view old_name, Keyword<T> current) {
  auto msg = fmt::format("'{}' is deprecated; use '{}'", old_name, current.name);
  current.name = old_name;
  return kw_reported(std::move(current), Severity::Warning, std::move(msg));
}

/// A keyword keepalived accepts but warns about, with advice.
template <class T>
Keyword<T> kw_deprecated(Keyword<T> current, std::string_view advice) {
  auto msg = fmt::format("'{}' is deprecated; {}", current.name, advice);
  return kw_reported(std::move(current), Severity::Warning, std::move(msg));
}

/// Top-level keywords of one family, registered by parse_<family>.cpp.
using TopTable = std::vector<Keyword<Model>>;
void add_global_keywords(TopTable& top);
void add_vrrp_keywords(TopTable& top);
void add_lvs_keywords(TopTable& top);
void add_bfd_keywords(TopTable& top);

/// Cross-checks run after parsing, one per family.
void validate_global(Ctx& ctx, Model& m);
void validate_vrrp(Ctx& ctx, Model& m);
void validate_lvs(Ctx& ctx, Model& m);
void validate_bfd(Ctx& ctx, Model& m);
/// Script security across every family (keepalived's `-t` exit status 6).
void validate_scripts(Ctx& ctx, Model& m);

}  // namespace vigil::config::detail
