// SPDX-License-Identifier: GPL-2.0-or-later
// The Reader: a stack of frames (files, include lists, expanded multi-line
// parameters, ~SEQ/~LST generators) that yields tokenized logical lines.
#include "vigil/config/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "vigil/runtime/text.hpp"

namespace vigil::config {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}
bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool has_wildcard(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

// Where a '#' or '!' comment starts outside double quotes (keepalived treats the
// single quote as an ordinary character). Returns the line length if none.
std::size_t comment_start(const std::string& s) {
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\' && i + 1 < s.size()) {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '#' || c == '!') {
      return i;
    }
  }
  return s.size();
}

std::optional<std::int64_t> parse_seq_number(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || v > (std::int64_t{1} << 48)) {
    return std::nullopt;
  }
  return neg ? -v : v;
}

// Splits "a, {b,c}, d" at top-level commas, trimming each part.
std::vector<std::string> split_args(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    }
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  for (auto& a : out) {
    auto b = a.find_first_not_of(" \t");
    auto e = a.find_last_not_of(" \t");
    a = b == std::string::npos ? std::string() : a.substr(b, e - b + 1);
  }
  return out;
}

}  // namespace

std::string dir_name(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  if (slash == 0) {
    return "/";
  }
  return path.substr(0, slash);
}

// ---------------------------------------------------------------------------
// Frames

struct Reader::Frame {
  enum class Kind { File, Includes, Lines, Generator } kind = Kind::File;
  Where where;  // the line that created this frame (not for the main file)

  // File
  std::string text;
  std::size_t pos = 0;
  std::uint32_t line_no = 0;
  std::string path;
  std::string canonical;
  unsigned include_check = 0;

  // Includes: files still to open, in order
  std::vector<std::string> pending;
  std::size_t next_pending = 0;

  // Lines: an expanded multi-line parameter
  std::vector<std::string> lines;
  std::size_t next_line = 0;
  std::uint32_t col = 1;

  // Generator: ~SEQ / ~SEQx (numeric) or ~LST (value sets)
  std::vector<std::string> vars;
  bool numeric = false;
  bool hex = false;
  std::int64_t cur = 0, step = 1, end = 0;
  std::vector<std::vector<std::string>> sets;
  std::size_t next_set = 0;
  std::string remainder;
  Cols remainder_cols;
};

Reader::Reader(const FileSource& fs, ReaderOptions options, Diagnostics& diags)
    : fs_(fs), opts_(std::move(options)), diags_(diags), rng_(opts_.random_seed) {}

Reader::~Reader() = default;

std::uint32_t Reader::intern_file(const std::string& name) {
  auto [it, inserted] = file_ids_.try_emplace(name, static_cast<std::uint32_t>(files_.size()));
  if (inserted) {
    files_.push_back(name);
    shared_names_.emplace_back(name);
  }
  return it->second;
}

SourceLoc Reader::loc(std::uint32_t file, std::uint32_t line, std::uint32_t col) const {
  return SourceLoc{file < shared_names_.size() ? shared_names_[file] : FileName(), line, col};
}

SourceLoc Reader::loc(const Token& t) const {
  return loc(t.file, t.line, t.col);
}

void Reader::open_file(const std::string& path) {
  std::string err;
  auto text = fs_.read(path, err);
  if (!text) {
    diags_.fatal(SourceLoc{path, 0, 0}, fmt::format("cannot read configuration file: {}", err));
    return;
  }
  push_file(path, std::move(*text), opts_.include_check);
}

void Reader::open_text(const std::string& name, std::string text) {
  push_file(name, std::move(text), opts_.include_check);
}

void Reader::push_file(const std::string& path, std::string text, unsigned include_check) {
  auto f = std::make_unique<Frame>();
  f->kind = Frame::Kind::File;
  f->path = path;
  f->canonical = fs_.canonical(path);
  f->text = std::move(text);
  f->include_check = include_check;
  f->where.file = intern_file(path);
  files_read_.push_back(path);
  stack_.push_back(std::move(f));
}

