// SPDX-License-Identifier: GPL-2.0-or-later
// The keepalived.conf file grammar below the keyword level: comments, quoting and
// escapes, `include` (globs, braces, include_check), `@ID` / `@^ID` conditional
// lines, `$NAME=value` parameters (multi-line, recursive, with the predefined
// ${_PWD} ${_INSTANCE} ${_RANDOM} ${_ENV} ${_HASH} ${_BANG}) and the generated
// lines ~SEQ / ~SEQx / ~LST. The Reader turns files into a stream of logical
// lines of tokens, each token located at file:line:col. It never throws, never
// loops forever (cycles and runaway expansions are errors) and does no I/O of its
// own: files come through a FileSource, the environment through a callback.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/source.hpp"

namespace vigil::config {

/// One word of a logical line. `{` and `}` outside quotes are tokens of their own.
struct Token {
  std::string text;
  std::uint32_t file = 0;  ///< index into Reader::files()
  std::uint32_t line = 0;  ///< 1-based
  std::uint32_t col = 0;   ///< 1-based
  bool quoted = false;     ///< some part of the word was quoted
  [[nodiscard]] bool is(std::string_view s) const { return !quoted && text == s; }
};

using Line = std::vector<Token>;

struct ReaderOptions {
  /// Compared with `@ID` lines; keepalived's default is the short host name.
  std::string config_id;
  /// Looks up ${_ENV NAME}; none means every variable is unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  /// Seed for ${_RANDOM}; `random_seed` in the config overrides it.
  std::uint32_t random_seed = 0;
  /// Guards against runaway ~SEQ/~LST and parameter expansion.
  std::uint64_t max_generated_lines = 20'000'000;
  std::size_t max_line_bytes = 1 << 20;
  unsigned max_include_depth = 32;
  /// include_check bits in force at the start (-e/--all-config sets all).
  unsigned include_check = 0;
};

/// include_check bits (keepalived's names).
enum IncludeCheck : unsigned {
  kCheckReadable = 1,
  kCheckMatch = 2,
  kCheckWildcardMatch = 4,
  kCheckBraceMatch = 8,
  kCheckAll = 15,
};

class Reader {
 public:
  Reader(const FileSource& fs, ReaderOptions options, Diagnostics& diags);
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader();

  /// Starts reading `path`. A missing main file is a fatal diagnostic.
  void open_file(const std::string& path);
  /// Starts reading `text` as if it were a file called `name`.
  void open_text(const std::string& name, std::string text);

  /// The next logical line; false at the end of all input.
  bool next(Line& out);

  [[nodiscard]] SourceLoc loc(const Token& t) const;
  [[nodiscard]] SourceLoc loc(std::uint32_t file, std::uint32_t line, std::uint32_t col) const;
  [[nodiscard]] const std::vector<std::string>& files() const { return files_; }
  /// Every file that was read, in order (for reload and `--dump-conf`).
  [[nodiscard]] const std::vector<std::string>& files_read() const { return files_read_; }

 private:
  struct Frame;
  using Cols = std::vector<std::uint32_t>;
  struct Where {
    std::uint32_t file = 0;
    std::uint32_t line = 0;
  };

  std::uint32_t intern_file(const std::string& name);
  void push_file(const std::string& path, std::string text, unsigned include_check);
  bool pull();  // processes one raw line from the top frame; false when no frames
  void process(std::string text, Cols cols, Where w, bool physical, unsigned depth);
  void handle_include(const std::string& keyword, const std::string& arg, std::uint32_t col,
                      Where w);
  bool handle_definition(const std::string& text, const Cols& cols, Where w, bool physical);
  bool handle_generator(const std::string& text, const Cols& cols, Where w);
  bool expand(std::string_view in, std::string& out, Cols* out_cols, const Cols* in_cols,
              std::vector<std::string>& active, Where w, unsigned depth);
  std::optional<std::string> builtin(std::string_view name, std::string_view args);
  void tokenize(const std::string& text, const Cols& cols, Where w, Line& out);
  [[nodiscard]] std::string current_dir() const;
  [[nodiscard]] bool over_budget(Where w);

  const FileSource& fs_;
  ReaderOptions opts_;
  Diagnostics& diags_;
  std::vector<std::string> files_;
  std::vector<FileName> shared_names_;  // one shared name per file, for SourceLoc
  std::map<std::string, std::uint32_t> file_ids_;
  std::vector<std::string> files_read_;
  std::vector<std::unique_ptr<Frame>> stack_;
  std::deque<Line> ready_;

  struct Param {
    std::string value;  ///< lines joined with '\n'
    bool multiline = false;
  };
  std::map<std::string, Param, std::less<>> params_;

  // An open multi-line `$NAME= \` definition.
  std::optional<std::string> def_name_;
  std::string def_value_;
  Where def_where_;

  std::uint32_t expand_col_ = 1;  // column reported for nested expansions
  bool expand_failed_ = false;    // the current line's expansion hit an error
  int depth_ = 0;                 // brace depth of the lines read so far
  std::mt19937 rng_;
  std::uint64_t generated_ = 0;
  bool budget_reported_ = false;
};

/// The directory part of a path ("." if none).
std::string dir_name(const std::string& path);

}  // namespace vigil::config
