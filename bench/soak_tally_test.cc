#include "bench/soak_tally.h"

#include <string>

#include "gtest/gtest.h"

namespace tributary::bench {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

CallOutcome Outcome(Operation operation, absl::Status status) {
  CallOutcome outcome;
  outcome.shape.operation = operation;
  outcome.status = std::move(status);
  return outcome;
}

TEST(SoakTallyTest, CountsCallsByOperationAndCode) {
  SoakTally tally;
  tally.Record(Outcome(Operation::kHeadBlob, absl::OkStatus()));
  tally.Record(Outcome(Operation::kHeadBlob, absl::OkStatus()));
  CallOutcome missing =
      Outcome(Operation::kGetManifestByTag, absl::NotFoundError("no"));
  missing.shape.missing = true;
  tally.Record(missing);

  const std::string report = tally.Report();
  EXPECT_TRUE(Contains(report, "| operation | OK | NOT_FOUND | total |"))
      << report;
  EXPECT_TRUE(Contains(report, "| HeadBlob | 2 | 0 | 2 |")) << report;
  EXPECT_TRUE(Contains(report, "| GetManifest(tag) | 0 | 1 | 1 |")) << report;
  EXPECT_TRUE(Contains(report, "| missing | 0 | 1 | 1 |")) << report;
  EXPECT_EQ(tally.calls(), 3);
  EXPECT_EQ(tally.unexpected(), 0);
  EXPECT_TRUE(Contains(report, "\nunexpected: 0\n")) << report;
}

TEST(SoakTallyTest, AnErrorNoFaultExplainsIsUnexpectedAndQuoted) {
  SoakTally tally;
  tally.Record(Outcome(Operation::kGetBlob, absl::UnavailableError("gone")));

  EXPECT_EQ(tally.unexpected(), 1);
  const std::string report = tally.Report();
  EXPECT_TRUE(Contains(report,
                       "unexpected: GetBlob (healthy, worker: none): "
                       "UNAVAILABLE: gone"))
      << report;
}

TEST(SoakTallyTest, AWrongAnswerIsUnexpectedEvenWhenOk) {
  SoakTally tally;
  CallOutcome outcome =
      Outcome(Operation::kGetManifestByDigest, absl::OkStatus());
  outcome.wrong_answer = "digest sha256:x, want sha256:y";
  tally.Record(outcome);

  EXPECT_EQ(tally.unexpected(), 1);
  EXPECT_TRUE(Contains(tally.Report(), "wrong answers: 1"));
}

TEST(SoakTallyTest, CountsBlobBytesAndVerifiedBlobs) {
  SoakTally tally;
  CallOutcome verified = Outcome(Operation::kGetBlob, absl::OkStatus());
  verified.blob_bytes = 1 << 20;
  verified.blob_verified = true;
  tally.Record(verified);
  CallOutcome cancelled =
      Outcome(Operation::kGetBlob, absl::CancelledError("worker"));
  cancelled.shape.action = WorkerAction::kCancelMidStream;
  cancelled.blob_bytes = 1 << 20;
  tally.Record(cancelled);

  const std::string report = tally.Report();
  EXPECT_TRUE(Contains(report, "blob bytes received: 2097152 (2.0 MiB)"))
      << report;
  EXPECT_TRUE(Contains(report, "complete GetBlobs: 1, of which verified here"))
      << report;
  EXPECT_TRUE(Contains(report, "cancel mid-stream 1;")) << report;
  EXPECT_EQ(tally.unexpected(), 0);
}

}  // namespace
}  // namespace tributary::bench