std::string Reader::current_dir() const {
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
    if ((*it)->kind == Frame::Kind::File) {
      return dir_name((*it)->path);
    }
  }
  return ".";
}

bool Reader::over_budget(Where w) {
  if (++generated_ <= opts_.max_generated_lines) {
    return false;
  }
  if (!budget_reported_) {
    budget_reported_ = true;
    diags_.fatal(loc(w.file, w.line, 1),
                 fmt::format("configuration expands to more than {} lines; stopping "
                             "(runaway ~SEQ/~LST or parameter expansion?)",
                             opts_.max_generated_lines));
  }
  // Drop every generated frame so reading ends.
  while (!stack_.empty() && stack_.back()->kind != Frame::Kind::File) {
    stack_.pop_back();
  }
  return true;
}

bool Reader::next(Line& out) {
  while (ready_.empty()) {
    if (!pull()) {
      return false;
    }
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

bool Reader::pull() {
  if (stack_.empty()) {
    return false;
  }
  Frame& f = *stack_.back();
  switch (f.kind) {
    case Frame::Kind::File: {
      if (f.pos >= f.text.size()) {
        if (def_name_) {
          // keepalived silently keeps what was read; so do we, with a note.
          diags_.note(loc(def_where_.file, def_where_.line, 1),
                      fmt::format("multi-line definition of ${} ends with '\\' on the last "
                                  "line of the file",
                                  *def_name_));
          params_[*def_name_] = Param{def_value_, true};
          def_name_.reset();
          def_value_.clear();
        }
        stack_.pop_back();
        return true;
      }
      auto nl = f.text.find('\n', f.pos);
      if (nl == std::string::npos) {
        nl = f.text.size();
      }
      std::string line = f.text.substr(f.pos, nl - f.pos);
      f.pos = nl + 1;
      ++f.line_no;
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.size() > opts_.max_line_bytes) {
        diags_.error(loc(f.where.file, f.line_no, 1),
                     fmt::format("line is longer than {} bytes; ignored", opts_.max_line_bytes));
        return true;
      }
      Cols cols(line.size());
      for (std::size_t i = 0; i < cols.size(); ++i) {
        cols[i] = static_cast<std::uint32_t>(i + 1);
      }
      process(std::move(line), std::move(cols), Where{f.where.file, f.line_no}, true, 0);
      return true;
    }
    case Frame::Kind::Includes: {
      if (f.next_pending >= f.pending.size()) {
        stack_.pop_back();
        return true;
      }
      const std::string path = f.pending[f.next_pending++];
      const unsigned check = f.include_check;
      const Where w = f.where;
      std::size_t depth = 0;
      const std::string canon = fs_.canonical(path);
      for (const auto& fr : stack_) {
        if (fr->kind == Frame::Kind::File) {
          ++depth;
          if (fr->canonical == canon) {
            diags_.error(loc(w.file, w.line, f.col),
                         fmt::format("include cycle: '{}' is already being read", path));
            return true;
          }
        }
      }
      if (depth >= opts_.max_include_depth) {
        diags_.error(loc(w.file, w.line, f.col),
                     fmt::format("includes nested more than {} deep; '{}' not read",
                                 opts_.max_include_depth, path));
        return true;
      }
      std::string err;
      auto text = fs_.read(path, err);
      if (!text) {
        const auto msg = fmt::format("cannot read included file '{}': {}", path, err);
        if ((check & kCheckReadable) != 0) {
          diags_.fatal(loc(w.file, w.line, f.col), msg + " (include_check)");
        } else {
          diags_.note(loc(w.file, w.line, f.col), msg);
        }
        return true;
      }
      push_file(path, std::move(*text), check);
      return true;
    }
    case Frame::Kind::Lines: {
      if (f.next_line >= f.lines.size()) {
        stack_.pop_back();
        return true;
      }
      std::string line = f.lines[f.next_line++];
      const Where w = f.where;
      Cols cols(line.size(), f.col);
      process(std::move(line), std::move(cols), w, false, 0);
      return true;
    }
    case Frame::Kind::Generator: {
      std::vector<std::string> values;
      if (f.numeric) {
        const bool done = f.step > 0 ? f.cur > f.end : f.cur < f.end;
        if (done) {
          stack_.pop_back();
          return true;
        }
        values.push_back(f.hex ? fmt::format("{:x}", f.cur) : fmt::format("{}", f.cur));
        f.cur += f.step;
      } else {
        if (f.next_set >= f.sets.size()) {
          stack_.pop_back();
          return true;
        }
        values = f.sets[f.next_set++];
      }
      for (std::size_t i = 0; i < f.vars.size() && i < values.size(); ++i) {
        params_[f.vars[i]] = Param{values[i], false};
      }
      const Where w = f.where;
      std::string rem = f.remainder;
      Cols cols = f.remainder_cols;
      if (over_budget(w)) {
        return true;
      }
      process(std::move(rem), std::move(cols), w, false, 0);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// One line through the pipeline

void Reader::process(std::string text, Cols cols, Where w, bool physical, unsigned depth) {
  if (physical) {
    const std::size_t cut = comment_start(text);
    text.resize(cut);
    cols.resize(cut);
    if (def_name_) {
      // Inside a multi-line `$NAME= \` definition: blank lines are skipped, a
      // trailing '\' continues, anything else ends the definition.
      auto e = text.find_last_not_of(" \t\r\f\v");
      if (e == std::string::npos) {
        return;
      }
      text.resize(e + 1);
      const bool more = text.back() == '\\';
      if (more) {
        text.pop_back();
      }
      if (!def_value_.empty()) {
        def_value_.push_back('\n');
      }
      def_value_ += text;
      if (!more) {
        params_[*def_name_] = Param{def_value_, true};
        def_name_.reset();
        def_value_.clear();
      }
      return;
    }
  }
  // trim
  std::size_t b = 0;
  while (b < text.size() && is_space(text[b])) {
    ++b;
  }
  std::size_t e = text.size();
  while (e > b && is_space(text[e - 1])) {
    --e;
  }
  if (b == e) {
    return;
  }
  if (b > 0 || e < text.size()) {
    text = text.substr(b, e - b);
    cols = Cols(cols.begin() + static_cast<std::ptrdiff_t>(b),
                cols.begin() + static_cast<std::ptrdiff_t>(e));
  }

  // include detection happens on the raw line, before conditionals and parameters
  if (physical) {
    const auto sp = text.find_first_of(" \t");
    const std::string first = text.substr(0, sp);
    if (first == "include" || first == "includer" || first == "includem" || first == "includew" ||
        first == "includeb" || first == "includea") {
      // The file name is the rest of the line, quotes and spaces included, as
      // keepalived reads it.
      std::size_t a = sp == std::string::npos ? text.size() : sp;
      while (a < text.size() && is_space(text[a])) {
        ++a;
      }
      handle_include(first, text.substr(a), a < cols.size() ? cols[a] : cols.front(), w);
      return;
    }
  }

  // @ID / @^ID conditional lines
  if (text[0] == '@') {
    const bool negate = text.size() > 1 && text[1] == '^';
    const std::size_t id_start = negate ? 2 : 1;
    std::size_t id_end = id_start;
    while (id_end < text.size() && !is_space(text[id_end])) {
      ++id_end;
    }
    const bool match = text.compare(id_start, id_end - id_start, opts_.config_id) == 0;
    if (match == negate) {
      return;
    }
    while (id_end < text.size() && is_space(text[id_end])) {
      ++id_end;
    }
    if (id_end >= text.size()) {
      return;
    }
    text = text.substr(id_end);
    cols = Cols(cols.begin() + static_cast<std::ptrdiff_t>(id_end), cols.end());
  }

  if (text[0] == '$' && handle_definition(text, cols, w, physical)) {
    return;
  }
  if (text[0] == '~' && handle_generator(text, cols, w)) {
    return;
  }

  // Track the include_check and random_seed settings as they stream past: they
  // change how the rest of the input is read. The parser still sees the lines.
  std::string out;
  Cols out_cols;
  std::vector<std::string> active;
  expand_failed_ = false;
  expand_col_ = cols.empty() ? 1 : cols.front();
  const bool changed = expand(text, out, &out_cols, &cols, active, w, 0);
  if (changed) {
    if (out.find('\n') != std::string::npos) {
      const auto nested = std::count_if(stack_.begin(), stack_.end(), [](const auto& fr) {
        return fr->kind == Frame::Kind::Lines;
      });
      if (nested >= 64) {
        diags_.error(loc(w.file, w.line, cols.empty() ? 1 : cols.front()),
                     "multi-line parameters nest more than 64 deep (a parameter that uses "
                     "itself?); not expanded");
        return;
      }
      auto f = std::make_unique<Frame>();
      f->kind = Frame::Kind::Lines;
      f->where = w;
      f->col = cols.empty() ? 1 : cols.front();
      std::size_t start = 0;
      while (start <= out.size()) {
        auto nl = out.find('\n', start);
        if (nl == std::string::npos) {
          nl = out.size();
        }
        f->lines.push_back(out.substr(start, nl - start));
        start = nl + 1;
      }
      stack_.push_back(std::move(f));
      return;
    }
    if (depth < 4 && !expand_failed_ && !out.empty() &&
        (out[0] == '@' || out[0] == '$' || out[0] == '~')) {
      process(std::move(out), std::move(out_cols), w, false, depth + 1);
      return;
    }
    text = std::move(out);
    cols = std::move(out_cols);
  }

  Line line;
  tokenize(text, cols, w, line);
  if (line.empty()) {
    return;
  }
  const int depth_before = depth_;
  for (const auto& t : line) {
    if (t.is("{")) {
      ++depth_;
    } else if (t.is("}") && depth_ > 0) {
      --depth_;
    }
  }
  if (line[0].is("include_check") && depth_before > 0) {
    unsigned check = kCheckAll;
    if (line.size() > 1) {
      check = 0;
      for (std::size_t i = 1; i < line.size(); ++i) {
        std::string opt = line[i].text;
        bool remove = false;
        if (!opt.empty() && (opt[0] == '+' || opt[0] == '-')) {
          remove = opt[0] == '-';
          opt = opt.substr(1);
        }
        unsigned bit = 0;
        if (opt == "readable") {
          bit = kCheckReadable;
        } else if (opt == "match") {
          bit = kCheckMatch;
        } else if (opt == "wildcard_match") {
          bit = kCheckWildcardMatch;
        } else if (opt == "brace_match") {
          bit = kCheckBraceMatch;
        }
        check = remove ? (check & ~bit) : (check | bit);
      }
    }
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if ((*it)->kind == Frame::Kind::File) {
        (*it)->include_check = check;
        break;
      }
    }
  } else if (line[0].is("random_seed") && line.size() > 1) {
    if (auto v = parse_seq_number(line[1].text)) {
      rng_.seed(static_cast<std::uint32_t>(*v));
    }
  }
  if (over_budget(w)) {
    return;
  }
  ready_.push_back(std::move(line));
}

void Reader::handle_include(const std::string& keyword, const std::string& arg, std::uint32_t col,
                            Where w) {
  const SourceLoc at = loc(w.file, w.line, col);
  if (arg.empty()) {
    diags_.error(at, fmt::format("'{}' needs a file name", keyword));
    return;
  }
  unsigned check = 0;
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
    if ((*it)->kind == Frame::Kind::File) {
      check = (*it)->include_check;
      break;
    }
  }
  if (keyword == "includer") {
    check |= kCheckReadable;
  } else if (keyword == "includem") {
    check |= kCheckMatch | kCheckReadable;
  } else if (keyword == "includew") {
    check |= kCheckWildcardMatch | kCheckReadable;
  } else if (keyword == "includeb") {
    check |= kCheckBraceMatch | kCheckReadable;
  } else if (keyword == "includea") {
    check = kCheckAll;
  }
  if ((check & (kCheckMatch | kCheckWildcardMatch | kCheckBraceMatch)) != 0) {
    check |= kCheckReadable;  // the man page: match checks include the readable check
  }
  std::string pattern = arg;
  if (pattern[0] != '/') {
    pattern = current_dir() + "/" + pattern;
  }
  // A failed include check means the configuration is incomplete: it cannot
  // run as written (keepalived 2.2.7 exits 6 here, its script-security code).
  auto failed = [&](unsigned bit, std::string msg) {
    if ((check & bit) != 0) {
      diags_.fatal(at, fmt::format("{} (include_check)", msg));
    } else {
      diags_.note(at, std::move(msg));
    }
  };
  std::vector<std::string> matches;
  const auto alternatives = expand_braces(pattern);
  for (const auto& alt : alternatives) {
    auto found = fs_.glob(alt);
    if (found.empty()) {
      if (!has_wildcard(alt)) {
        failed(kCheckMatch, fmt::format("included file '{}' does not exist", alt));
      } else {
        failed(kCheckWildcardMatch, fmt::format("include pattern '{}' matches no file", alt));
      }
      if (alternatives.size() > 1) {
        failed(kCheckBraceMatch, fmt::format("brace alternative '{}' matches no file", alt));
      }
    }
    for (auto& m : found) {
      if (std::find(matches.begin(), matches.end(), m) == matches.end()) {
        matches.push_back(std::move(m));
      }
    }
  }
  if (matches.empty()) {
    return;
  }
  auto f = std::make_unique<Frame>();
  f->kind = Frame::Kind::Includes;
  f->where = Where{w.file, w.line};
  f->col = col;
  f->pending = std::move(matches);
  f->include_check = check;
  stack_.push_back(std::move(f));
}

bool Reader::handle_definition(const std::string& text, const Cols& cols, Where w, bool physical) {
  // $NAME=value: no space before '='
  if (text.size() < 3 || !is_name_start(text[1])) {
    return false;
  }
  std::size_t i = 2;
  while (i < text.size() && is_name_char(text[i])) {
    ++i;
  }
  if (i >= text.size() || text[i] != '=') {
    return false;
  }
  const std::string name = text.substr(1, i - 1);
  std::string value = text.substr(i + 1);
  auto b = value.find_first_not_of(" \t");
  value = b == std::string::npos ? std::string() : value.substr(b);
  if (!value.empty() && value.back() == '\\') {
    // `$NAME= \` (or `$NAME=text \`) starts a multi-line definition.
    if (!physical) {
      diags_.error(loc(w.file, w.line, cols.empty() ? 1 : cols.front()),
                   fmt::format("multi-line definition of ${} must be written in a file, not "
                               "produced by expansion",
                               name));
      return true;
    }
    value.pop_back();
    def_name_ = name;
    def_value_ = value.find_first_not_of(" \t") == std::string::npos ? std::string() : value;
    def_where_ = w;
    return true;
  }
  params_[name] = Param{value, false};
  return true;
}

bool Reader::handle_generator(const std::string& text, const Cols& cols, Where w) {
  bool numeric = true;
  bool hex = false;
  std::size_t open = 0;
  if (text.rfind("~SEQx(", 0) == 0) {
    hex = true;
    open = 5;
  } else if (text.rfind("~SEQ(", 0) == 0) {
    open = 4;
  } else if (text.rfind("~LST(", 0) == 0) {
    numeric = false;
    open = 4;
  } else {
    return false;
  }
  const SourceLoc at = loc(w.file, w.line, cols.empty() ? 1 : cols.front());
  const std::string kind = text.substr(1, open - 1);
  int depth = 0;
  std::size_t close = std::string::npos;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '{') {
      ++depth;
    } else if (text[i] == ')' || text[i] == '}') {
      --depth;
      if (depth == 0 && text[i] == ')') {
        close = i;
        break;
      }
    }
  }
  if (close == std::string::npos) {
    diags_.error(at, fmt::format("~{}( is missing its closing ')'", kind));
    return true;
  }
  // The spec itself may use parameters: expand it first.
  std::string spec_raw = text.substr(open + 1, close - open - 1);
  std::string spec;
  std::vector<std::string> active;
  if (!expand(spec_raw, spec, nullptr, nullptr, active, w, 0)) {
    spec = spec_raw;
  }
  auto args = split_args(spec);
  auto f = std::make_unique<Frame>();
  f->kind = Frame::Kind::Generator;
  f->where = w;
  std::size_t rem = close + 1;
  while (rem < text.size() && is_space(text[rem])) {
    ++rem;
  }
  f->remainder = text.substr(rem);
  f->remainder_cols = Cols(cols.begin() + static_cast<std::ptrdiff_t>(rem), cols.end());
  if (f->remainder.empty()) {
    diags_.warning(at, fmt::format("~{}(...) has nothing after it to repeat", kind));
    return true;
  }
  auto valid_var = [](const std::string& v) {
    return !v.empty() && is_name_start(v[0]) &&
           std::all_of(v.begin(), v.end(), [](char c) { return is_name_char(c); });
  };
  if (numeric) {
    if (args.size() < 2 || args.size() > 4) {
      diags_.error(at, fmt::format("~{}(var, [start, [step,]] end) takes 2 to 4 arguments, "
                                   "not {}",
                                   kind, args.size()));
      return true;
    }
    if (!valid_var(args[0])) {
      diags_.error(at, fmt::format("~{}: '{}' is not a valid variable name", kind, args[0]));
      return true;
    }
    std::vector<std::int64_t> nums;
    for (std::size_t i = 1; i < args.size(); ++i) {
      auto v = parse_seq_number(args[i]);
      if (!v) {
        diags_.error(at, fmt::format("~{}: '{}' is not an integer", kind, args[i]));
        return true;
      }
      nums.push_back(*v);
    }
    std::int64_t start = 0, step = 0, end = 0;
    if (nums.size() == 1) {
      end = nums[0];
      start = end >= 0 ? 1 : -1;
    } else if (nums.size() == 2) {
      start = nums[0];
      end = nums[1];
    } else {
      start = nums[0];
      step = nums[1];
      end = nums[2];
    }
    if (nums.size() < 3) {
      step = end >= start ? 1 : -1;
    }
    if (step == 0) {
      diags_.error(at, fmt::format("~{}: a step of 0 would never end", kind));
      return true;
    }
    if ((step > 0 && start > end) || (step < 0 && start < end)) {
      diags_.warning(at, fmt::format("~{}({}) produces no lines: the step moves away from "
                                     "the end",
                                     kind, spec));
      return true;
    }
    f->numeric = true;
    f->hex = hex;
    f->vars = {args[0]};
    f->cur = start;
    f->step = step;
    f->end = end;
  } else {
    if (args.size() < 2) {
      diags_.error(at, "~LST(var, value, ...) needs a variable and at least one value");
      return true;
    }
    auto strip_braces = [](std::string s) {
      if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
        return split_args(s.substr(1, s.size() - 2));
      }
      return std::vector<std::string>{s};
    };
    f->vars = strip_braces(args[0]);
    for (const auto& v : f->vars) {
      if (!valid_var(v)) {
        diags_.error(at, fmt::format("~LST: '{}' is not a valid variable name", v));
        return true;
      }
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
      auto vals = strip_braces(args[i]);
      if (vals.size() != f->vars.size()) {
        diags_.error(at, fmt::format("~LST: value set '{}' has {} values for {} variables", args[i],
                                     vals.size(), f->vars.size()));
        return true;
      }
      f->sets.push_back(std::move(vals));
    }
  }
  stack_.push_back(std::move(f));
  return true;
}

