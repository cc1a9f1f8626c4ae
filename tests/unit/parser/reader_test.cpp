// SPDX-License-Identifier: GPL-2.0-or-later
// The file grammar below keywords: one test per feature of keepalived.conf(5)'s
// lexing, include, conditional, parameter and generated-line rules.
#include "vigil/config/reader.hpp"

#include <catch2/catch.hpp>

#include "vigil/config/dump.hpp"
#include "vigil/config/load.hpp"

using namespace vigil::config;

namespace {

struct Read {
  std::vector<std::vector<std::string>> lines;
  std::vector<Line> tokens;
  Diagnostics diags;
  std::string diag_text() const {
    std::string s;
    for (const auto& d : diags.all()) {
      s += format(d) + "\n";
    }
    return s;
  }
};

Read read_tree(const MemoryFileSource& fs, const std::string& main, ReaderOptions opts = {}) {
  Read r;
  Reader reader(fs, std::move(opts), r.diags);
  reader.open_file(main);
  Line line;
  while (reader.next(line)) {
    std::vector<std::string> words;
    for (const auto& t : line) {
      words.push_back(t.text);
    }
    r.lines.push_back(words);
    r.tokens.push_back(line);
    line.clear();
  }
  return r;
}

Read read(const std::string& text, ReaderOptions opts = {}) {
  MemoryFileSource fs;
  fs.add("/etc/k/main.conf", text);
  return read_tree(fs, "/etc/k/main.conf", std::move(opts));
}

using Lines = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("Comments start with # or ! anywhere on a line, but not inside quotes",
          "[parser][lexer]") {
  // keepalived treats ' as an ordinary character, so it does not protect a comment
  auto r = read("# whole line\n! also\nrouter_id a # trailing\nx b!c\ny \"q#r!s\" 't#u'\n");
  CHECK(r.lines == Lines{{"router_id", "a"}, {"x", "b"}, {"y", "q#r!s", "'t"}});
  CHECK(r.diags.all().empty());
}

TEST_CASE("Braces are tokens of their own wherever they are written", "[parser][lexer]") {
  auto r = read("vrrp_instance VI_1{\nvirtual_ipaddress {198.18.0.1/24}\n}\nfoo\n{\n}\n");
  CHECK(r.lines == Lines{{"vrrp_instance", "VI_1", "{"},
                         {"virtual_ipaddress", "{", "198.18.0.1/24", "}"},
                         {"}"},
                         {"foo"},
                         {"{"},
                         {"}"}});
}

TEST_CASE("Double quotes join words and keep their whitespace, single quotes are literal",
          "[parser][lexer]") {
  // keepalived.conf(5): 'abcd" efg h jkl "mnop' is the single string 'abcd efg h jkl mnop'
  auto r = read("a abcd\" efg h jkl \"mnop\nb abcd \"efg h jkl\" mnop\nc 'it''s' \"{x}\"\n");
  CHECK(r.lines == Lines{{"a", "abcd efg h jkl mnop"},
                         {"b", "abcd", "efg h jkl", "mnop"},
                         {"c", "'it''s'", "{x}"}});
  CHECK(r.tokens[2][2].quoted);
  CHECK_FALSE(r.tokens[2][0].quoted);
}

TEST_CASE("Quoted strings understand keepalived's escapes", "[parser][lexer]") {
  auto r = read(R"(e "\a\b\E\f\n\r\t\v" "\101\x42\cc" "\"q\" \\ \z" "\1x\x4")"
                "\n");
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0][1] == "\a\b\x1b\f\n\r\t\v");
  CHECK(r.lines[0][2] == std::string("AB\x03"));
  CHECK(r.lines[0][3] == "\"q\" \\ z");
  CHECK(r.lines[0][4] == std::string("\x01x\x04"));
}

TEST_CASE("An unterminated quote is an error at the quote", "[parser][lexer]") {
  auto r = read("script \"/bin/true arg\n");
  CHECK(r.lines == Lines{{"script", "/bin/true arg"}});
  CHECK(r.diag_text() == "/etc/k/main.conf:1:8: error: unterminated quoted string\n");
}

TEST_CASE("Tokens carry their line and column", "[parser][lexer]") {
  auto r = read("\n  global_defs {\n\trouter_id   lb1\n");
  REQUIRE(r.tokens.size() == 2);
  CHECK(r.tokens[0][0].line == 2);
  CHECK(r.tokens[0][0].col == 3);
  CHECK(r.tokens[0][1].col == 15);
  CHECK(r.tokens[1][1].line == 3);
  CHECK(r.tokens[1][1].col == 14);
}

