#include "service/registry/retry_after.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace tributary::registry {
namespace {

// Anything longer is not worth honouring (the fan-out caps the wait far below
// this anyway); it also keeps the seconds from overflowing.
constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;

std::optional<absl::Duration> DelaySeconds(absl::string_view value) {
  if (value.empty() || value.size() > 12) {
    return std::nullopt;
  }
  for (char c : value) {
    if (!absl::ascii_isdigit(c)) {
      return std::nullopt;
    }
  }
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(value, &seconds) || seconds > kMaxSeconds) {
    return std::nullopt;
  }
  return absl::Seconds(seconds);
}

std::optional<absl::Time> HttpDate(absl::string_view value) {
  // IMF-fixdate, RFC 850, asctime (RFC 9110 5.6.7).
  static constexpr std::array<const char*, 3> kFormats = {
      "%a, %d %b %Y %H:%M:%S GMT",
      "%A, %d-%b-%y %H:%M:%S GMT",
      "%a %b %e %H:%M:%S %Y",
  };
  for (const char* format : kFormats) {
    absl::Time time;
    std::string error;
    if (absl::ParseTime(format, value, absl::UTCTimeZone(), &time, &error)) {
      return time;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value,
                                              absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (absl::ascii_isdigit(value.front())) {
    return DelaySeconds(value);
  }
  const std::optional<absl::Time> date = HttpDate(value);
  if (!date.has_value()) {
    return std::nullopt;
  }
  const absl::Duration delay = *date - now;
  if (delay <= absl::ZeroDuration()) {
    return absl::ZeroDuration();
  }
  if (delay > absl::Seconds(kMaxSeconds)) {
    return std::nullopt;
  }
  return delay;
}

}  // namespace tributary::registry