std::optional<std::string> Reader::builtin(std::string_view name, std::string_view args) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
      s.remove_suffix(1);
    }
    return s;
  };
  args = trim(args);
  if (name == "_PWD") {
    // Absolute, as scripts using it run after the daemon has left this directory.
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if ((*it)->kind == Frame::Kind::File) {
        return dir_name((*it)->canonical);
      }
    }
    return current_dir();
  }
  if (name == "_INSTANCE") {
    return opts_.config_id;
  }
  if (name == "_HASH") {
    return std::string("#");
  }
  if (name == "_BANG") {
    return std::string("!");
  }
  if (name == "_ENV") {
    if (args.empty() || !opts_.getenv) {
      return std::string();
    }
    return opts_.getenv(std::string(args)).value_or(std::string());
  }
  if (name == "_RANDOM") {
    std::int64_t lo = 0, hi = 32767;
    auto sp = args.find_first_of(" \t");
    if (!args.empty()) {
      if (auto v = parse_seq_number(args.substr(0, sp))) {
        lo = *v;
      }
      if (sp != std::string_view::npos) {
        if (auto v = parse_seq_number(trim(args.substr(sp)))) {
          hi = *v;
        }
      }
    }
    if (hi < lo) {
      std::swap(hi, lo);
    }
    std::uniform_int_distribution<std::int64_t> dist(lo, hi);
    return std::to_string(dist(rng_));
  }
  return std::nullopt;
}