TEST_CASE("A trailing backslash continues only multi-line definitions, as in keepalived",
          "[parser][lexer]") {
  auto r = read("virtual_router_id \\\n 30\n");
  CHECK(r.lines == Lines{{"virtual_router_id", "\\"}, {"30"}});
}

TEST_CASE("include reads files relative to the including file", "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/etc/k/main.conf", "a 1\ninclude conf.d/*.conf\nz 26\n");
  fs.add("/etc/k/conf.d/10-x.conf", "b 2\ninclude ../more/{c,d}.conf\n");
  fs.add("/etc/k/conf.d/20-y.conf", "e 5\n");
  fs.add("/etc/k/more/c.conf", "c 3\n");
  fs.add("/etc/k/more/d.conf", "d 4 ${_PWD}\n");
  auto r = read_tree(fs, "/etc/k/main.conf");
  CHECK(
      r.lines ==
      Lines{
          {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4", "/etc/k/more"}, {"e", "5"}, {"z", "26"}});
  CHECK(r.diags.all().empty());
  REQUIRE(r.tokens.size() == 6);
  CHECK(r.tokens[3][0].line == 1);
}

TEST_CASE("Missing includes are notes unless an include check asks for them", "[parser][include]") {
  // keepalived 2.2.7 accepts a missing plain include and a missing includer file
  // ("Config files missing"); includea's checks make the config unrunnable.
  MemoryFileSource fs;
  fs.add("/k/main.conf",
         "include missing.conf\nincluder gone.conf\nincludea none*.conf\nincludem \"q.conf\"\n");
  fs.add("/k/q.conf", "never 1\n");
  auto r = read_tree(fs, "/k/main.conf");
  CHECK(r.lines.empty());
  CHECK(r.diag_text() ==
        "/k/main.conf:1:9: note: included file '/k/missing.conf' does not exist\n"
        "/k/main.conf:2:10: note: included file '/k/gone.conf' does not exist\n"
        "/k/main.conf:3:10: fatal error: include pattern '/k/none*.conf' matches no file "
        "(include_check)\n"
        "/k/main.conf:4:10: fatal error: included file '/k/\"q.conf\"' does not exist "
        "(include_check)\n");
}

TEST_CASE("The include file name is the rest of the line", "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/k/main.conf", "include  my file.conf   # comment\n");
  fs.add("/k/my file.conf", "x 1\n");
  CHECK(read_tree(fs, "/k/main.conf").lines == Lines{{"x", "1"}});
}

TEST_CASE("A file that matches but cannot be read fails the readable check", "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/k/main.conf", "global_defs {\n include_check readable\n}\ninclude [x].conf\n");
  struct Unreadable : FileSource {
    const MemoryFileSource& base;
    explicit Unreadable(const MemoryFileSource& b) : base(b) {}
    std::optional<std::string> read(const std::string& p, std::string& e) const override {
      if (p == "/k/x.conf") {
        e = "Permission denied";
        return std::nullopt;
      }
      return base.read(p, e);
    }
    std::vector<std::string> glob(const std::string&) const override { return {"/k/x.conf"}; }
    std::string canonical(const std::string& p) const override { return p; }
  } src(fs);
  Diagnostics d;
  Reader reader(src, {}, d);
  reader.open_file("/k/main.conf");
  Line line;
  while (reader.next(line)) {
  }
  REQUIRE(d.all().size() == 1);
  CHECK(format(d.all()[0]) ==
        "/k/main.conf:4:9: fatal error: cannot read included file '/k/x.conf': Permission "
        "denied (include_check)");
}

TEST_CASE("include_check brace_match reports a brace alternative that matches nothing",
          "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/k/main.conf", "global_defs {\n include_check brace_match\n}\ninclude {a,b}*.conf\n");
  fs.add("/k/a1.conf", "x 1\n");
  auto r = read_tree(fs, "/k/main.conf");
  CHECK(r.lines ==
        Lines{{"global_defs", "{"}, {"include_check", "brace_match"}, {"}"}, {"x", "1"}});
  CHECK(r.diag_text() ==
        "/k/main.conf:4:9: note: include pattern '/k/b*.conf' matches no file\n"
        "/k/main.conf:4:9: fatal error: brace alternative '/k/b*.conf' matches no file "
        "(include_check)\n");
}

