#include "bench/fault_injector.h"

#include <string>

#include "gtest/gtest.h"

namespace tributary::bench {
namespace {

using testing::FakeResponse;

FakeResponse Ok(std::string body) {
  FakeResponse response;
  response.headers = {{"Docker-Content-Digest", "sha256:x"}};
  response.body = std::move(body);
  return response;
}

bool Unchanged(const FakeResponse& response, const std::string& body) {
  return response.status == 200 && response.body == body &&
         !response.truncate_body_at.has_value() &&
         !response.close_without_response && !response.reset_connection &&
         response.delay == absl::ZeroDuration();
}

int64_t Count(const FaultInjector& injector, Fault fault) {
  return injector.counts()[static_cast<size_t>(fault)];
}

TEST(FaultInjectorTest, HealthyRepositoriesPassUntouched) {
  FaultInjector injector(1);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(Unchanged(injector.Apply(FaultMode::kNone, RequestKind::kBlob,
                                         "GET", Ok("bytes")),
                          "bytes"));
  }
  EXPECT_EQ(Count(injector, Fault::kNone), 100);
}

TEST(FaultInjectorTest, NotFoundIsNeverTurnedIntoAFault) {
  FaultInjector injector(1);
  FakeResponse missing;
  missing.status = 404;
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(injector
                  .Apply(FaultMode::kUnavailable, RequestKind::kManifest, "GET",
                         missing)
                  .status,
              404);
  }
}

TEST(FaultInjectorTest, UnavailableComesInBurstsOfEveryCycle) {
  FaultInjector injector(1);
  for (int i = 0; i < 2 * FaultInjector::kCycle; ++i) {
    const FakeResponse answer = injector.Apply(
        FaultMode::kUnavailable, RequestKind::kTags, "GET", Ok("{}"));
    EXPECT_EQ(answer.status,
              i % FaultInjector::kCycle < FaultInjector::kBurst ? 503 : 200)
        << i;
  }
}

TEST(FaultInjectorTest, ResetsCutBlobBodiesShortAndAnswersOff) {
  FaultInjector injector(7);
  const std::string body(1000, 'b');
  for (int i = 0; i < 200; ++i) {
    const FakeResponse blob =
        injector.Apply(FaultMode::kReset, RequestKind::kBlob, "GET", Ok(body));
    if (blob.reset_connection) {
      ASSERT_TRUE(blob.truncate_body_at.has_value());
      EXPECT_LT(*blob.truncate_body_at, body.size());
    }
    const FakeResponse head =
        injector.Apply(FaultMode::kReset, RequestKind::kBlob, "HEAD", Ok(""));
    EXPECT_EQ(head.reset_connection, head.close_without_response);
  }
  EXPECT_GT(Count(injector, Fault::kResetMidBody), 50);
  EXPECT_GT(Count(injector, Fault::kResetInsteadOfAnswer), 20);
  EXPECT_GT(Count(injector, Fault::kNone), 100);
}

TEST(FaultInjectorTest, RateLimitsCarryARetryAfterShortOrPastTheCap) {
  FaultInjector injector(3);
  for (int i = 0; i < 400; ++i) {
    const FakeResponse answer = injector.Apply(
        FaultMode::kRateLimited, RequestKind::kManifest, "GET", Ok("{}"));
    if (answer.status == 429) {
      EXPECT_EQ(answer.headers.back().first, "Retry-After");
    } else {
      EXPECT_EQ(answer.status, 200);
    }
  }
  EXPECT_GT(Count(injector, Fault::kRetryAfterShort), 50);
  EXPECT_GT(Count(injector, Fault::kRetryAfterLong), 5);
}

TEST(FaultInjectorTest, WrongDigestsChangeOneByteOfBodiesOnly) {
  FaultInjector injector(5);
  const std::string body = "{\"schemaVersion\":2}";
  int changed = 0;
  for (int i = 0; i < 100; ++i) {
    const FakeResponse manifest = injector.Apply(
        FaultMode::kWrongDigest, RequestKind::kManifest, "GET", Ok(body));
    ASSERT_EQ(manifest.body.size(), body.size());
    int differing = 0;
    for (size_t j = 0; j < body.size(); ++j) {
      differing += manifest.body[j] != body[j];
    }
    EXPECT_LE(differing, 1);
    changed += differing;
    EXPECT_TRUE(
        Unchanged(injector.Apply(FaultMode::kWrongDigest,
                                 RequestKind::kManifest, "HEAD", Ok("")),
                  ""));
    EXPECT_TRUE(Unchanged(injector.Apply(FaultMode::kWrongDigest,
                                         RequestKind::kTags, "GET", Ok(body)),
                          body));
  }
  EXPECT_GT(changed, 25);
}

TEST(FaultInjectorTest, HangsHoldTheAnswerOrStopTheBodyMidWay) {
  FaultInjector injector(9);
  const std::string body(1000, 'b');
  for (int i = 0; i < 200; ++i) {
    const FakeResponse blob =
        injector.Apply(FaultMode::kHang, RequestKind::kBlob, "GET", Ok(body));
    if (blob.stall_after_truncation) {
      ASSERT_TRUE(blob.truncate_body_at.has_value());
      EXPECT_LT(*blob.truncate_body_at, body.size());
    }
  }
  EXPECT_GT(Count(injector, Fault::kHangMidBody), 30);
  EXPECT_GT(Count(injector, Fault::kHangBeforeAnswer), 10);
}

TEST(FaultInjectorTest, TheSameSeedInjectsTheSameFaults) {
  FaultInjector first(42);
  FaultInjector second(42);
  for (int i = 0; i < 100; ++i) {
    const FakeResponse a =
        first.Apply(FaultMode::kReset, RequestKind::kBlob, "GET", Ok("abcd"));
    const FakeResponse b =
        second.Apply(FaultMode::kReset, RequestKind::kBlob, "GET", Ok("abcd"));
    EXPECT_EQ(a.truncate_body_at, b.truncate_body_at);
  }
}

}  // namespace
}  // namespace tributary::bench
