#include "service/resolve/fall_through.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"

namespace tributary::resolve {
namespace {

// Most telling first.
constexpr std::array kFailureRank = {
    absl::StatusCode::kPermissionDenied, absl::StatusCode::kResourceExhausted,
    absl::StatusCode::kDataLoss,         absl::StatusCode::kDeadlineExceeded,
    absl::StatusCode::kUnavailable,
};

int Rank(absl::StatusCode code) {
  auto it = std::find(kFailureRank.begin(), kFailureRank.end(), code);
  return static_cast<int>(it - kFailureRank.begin());
}

}  // namespace

bool ShouldAskNextUpstream(const absl::Status& status) { return !status.ok(); }

absl::Status CombineFailures(absl::string_view subject,
                             const std::vector<Attempt>& attempts) {
  if (attempts.empty()) {
    return absl::UnavailableError(
        absl::StrCat(subject, ": no enabled upstream to ask"));
  }
  std::string message = absl::StrCat(subject, ": ");
  absl::StatusCode worst = absl::StatusCode::kNotFound;
  int worst_rank = static_cast<int>(kFailureRank.size()) + 1;
  for (size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& attempt = attempts[i];
    absl::StrAppend(&message, i == 0 ? "" : "; ", attempt.upstream, ": ",
                    attempt.skipped
                        ? "skipped"
                        : absl::StatusCodeToString(attempt.status.code()),
                    ": ", attempt.status.message());
    const absl::StatusCode code = attempt.status.code();
    if (code != absl::StatusCode::kNotFound && Rank(code) < worst_rank) {
      worst_rank = Rank(code);
      worst = code;
    }
  }
  if (worst != absl::StatusCode::kNotFound &&
      worst_rank >= static_cast<int>(kFailureRank.size())) {
    worst = absl::StatusCode::kUnavailable;
  }
  return absl::Status(worst, message);
}

}  // namespace tributary::resolve