TEST_CASE("include_check outside global_defs has no effect, as in keepalived",
          "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/k/main.conf", "include_check\ninclude none*.conf\n");
  auto r = read_tree(fs, "/k/main.conf");
  CHECK_FALSE(r.diags.has_fatal());
}

TEST_CASE("An include cycle is an error, not a hang", "[parser][include]") {
  MemoryFileSource fs;
  fs.add("/k/main.conf", "a 1\ninclude b.conf\n");
  fs.add("/k/b.conf", "b 2\ninclude main.conf\n");
  auto r = read_tree(fs, "/k/main.conf");
  CHECK(r.lines == Lines{{"a", "1"}, {"b", "2"}});
  CHECK(r.diag_text() ==
        "/k/b.conf:2:9: error: include cycle: '/k/main.conf' is already being read\n");
}

TEST_CASE("A missing main file is fatal", "[parser][include]") {
  MemoryFileSource fs;
  auto r = read_tree(fs, "/k/none.conf");
  CHECK(r.diags.has_fatal());
}

TEST_CASE("@ID lines apply only to that config id, @^ID to every other", "[parser][conditional]") {
  const std::string text =
      "@main router_id main_router\n@backup router_id backup_router\n"
      "@^main peer 1\n@^backup peer 2\nplain 3\n";
  ReaderOptions o;
  o.config_id = "main";
  CHECK(read(text, o).lines == Lines{{"router_id", "main_router"}, {"peer", "2"}, {"plain", "3"}});
  o.config_id = "other";
  CHECK(read(text, o).lines == Lines{{"peer", "1"}, {"peer", "2"}, {"plain", "3"}});
}

TEST_CASE("Parameters substitute as $NAME before whitespace or as ${NAME}", "[parser][params]") {
  auto r = read("$P=240\n$E=\npriority $P\nx ${P}0 $P. $PX \"${UNDEF}\" $E| [$E ]\n");
  CHECK(r.lines ==
        Lines{{"priority", "240"}, {"x", "2400", "$P.", "$PX", "${UNDEF}", "$E|", "[", "]"}});
  CHECK(r.diags.all().empty());
}

TEST_CASE("Parameter replacement is recursive and done at use time", "[parser][params]") {
  // keepalived.conf(5)'s own example
  auto r = read(
      "$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n"
      "${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n");
  CHECK(r.lines == Lines{{"10.2.0.100/32"}, {"10.2.10.100/32"}});
}

TEST_CASE("A parameter may expand to a conditional line", "[parser][params]") {
  ReaderOptions o;
  o.config_id = "main";
  CHECK(read("$IF_MAIN=@main\n$IF_MAIN priority 240\n", o).lines == Lines{{"priority", "240"}});
  o.config_id = "backup";
  CHECK(read("$IF_MAIN=@main\n$IF_MAIN priority 240\n", o).lines.empty());
}

TEST_CASE("Multi-line definitions expand to several lines and may nest", "[parser][params]") {
  ReaderOptions o;
  o.config_id = "high";
  auto r = read(
      "$RS= \\\n"
      "real_server 198.18.${VS_NUM}.${RS_NUM} 80 { \\\n"
      "  @high weight 2 \\\n"
      "\n"
      "  @low weight 1 \\\n"
      "}\n"
      "$VS= \\\n"
      "virtual_server 198.18.0.${VS_NUM} 80 { \\\n"
      "  $RS_NUM=1 \\\n"
      "  $RS \\\n"
      "  $RS_NUM=2 \\\n"
      "  $RS \\\n"
      "}\n"
      "$VS_NUM=7\n"
      "$VS\n",
      o);
  CHECK(r.lines == Lines{{"virtual_server", "198.18.0.7", "80", "{"},
                         {"real_server", "198.18.7.1", "80", "{"},
                         {"weight", "2"},
                         {"}"},
                         {"real_server", "198.18.7.2", "80", "{"},
                         {"weight", "2"},
                         {"}"},
                         {"}"}});
  CHECK(r.diags.all().empty());
}