// Replaces $NAME (followed by whitespace or the end) and ${NAME} references,
// appending to `out`. Returns true if anything was replaced. `active` holds the
// names being expanded, to report self-references instead of looping; the
// output is bounded by max_line_bytes as it grows, so runaway (exponential)
// definitions stop early. `at` is the column reported for nested expansions.
bool Reader::expand(std::string_view in, std::string& out, Cols* out_cols, const Cols* in_cols,
                    std::vector<std::string>& active, Where w, unsigned depth) {
  bool changed = false;
  auto col_at = [&](std::size_t i) -> std::uint32_t {
    if (in_cols == nullptr || in_cols->empty()) {
      return expand_col_;
    }
    return (*in_cols)[std::min(i, in_cols->size() - 1)];
  };
  auto literal = [&](std::size_t from, std::size_t to) {
    out.append(in.substr(from, to - from));
    if (out_cols != nullptr) {
      for (std::size_t k = from; k < to; ++k) {
        out_cols->push_back(col_at(k));
      }
    }
  };
  std::size_t i = 0;
  while (i < in.size() && !expand_failed_) {
    const auto dollar = in.find('$', i);
    if (dollar == std::string_view::npos || dollar + 1 >= in.size()) {
      literal(i, in.size());
      break;
    }
    literal(i, dollar);
    i = dollar;
    std::string name;
    std::string args;
    std::size_t after = 0;
    if (in[i + 1] == '{') {
      auto close = in.find('}', i + 2);
      if (close == std::string_view::npos) {
        literal(i, i + 1);
        ++i;
        continue;
      }
      std::string_view body = in.substr(i + 2, close - i - 2);
      auto sp = body.find_first_of(" \t");
      name = std::string(body.substr(0, sp));
      if (sp != std::string_view::npos) {
        args = std::string(body.substr(sp + 1));
      }
      after = close + 1;
    } else {
      std::size_t j = i + 1;
      while (j < in.size() && is_name_char(in[j])) {
        ++j;
      }
      if (j == i + 1 || (j < in.size() && !is_space(in[j]))) {
        literal(i, i + 1);
        ++i;
        continue;
      }
      name = std::string(in.substr(i + 1, j - i - 1));
      after = j;
    }
    const std::uint32_t at = col_at(i);
    std::optional<std::string> builtin_value;
    const Param* param = nullptr;
    if (auto p = params_.find(name); p != params_.end()) {
      param = &p->second;
    } else if (!name.empty() && name[0] == '_') {
      builtin_value = builtin(name, args);
    }
    if (param == nullptr && !builtin_value) {
      literal(i, after);  // undefined: left as written
      i = after;
      continue;
    }
    if (param != nullptr && std::find(active.begin(), active.end(), name) != active.end()) {
      diags_.error(loc(w.file, w.line, at),
                   fmt::format("parameter ${} refers to itself (through {}); left unexpanded", name,
                               fmt::join(active, " -> ")));
      expand_failed_ = true;
      literal(i, after);
      return changed;
    }
    changed = true;
    const std::size_t before = out.size();
    if (param != nullptr && param->multiline) {
      // A multi-line value is inserted as written: each of its lines is then
      // read like a line of the file, so definitions inside it take effect
      // before the following lines are substituted (keepalived's order).
      out += param->value;
    } else if (param != nullptr) {
      if (depth >= 64) {
        diags_.error(loc(w.file, w.line, at),
                     fmt::format("parameter ${} nests more than 64 deep; left unexpanded", name));
        expand_failed_ = true;
        return changed;
      }
      const std::string value = param->value;  // copy: expansion may not redefine, but be safe
      active.push_back(name);
      const std::uint32_t saved = expand_col_;
      expand_col_ = at;
      expand(value, out, nullptr, nullptr, active, w, depth + 1);
      expand_col_ = saved;
      active.pop_back();
    } else {
      out += *builtin_value;
    }
    if (out.size() > opts_.max_line_bytes) {
      if (!expand_failed_) {
        diags_.error(loc(w.file, w.line, at),
                     fmt::format("expanding ${} makes the line longer than {} bytes; stopped", name,
                                 opts_.max_line_bytes));
      }
      expand_failed_ = true;
      out.resize(opts_.max_line_bytes);
    }
    if (out_cols != nullptr) {
      out_cols->insert(out_cols->end(), out.size() - before, at);
    }
    i = after;
  }
  return changed;
}

