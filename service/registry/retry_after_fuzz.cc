// Fuzz target for ParseRetryAfter (an upstream's `Retry-After`, which decides
// how long a retry waits). Checks that a delay is never negative nor beyond
// the ten-year bound, that delay-seconds do not depend on when the answer
// came, and that an HTTP-date's delay shrinks by exactly the time that passed.
//
// Under Bazel it runs as :retry_after_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "service/registry/retry_after.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "retry_after";

// retry_after.cc's bound on what is honoured.
constexpr absl::Duration kTenYears = absl::Hours(10 * 365 * 24);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::registry::ParseRetryAfter;
  const absl::string_view value(reinterpret_cast<const char*>(data), size);
  // 2024-06-01T12:00:00Z and one hour later.
  const absl::Time now = absl::FromUnixSeconds(1717243200);
  const absl::Time later = now + absl::Hours(1);
  const std::optional<absl::Duration> delay = ParseRetryAfter(value, now);
  const std::optional<absl::Duration> delay_later =
      ParseRetryAfter(value, later);
  for (const std::optional<absl::Duration>& d : {delay, delay_later}) {
    Check(!d.has_value() || (*d >= absl::ZeroDuration() && *d <= kTenYears),
          kTarget, "a delay is negative or over ten years");
  }
  if (!delay.has_value() || !delay_later.has_value()) {
    return 0;
  }
  const absl::string_view stripped = absl::StripAsciiWhitespace(value);
  if (absl::ascii_isdigit(stripped.front())) {
    Check(*delay == *delay_later, kTarget,
          "delay-seconds depend on when the answer came");
  } else {
    Check(
        *delay_later == std::max(absl::ZeroDuration(), *delay - absl::Hours(1)),
        kTarget, "an HTTP-date's delay does not shrink with the clock");
  }
  return 0;
}