TEST_CASE("A self-referencing parameter is an error, not a hang", "[parser][params]") {
  auto r = read("$A=$A\n$A\n$B=x${C}\n$C=${B}y\nv $B\n");
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0] == std::vector<std::string>{"$A"});
  CHECK(r.lines[1][0] == "v");
  CHECK(r.diag_text() ==
        "/etc/k/main.conf:2:1: error: parameter $A refers to itself (through A); left "
        "unexpanded\n"
        "/etc/k/main.conf:5:3: error: parameter $B refers to itself (through B -> C); left "
        "unexpanded\n");
}

TEST_CASE("Exponential parameter expansion is bounded", "[parser][params]") {
  std::string text = "$A0=xxxxxxxxxxxxxxxx\n";
  for (int i = 1; i < 40; ++i) {
    text += "$A" + std::to_string(i) + "=${A" + std::to_string(i - 1) + "}${A" +
            std::to_string(i - 1) + "}\n";
  }
  text += "v ${A39}\n";
  auto r = read(text);
  CHECK(r.diags.has_errors());
  CHECK_THAT(r.diag_text(), Catch::Contains("longer than"));
}

TEST_CASE("An unterminated multi-line definition is reported", "[parser][params]") {
  auto r = read("$M= \\\nline one \\\n");
  CHECK(r.diag_text() ==
        "/etc/k/main.conf:1:1: note: multi-line definition of $M ends with "
        "'\\' on the last line of the file\n");
  CHECK_FALSE(r.diags.has_errors());
}

TEST_CASE("A definition whose value ends in a backslash continues on the next line",
          "[parser][params]") {
  auto r = read("$X=abc \\\ndef\n$X\n");
  CHECK(r.lines == Lines{{"abc"}, {"def"}});
}

TEST_CASE("Predefined parameters", "[parser][params]") {
  ReaderOptions o;
  o.config_id = "lb1";
  o.getenv = [](const std::string& n) -> std::optional<std::string> {
    if (n == "HOME") {
      return std::string("/root");
    }
    return std::nullopt;
  };
  auto r = read(
      "a ${_PWD} ${_INSTANCE} ${_HASH}${_BANG} ${_ENV HOME} [${_ENV NOPE}]\n"
      "r ${_RANDOM} ${_RANDOM 5 7}\n",
      o);
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0] == std::vector<std::string>{"a", "/etc/k", "lb1", "#!", "/root", "[]"});
  const long any = std::stol(r.lines[1][1]);
  const long small = std::stol(r.lines[1][2]);
  CHECK(any >= 0);
  CHECK(any <= 32767);
  CHECK(small >= 5);
  CHECK(small <= 7);
}

TEST_CASE("Sequences (~SEQ) repeat the rest of the line", "[parser][generate]") {
  CHECK(read("~SEQ(S, 0, 3) ip 10.0.${S}.1\n").lines ==
        Lines{{"ip", "10.0.0.1"}, {"ip", "10.0.1.1"}, {"ip", "10.0.2.1"}, {"ip", "10.0.3.1"}});
  CHECK(read("~SEQ(S, 3) v $S\n").lines == Lines{{"v", "1"}, {"v", "2"}, {"v", "3"}});
  CHECK(read("~SEQ(S, -2) v $S\n").lines == Lines{{"v", "-1"}, {"v", "-2"}});
  CHECK(read("~SEQ(S, 5, 3) v $S\n").lines == Lines{{"v", "5"}, {"v", "4"}, {"v", "3"}});
  CHECK(read("~SEQ(S, 1, 2, 6) v $S\n").lines == Lines{{"v", "1"}, {"v", "3"}, {"v", "5"}});
}

TEST_CASE("Hex sequences (~SEQx) are formatted in hexadecimal and nest", "[parser][generate]") {
  CHECK(read("~SEQx(S, 0x90, 0x10, 0xc0) ip fe80::20:${S}:1\n").lines ==
        Lines{{"ip", "fe80::20:90:1"},
              {"ip", "fe80::20:a0:1"},
              {"ip", "fe80::20:b0:1"},
              {"ip", "fe80::20:c0:1"}});
  CHECK(read("~SEQx(A, 0xa, 0xb) ~SEQ(B, 2) ${A}.$B\n").lines ==
        Lines{{"a.1"}, {"a.2"}, {"b.1"}, {"b.2"}});
}

TEST_CASE("Lists (~LST) take values or value sets and combine with ~SEQ", "[parser][generate]") {
  CHECK(read("~LST(IP, 1, 2) ~LST(IP1, 5, 6) 192.169.${IP}.${IP1}\n").lines ==
        Lines{{"192.169.1.5"}, {"192.169.1.6"}, {"192.169.2.5"}, {"192.169.2.6"}});
  CHECK(
      read("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}\n").lines ==
      Lines{{"192.168.10.1"}, {"192.170.10.1"}, {"192.168.20.4"}, {"192.170.20.4"}});
}

