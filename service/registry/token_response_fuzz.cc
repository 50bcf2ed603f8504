// Fuzz target for ParseTokenResponse (a token server's JSON answer). Checks
// that a token it returns can go into an Authorization header (visible ASCII,
// not empty), that its life is positive and at most a day from the fetch,
// with the refresh shortly before the expiry, and that a refusal is
// UNAVAILABLE and never quotes the body (it may hold a secret).
//
// Under Bazel it runs as :token_response_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"
#include "service/registry/token_response.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "token_response";

bool IsVisibleAscii(absl::string_view text) {
  for (char c : text) {
    if (c <= 0x20 || c >= 0x7f) {
      return false;
    }
  }
  return true;
}

// An error is a short fixed sentence: it quotes no part of the body (JSON, so
// a quote or a brace would come along).
bool QuotesNothing(absl::string_view message) {
  return message.size() <= 80 &&
         message.find_first_of("\"{}") == absl::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::registry::Token;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  // 2024-06-01T12:00:00Z.
  const absl::Time fetched_at = absl::FromUnixSeconds(1717243200);
  const absl::StatusOr<Token> token =
      tributary::registry::ParseTokenResponse(body, fetched_at);
  if (!token.ok()) {
    Check(token.status().code() == absl::StatusCode::kUnavailable, kTarget,
          "a refusal is not UNAVAILABLE");
    Check(QuotesNothing(token.status().message()), kTarget,
          "an error quotes the body");
    return 0;
  }
  Check(!token->value.empty() && IsVisibleAscii(token->value), kTarget,
        "a token is empty or not visible ASCII");
  Check(token->expires_at > fetched_at &&
            token->expires_at <= fetched_at + absl::Hours(24),
        kTarget, "a token's life is not within (0, 1 day] of the fetch");
  Check(token->refresh_at < token->expires_at &&
            token->refresh_at >= token->expires_at - absl::Seconds(30),
        kTarget, "a refresh is not within 30 s before expiry");
  return 0;
}
