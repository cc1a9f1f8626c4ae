// SPDX-License-Identifier: GPL-2.0-or-later
// SMTP reply reader for SMTP_CHECK: collects the bytes a server sends, line by
// line, and yields the reply code once the final line of a (possibly
// multi-line, "250-...") reply has arrived. Pure: no sockets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::hc {

/// What feeding bytes to the reader gave.
struct SmtpStep {
  enum class Kind {
    NeedMore,  ///< no complete reply yet
    Reply,     ///< a complete reply: `code` and its last line's `text`
    Error,     ///< not an SMTP reply (garbage, overlong, mixed codes): `error` says why
  };
  Kind kind = Kind::NeedMore;
  int code = 0;
  std::string text;   ///< the final line without its code and separator
  std::string error;  ///< for Error
};

/// Reads one SMTP reply at a time (RFC 5321 §4.2): lines end in LF (CR LF
/// usually; a lone LF is accepted), each starts with three digits, "-" after
/// them means more lines follow, " " or the end of the line ends the reply.
/// Every line of one reply must carry the same code.
class SmtpReplyReader {
 public:
  /// Longest line accepted (RFC 5321 §4.5.3.1.5 allows 512 with CR LF; servers
  /// are generous with greetings, so twice that).
  static constexpr std::size_t kMaxLine = 1024;
  /// Most lines one reply may have (EHLO lists are ~20).
  static constexpr std::size_t kMaxLines = 100;

  /// Appends `bytes` and reports the first complete reply, if any. After Reply,
  /// the next feed() (possibly with no bytes) goes on with the following reply;
  /// after Error, the reader stays in error until reset().
  SmtpStep feed(std::string_view bytes);
  /// Forgets everything buffered.
  void reset();

 private:
  std::string buf_;
  int code_ = 0;  ///< code of the reply in progress (0: none yet)
  std::size_t lines_ = 0;
  std::string error_;
};

/// Bytes shown in a log: printable ASCII kept, the rest as \xNN, cut to `max`
/// characters with "..." appended.
std::string printable_excerpt(std::string_view bytes, std::size_t max = 60);

}  // namespace vigil::hc
