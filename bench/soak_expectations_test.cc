#include "bench/soak_expectations.h"

#include "gtest/gtest.h"

namespace tributary::bench {
namespace {

using Code = absl::StatusCode;

constexpr RepositoryKind kHealthy{};
constexpr RepositoryKind Only(FaultMode fault) {
  return {.placement = Placement::kFaultyOnly, .fault = fault};
}
constexpr RepositoryKind First(FaultMode fault) {
  return {.placement = Placement::kFaultyFirst, .fault = fault};
}

CallShape Call(Operation operation, RepositoryKind kind,
               WorkerAction action = WorkerAction::kNone) {
  return {.operation = operation, .kind = kind, .action = action};
}

TEST(IsExpectedTest, HealthyContentExpectsOkOnly) {
  const CallShape call = Call(Operation::kGetBlob, kHealthy);
  EXPECT_TRUE(IsExpected(call, Code::kOk));
  for (Code code :
       {Code::kUnavailable, Code::kDataLoss, Code::kNotFound, Code::kCancelled,
        Code::kDeadlineExceeded, Code::kResourceExhausted, Code::kInternal}) {
    EXPECT_FALSE(IsExpected(call, code)) << code;
  }
}

TEST(IsExpectedTest, MissingContentExpectsNotFoundOnly) {
  CallShape call = Call(Operation::kGetManifestByTag, kHealthy);
  call.missing = true;
  EXPECT_TRUE(IsExpected(call, Code::kNotFound));
  EXPECT_FALSE(IsExpected(call, Code::kOk));
  EXPECT_FALSE(IsExpected(call, Code::kUnavailable));
}

TEST(IsExpectedTest, TheWorkersOwnDeadlineOrCancelExplainsItsCode) {
  EXPECT_TRUE(IsExpected(
      Call(Operation::kHeadBlob, kHealthy, WorkerAction::kShortDeadline),
      Code::kDeadlineExceeded));
  EXPECT_FALSE(IsExpected(
      Call(Operation::kHeadBlob, kHealthy, WorkerAction::kShortDeadline),
      Code::kCancelled));
  EXPECT_TRUE(IsExpected(
      Call(Operation::kGetBlob, kHealthy, WorkerAction::kCancelMidStream),
      Code::kCancelled));
  EXPECT_TRUE(IsExpected(
      Call(Operation::kGetBlob, kHealthy, WorkerAction::kStallReading),
      Code::kCancelled));
  EXPECT_FALSE(IsExpected(
      Call(Operation::kGetBlob, kHealthy, WorkerAction::kStallReading),
      Code::kDeadlineExceeded));
  // Reading slowly is no excuse for any error.
  EXPECT_FALSE(
      IsExpected(Call(Operation::kGetBlob, kHealthy, WorkerAction::kReadSlowly),
                 Code::kCancelled));
}

TEST(IsExpectedTest, FaultOnlyContentExpectsTheCodesOfItsFault) {
  const struct {
    FaultMode fault;
    Operation operation;
    Code code;
    bool expected;
  } kCases[] = {
      {FaultMode::kReset, Operation::kGetBlob, Code::kUnavailable, true},
      {FaultMode::kReset, Operation::kGetBlob, Code::kDataLoss, false},
      {FaultMode::kUnavailable, Operation::kListTags, Code::kUnavailable, true},
      {FaultMode::kUnavailable, Operation::kListTags, Code::kDeadlineExceeded,
       false},
      {FaultMode::kRateLimited, Operation::kHeadBlob, Code::kResourceExhausted,
       true},
      {FaultMode::kRateLimited, Operation::kHeadBlob, Code::kUnavailable, true},
      {FaultMode::kHang, Operation::kHeadManifest, Code::kDeadlineExceeded,
       true},
      {FaultMode::kHang, Operation::kGetBlob, Code::kUnavailable, true},
      {FaultMode::kHang, Operation::kGetBlob, Code::kCancelled, false},
      {FaultMode::kWrongDigest, Operation::kGetManifestByTag, Code::kDataLoss,
       true},
      {FaultMode::kWrongDigest, Operation::kGetBlob, Code::kDataLoss, true},
      // HEADs and tag lists are served honestly in that mode.
      {FaultMode::kWrongDigest, Operation::kHeadManifest, Code::kDataLoss,
       false},
      {FaultMode::kWrongDigest, Operation::kGetBlob, Code::kUnavailable, false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsExpected(Call(c.operation, Only(c.fault)), c.code), c.expected)
        << KindLabel(Only(c.fault)) << " " << OperationName(c.operation) << " "
        << c.code;
  }
}

TEST(IsExpectedTest, AHealthyUpstreamAfterTheFaultyOneLeavesOnlyOk) {
  for (FaultMode fault : {FaultMode::kReset, FaultMode::kUnavailable,
                          FaultMode::kRateLimited, FaultMode::kHang}) {
    for (Code code :
         {Code::kUnavailable, Code::kResourceExhausted, Code::kDataLoss}) {
      EXPECT_FALSE(IsExpected(Call(Operation::kGetBlob, First(fault)), code))
          << KindLabel(First(fault)) << " " << code;
    }
  }
  EXPECT_FALSE(IsExpected(
      Call(Operation::kGetManifestByDigest, First(FaultMode::kWrongDigest)),
      Code::kDataLoss));
}

TEST(IsExpectedTest, AWrongDigestFirstMayFailABlobWhoseBytesWentOut) {
  EXPECT_TRUE(
      IsExpected(Call(Operation::kGetBlob, First(FaultMode::kWrongDigest)),
                 Code::kDataLoss));
}

}  // namespace
}  // namespace tributary::bench
