#include "service/resolve/fanout/fall_through.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

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

absl::Status GaveUpMidBlob(absl::string_view subject, int64_t position,
                           int requests, const std::vector<Attempt>& failures) {
  std::vector<std::string> reasons;
  for (const Attempt& failure : failures) {
    reasons.push_back(
        absl::StrCat(failure.upstream, ": ", failure.status.message()));
  }
  return absl::UnavailableError(
      absl::StrCat(subject, ": gave up at byte ", position, " after ", requests,
                   " upstream requests: ", absl::StrJoin(reasons, "; ")));
}

}  // namespace tributary::resolve