void Reader::tokenize(const std::string& text, const Cols& cols, Where w, Line& out) {
  auto col_at = [&](std::size_t i) -> std::uint32_t {
    if (cols.empty()) {
      return 1;
    }
    return cols[std::min(i, cols.size() - 1)];
  };
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && is_space(text[i])) {
      ++i;
    }
    if (i >= n) {
      break;
    }
    Token t;
    t.file = w.file;
    t.line = w.line;
    t.col = col_at(i);
    if (text[i] == '{' || text[i] == '}') {
      t.text = std::string(1, text[i]);
      out.push_back(std::move(t));
      ++i;
      continue;
    }
    char quote = 0;
    std::size_t quote_start = 0;
    while (i < n) {
      const char c = text[i];
      if (quote == 0) {
        if (is_space(c) || c == '{' || c == '}') {
          break;
        }
        if (c == '"') {
          quote = c;
          quote_start = i;
          t.quoted = true;
          ++i;
          continue;
        }
        t.text.push_back(c);
        ++i;
        continue;
      }
      if (c == quote) {
        quote = 0;
        ++i;
        continue;
      }
      if (c != '\\' || i + 1 >= n) {
        t.text.push_back(c);
        ++i;
        continue;
      }
      // escapes inside quotes, as in the shell
      const char e = text[i + 1];
      i += 2;
      switch (e) {
        case 'a':
          t.text.push_back('\a');
          break;
        case 'b':
          t.text.push_back('\b');
          break;
        case 'E':
          t.text.push_back('\x1b');
          break;
        case 'f':
          t.text.push_back('\f');
          break;
        case 'n':
          t.text.push_back('\n');
          break;
        case 'r':
          t.text.push_back('\r');
          break;
        case 't':
          t.text.push_back('\t');
          break;
        case 'v':
          t.text.push_back('\v');
          break;
        case 'x': {
          unsigned v = 0;
          int digits = 0;
          while (i < n && digits < 2 && std::isxdigit(static_cast<unsigned char>(text[i]))) {
            const char h = text[i];
            v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                                   ? h - '0'
                                                   : (std::tolower(h) - 'a' + 10));
            ++i;
            ++digits;
          }
          if (digits == 0) {
            t.text.push_back('x');
          } else {
            t.text.push_back(static_cast<char>(v));
          }
          break;
        }
        case 'c':
          if (i < n) {
            t.text.push_back(
                static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])) ^ 0x40));
            ++i;
          } else {
            t.text.push_back('c');
          }
          break;
        default:
          if (e >= '0' && e <= '7') {
            unsigned v = static_cast<unsigned>(e - '0');
            int digits = 1;
            while (i < n && digits < 3 && text[i] >= '0' && text[i] <= '7') {
              v = v * 8 + static_cast<unsigned>(text[i] - '0');
              ++i;
              ++digits;
            }
            t.text.push_back(static_cast<char>(v & 0xff));
          } else {
            t.text.push_back(e);
          }
          break;
      }
    }
    if (quote != 0) {
      diags_.error(loc(w.file, w.line, col_at(quote_start)), "unterminated quoted string");
    }
    out.push_back(std::move(t));
  }
}

}  // namespace vigil::config
