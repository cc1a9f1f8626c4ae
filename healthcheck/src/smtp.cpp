// SPDX-License-Identifier: GPL-2.0-or-later
// SMTP reply reader (see smtp.hpp).
#include "vigil/hc/smtp.hpp"

#include <fmt/format.h>

#include "vigil/runtime/text.hpp"

namespace vigil::hc {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string printable_excerpt(std::string_view bytes, std::size_t max) {
  return text::printable(bytes, max);
}

void SmtpReplyReader::reset() {
  buf_.clear();
  code_ = 0;
  lines_ = 0;
  error_.clear();
}

SmtpStep SmtpReplyReader::feed(std::string_view bytes) {
  SmtpStep step;
  if (!error_.empty()) {
    step.kind = SmtpStep::Kind::Error;
    step.error = error_;
    return step;
  }
  buf_.append(bytes);
  auto fail = [&](std::string why) {
    error_ = std::move(why);
    buf_.clear();
    step.kind = SmtpStep::Kind::Error;
    step.error = error_;
    return step;
  };
  for (;;) {
    const auto nl = buf_.find('\n');
    if (nl == std::string::npos) {
      // A line that never ends is as bad as one that is too long: refuse it
      // before it fills memory.
      if (buf_.size() > kMaxLine) {
        return fail(fmt::format("reply line longer than {} bytes: '{}'", kMaxLine,
                                printable_excerpt(buf_)));
      }
      return step;
    }
    std::string_view line(buf_.data(), nl);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.size() > kMaxLine) {
      return fail(
          fmt::format("reply line longer than {} bytes: '{}'", kMaxLine, printable_excerpt(line)));
    }
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      return fail(fmt::format("not an SMTP reply line: '{}'", printable_excerpt(line)));
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 100 || code > 599) {
      return fail(
          fmt::format("SMTP reply code {} out of range: '{}'", code, printable_excerpt(line)));
    }
    if (code_ != 0 && code != code_) {
      return fail(fmt::format("SMTP reply mixes codes {} and {}: '{}'", code_, code,
                              printable_excerpt(line)));
    }
    const bool more = line.size() > 3 && line[3] == '-';
    std::string text(line.size() > 4 ? line.substr(4) : std::string_view{});
    buf_.erase(0, nl + 1);
    ++lines_;
    if (more) {
      if (lines_ >= kMaxLines) {
        return fail(fmt::format("SMTP reply has more than {} lines", kMaxLines));
      }
      code_ = code;
      continue;
    }
    code_ = 0;
    lines_ = 0;
    step.kind = SmtpStep::Kind::Reply;
    step.code = code;
    step.text = std::move(text);
    return step;
  }
}

}  // namespace vigil::hc
