#include "bench/soak_tally.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tributary::bench {
namespace {

absl::string_view ActionName(WorkerAction action) {
  switch (action) {
    case WorkerAction::kNone:
      return "none";
    case WorkerAction::kShortDeadline:
      return "short deadline";
    case WorkerAction::kCancelMidStream:
      return "cancel mid-stream";
    case WorkerAction::kStallReading:
      return "stall reading";
    case WorkerAction::kReadSlowly:
      return "read slowly";
  }
  return "?";
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// One Markdown table: a row per label, a column per code that occurred.
template <class Rows>
std::string CodeTable(absl::string_view first_column, const Rows& rows) {
  std::array<bool, kCodeCount> used{};
  for (const auto& [label, codes] : rows) {
    for (int i = 0; i < kCodeCount; ++i) {
      used[i] = used[i] || codes[i] > 0;
    }
  }
  std::string table = absl::StrCat("| ", first_column);
  std::string rule = "| ---";
  for (int i = 0; i < kCodeCount; ++i) {
    if (used[i]) {
      absl::StrAppend(&table, " | ", CodeName(i));
      absl::StrAppend(&rule, " | ---:");
    }
  }
  absl::StrAppend(&table, " | total |\n", rule, " | ---: |\n");
  for (const auto& [label, codes] : rows) {
    int64_t total = 0;
    absl::StrAppend(&table, "| ", label);
    for (int i = 0; i < kCodeCount; ++i) {
      total += codes[i];
      if (used[i]) {
        absl::StrAppend(&table, " | ", codes[i]);
      }
    }
    absl::StrAppend(&table, " | ", total, " |\n");
  }
  return table;
}

}  // namespace

void SoakTally::Record(const CallOutcome& outcome) {
  const int code = static_cast<int>(outcome.status.code());
  const bool wrong = !outcome.wrong_answer.empty();
  const bool expected =
      !wrong && IsExpected(outcome.shape, outcome.status.code());
  absl::MutexLock lock(&mu_);
  ++calls_;
  if (code >= 0 && code < kCodeCount) {
    ++by_operation_[static_cast<size_t>(outcome.shape.operation)][code];
    ++by_kind_[outcome.shape.missing ? std::string("missing")
                                     : KindLabel(outcome.shape.kind)][code];
  }
  if (outcome.shape.action != WorkerAction::kNone) {
    ++by_action_[std::string(ActionName(outcome.shape.action))];
  }
  blob_bytes_ += outcome.blob_bytes;
  if (outcome.shape.operation == Operation::kGetBlob && outcome.status.ok()) {
    ++blobs_complete_;
    blobs_verified_ += outcome.blob_verified;
  }
  wrong_answers_ += wrong;
  if (!expected) {
    ++unexpected_;
    if (examples_.size() < kExamples) {
      examples_.push_back(absl::StrCat(
          OperationName(outcome.shape.operation), " (",
          outcome.shape.missing ? "missing" : KindLabel(outcome.shape.kind),
          ", worker: ", ActionName(outcome.shape.action), "): ",
          wrong ? absl::StrCat("wrong answer: ", outcome.wrong_answer)
                : outcome.status.ToString()));
    }
  }
}

int64_t SoakTally::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

int64_t SoakTally::unexpected() const {
  absl::MutexLock lock(&mu_);
  return unexpected_;
}

std::string SoakTally::Report() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, Codes>> operations;
  for (int i = 0; i < kOperationCount; ++i) {
    operations.emplace_back(std::string(OperationName(Operation(i))),
                            by_operation_[static_cast<size_t>(i)]);
  }
  std::string report = absl::StrCat("calls: ", calls_, "\n\n",
                                    CodeTable("operation", operations), "\n",
                                    CodeTable("repositories", by_kind_), "\n");
  absl::StrAppend(&report, "calls the worker shaped:");
  for (const auto& [action, count] : by_action_) {
    absl::StrAppend(&report, " ", action, " ", count, ";");
  }
  absl::StrAppend(
      &report, "\n",
      absl::StrFormat("blob bytes received: %d (%.1f MiB)\n", blob_bytes_,
                      static_cast<double>(blob_bytes_) / (1 << 20)),
      "complete GetBlobs: ", blobs_complete_,
      ", of which verified here (sha256 of the bytes = the digest, size = "
      "the catalog's): ",
      blobs_verified_, "\n", "wrong answers: ", wrong_answers_, "\n");
  for (const std::string& example : examples_) {
    absl::StrAppend(&report, "  unexpected: ", example, "\n");
  }
  absl::StrAppend(&report, "unexpected: ", unexpected_, "\n");
  return report;
}

}  // namespace tributary::bench