TEST_CASE("A sequence over a multi-line parameter builds whole blocks", "[parser][generate]") {
  auto r = read(
      "$VI= \\\nvrrp_instance v${ID} { \\\n virtual_router_id ${ID} \\\n}\n"
      "~SEQ(ID, 1, 2) $VI\n");
  CHECK(r.lines == Lines{{"vrrp_instance", "v1", "{"},
                         {"virtual_router_id", "1"},
                         {"}"},
                         {"vrrp_instance", "v2", "{"},
                         {"virtual_router_id", "2"},
                         {"}"}});
}

TEST_CASE("Bad ~SEQ and ~LST specifications are located errors", "[parser][generate]") {
  auto r =
      read("~SEQ(S, 1, 0, 5) x\n~SEQ(1S, 3) x\n~SEQ(S, a) x\n~LST({A,B}, {1}) x\n~SEQ(S, 3 x\n");
  CHECK(r.lines.empty());
  CHECK(r.diag_text() ==
        "/etc/k/main.conf:1:1: error: ~SEQ: a step of 0 would never end\n"
        "/etc/k/main.conf:2:1: error: ~SEQ: '1S' is not a valid variable name\n"
        "/etc/k/main.conf:3:1: error: ~SEQ: 'a' is not an integer\n"
        "/etc/k/main.conf:4:1: error: ~LST: value set '{1}' has 1 values for 2 variables\n"
        "/etc/k/main.conf:5:1: error: ~SEQ( is missing its closing ')'\n");
}

TEST_CASE("Runaway generation stops at the budget with a fatal error", "[parser][generate]") {
  ReaderOptions o;
  o.max_generated_lines = 1000;
  auto r = read("~SEQ(A, 1000000) ~SEQ(B, 1000000) x $A $B\nafter 1\n", o);
  CHECK(r.diags.has_fatal());
  CHECK(r.lines.size() < 1000);
  CHECK(r.diags.all().size() == 1);
}

TEST_CASE("A diagnostic repeated at the same place is reported once", "[parser][generate]") {
  auto r = read("~SEQ(A, 100) ~SEQ(B, 5, 1, 3) x\n");
  CHECK(r.diags.all().size() == 1);
}

TEST_CASE("Columns of substituted tokens point at the reference", "[parser][params]") {
  auto r = read("$P=240\npriority   $P extra\n");
  REQUIRE(r.tokens.size() == 1);
  CHECK(r.tokens[0][1].col == 12);
  CHECK(r.tokens[0][2].col == 15);
}

TEST_CASE("Invalid UTF-8 in names dumps without throwing", "[parser][dump]") {
  auto r = load_string("vrrp_instance VI_\xbb\xb9 {\n interface \xff\n}\n", "t.conf", {});
  CHECK_NOTHROW(dump_json(r.model));
  CHECK_NOTHROW(dump_text(r.model));
}

TEST_CASE("Unbalanced braces are located errors", "[parser][tree]") {
  auto r = load_string("global_defs {\n router_id a\n}\n}\nvrrp_instance X {\n", "t.conf", {});
  std::string text;
  for (const auto& d : r.diags.all()) {
    text += format(d) + "\n";
  }
  CHECK_THAT(text, Catch::Contains("t.conf:4:1: error: '}' without a matching '{'"));
  CHECK_THAT(text,
             Catch::Contains("t.conf:5:1: error: block 'vrrp_instance' opened here is missing its "
                             "closing '}'"));
}

TEST_CASE("Definitions inside a multi-line parameter apply to its later lines",
          "[parser][params]") {
  auto r = read("$I= \\\nv ${N} \\\n$R=${N} \\\nr ${R}\n$N=1\n$I\n$N=2\n$I\n");
  CHECK(r.lines == Lines{{"v", "1"}, {"r", "1"}, {"v", "2"}, {"r", "2"}});
}

TEST_CASE("A multi-line parameter that uses itself stops with an error", "[parser][params]") {
  auto r = read("$M= \\\nx \\\n$M\n$M\n");
  CHECK(r.lines.size() == 64);
  CHECK_THAT(r.diag_text(), Catch::Contains("nest more than 64 deep"));
}
