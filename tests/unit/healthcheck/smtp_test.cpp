// SPDX-License-Identifier: GPL-2.0-or-later
// SMTP reply reader: single and multi-line replies, split reads, garbage.
#include "vigil/hc/smtp.hpp"

#include <catch2/catch.hpp>
#include <string>

using vigil::hc::SmtpReplyReader;
using vigil::hc::SmtpStep;
using Kind = vigil::hc::SmtpStep::Kind;

TEST_CASE("SMTP replies are read whole, whatever the chunking", "[smtp]") {
  struct Row {
    std::string bytes;
    Kind kind;
    int code;
    std::string text;
  };
  const auto row = GENERATE(values<Row>({
      {"220 mail.example ESMTP\r\n", Kind::Reply, 220, "mail.example ESMTP"},
      {"220\r\n", Kind::Reply, 220, ""},
      {"250 ok\n", Kind::Reply, 250, "ok"},
      {"250-first\r\n250-second\r\n250 last\r\n", Kind::Reply, 250, "last"},
      {"250-first\r\n250-second\r\n", Kind::NeedMore, 0, ""},
      {"220 partial line", Kind::NeedMore, 0, ""},
      {"554 no service\r\n", Kind::Reply, 554, "no service"},
      {"HTTP/1.1 400 Bad Request\r\n", Kind::Error, 0, ""},
      {"22 short\r\n", Kind::Error, 0, ""},
      {"220x\r\n", Kind::Error, 0, ""},
      {"250-a\r\n220 b\r\n", Kind::Error, 0, ""},
      {"000 zero\r\n", Kind::Error, 0, ""},
      {std::string("\x00\x01\xff\r\n", 5), Kind::Error, 0, ""},
  }));
  CAPTURE(row.bytes);
  // Whole, then one byte at a time: the answer must not depend on the reads.
  for (const bool bytewise : {false, true}) {
    SmtpReplyReader r;
    SmtpStep step;
    if (bytewise) {
      for (const char c : row.bytes) {
        step = r.feed(std::string(1, c));
        if (step.kind != Kind::NeedMore) {
          break;
        }
      }
    } else {
      step = r.feed(row.bytes);
    }
    CHECK(step.kind == row.kind);
    if (row.kind == Kind::Reply) {
      CHECK(step.code == row.code);
      CHECK(step.text == row.text);
    }
    if (row.kind == Kind::Error) {
      CHECK_FALSE(step.error.empty());
    }
  }
}

TEST_CASE("SMTP reader goes on with the next reply and stays in error", "[smtp]") {
  SmtpReplyReader r;
  auto s = r.feed("220 hi\r\n250 ok\r\n");
  REQUIRE(s.kind == Kind::Reply);
  CHECK(s.code == 220);
  s = r.feed("");
  REQUIRE(s.kind == Kind::Reply);
  CHECK(s.code == 250);
  CHECK(r.feed("").kind == Kind::NeedMore);
  CHECK(r.feed("garbage\r\n").kind == Kind::Error);
  CHECK(r.feed("250 ok\r\n").kind == Kind::Error);
  r.reset();
  CHECK(r.feed("250 ok\r\n").kind == Kind::Reply);
}

TEST_CASE("SMTP reader refuses overlong lines and endless replies", "[smtp]") {
  SmtpReplyReader r;
  const std::string long_line(SmtpReplyReader::kMaxLine + 10, 'a');
  auto s = r.feed("220 " + long_line);
  REQUIRE(s.kind == Kind::Error);
  CHECK(s.error.find("longer than") != std::string::npos);

  SmtpReplyReader r2;
  std::string many;
  for (std::size_t i = 0; i < SmtpReplyReader::kMaxLines + 5; ++i) {
    many += "250-x\r\n";
  }
  s = r2.feed(many);
  REQUIRE(s.kind == Kind::Error);
  CHECK(s.error.find("lines") != std::string::npos);
}

TEST_CASE("printable_excerpt escapes and cuts", "[smtp]") {
  CHECK(vigil::hc::printable_excerpt("abc") == "abc");
  CHECK(vigil::hc::printable_excerpt(std::string("a\x01\xff", 3)) == "a\\x01\\xff");
  CHECK(vigil::hc::printable_excerpt(std::string(100, 'z'), 10) == std::string(10, 'z') + "...");
}
