// SPDX-License-Identifier: GPL-2.0-or-later
// Small string helpers shared by every module: edit distance for "did you mean"
// hints, quoting of arbitrary bytes for messages, and hex digits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::text {

/// Levenshtein distance between a and b, giving up (returning limit + 1) once
/// the distance is known to exceed `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

/// The candidate closest to `word`, if it is close enough to be a plausible typo
/// (distance at most a third of the word's length, and at least 1 edit away).
std::string closest(std::string_view word, const std::vector<std::string_view>& candidates);

/// `s` with ASCII letters in lower case (for case-insensitive protocol words:
/// HTTP header names, media types); other bytes unchanged, whatever the locale.
std::string ascii_lower(std::string_view s);

/// `s` with control and non-ASCII bytes shown as \xNN, for safe display; past
/// `max` output characters the rest is cut and "..." appended.
std::string printable(std::string_view s, std::size_t max = std::string_view::npos);

/// The value of one hex digit (either case), or -1 for any other character.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace vigil::text
