#include "client/status.h"

#include <gtest/gtest.h>

namespace tributary::client {
namespace {

TEST(FromGrpcStatusTest, KeepsTheCodeAndTheMessage) {
  const absl::Status status = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::NOT_FOUND, "first: NOT_FOUND"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "first: NOT_FOUND");
}

TEST(FromGrpcStatusTest, OkStaysOk) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

struct ExitCase {
  absl::StatusCode code;
  int exit_code;
};

TEST(ExitCodeForTest, MirrorsTheCanonicalCodeNumbers) {
  const ExitCase cases[] = {
      {absl::StatusCode::kOk, 0},
      {absl::StatusCode::kCancelled, 1},
      {absl::StatusCode::kUnknown, 2},
      {absl::StatusCode::kInvalidArgument, 3},
      {absl::StatusCode::kDeadlineExceeded, 4},
      {absl::StatusCode::kNotFound, 5},
      {absl::StatusCode::kPermissionDenied, 7},
      {absl::StatusCode::kResourceExhausted, 8},
      {absl::StatusCode::kUnimplemented, 12},
      {absl::StatusCode::kInternal, 13},
      {absl::StatusCode::kUnavailable, 14},
      {absl::StatusCode::kDataLoss, 15},
      {absl::StatusCode::kUnauthenticated, 16},
  };
  for (const ExitCase& c : cases) {
    EXPECT_EQ(ExitCodeFor(absl::Status(c.code, "x")), c.exit_code)
        << absl::StatusCodeToString(c.code);
  }
}

TEST(ExitCodeForTest, AnUnknownCodeNumberIsUnknown) {
  EXPECT_EQ(ExitCodeFor(absl::Status(static_cast<absl::StatusCode>(99), "x")),
            2);
}

TEST(ExitCodeForTest, UsageErrorsDoNotCollideWithStatusCodes) {
  EXPECT_GT(kUsageExitCode, 16);
}

TEST(OneLineTest, JoinsAMultiLineMessageIntoOneLine) {
  EXPECT_EQ(OneLine(absl::UnavailableError("a\nb\r\nc")),
            "UNAVAILABLE: a b  c");
}

}  // namespace
}  // namespace tributary::client
