// Retries, Retry-After and deadlines through the real server against fake
// upstreams: what is retried, how long it waits, when it moves on, and what
// the final error says about each upstream.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/loopback_http.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "/v2/demo/app/manifests/v1";
constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

FakeResponse ManifestAnswer() {
  return {
      .headers = {{"Content-Type", std::string(oci::kOciManifest)},
                  {"Docker-Content-Digest",
                   oci::ComputeDigest(oci::DigestAlgorithm::kSha256, kManifest)
                       .str()}},
      .body = kManifest};
}

FakeResponse Answer(int status, std::string retry_after = "") {
  FakeResponse response{.status = status};
  if (!retry_after.empty()) {
    response.headers.emplace_back("Retry-After", std::move(retry_after));
  }
  return response;
}

// Short backoffs so a test retries in milliseconds; the breaker stays out of
// the way unless a test asks for it.
constexpr char kFastRetries[] =
    "    retry:\n"
    "      initial_backoff: 20ms\n"
    "      max_backoff: 40ms\n"
    "    circuit_breaker:\n"
    "      disabled: true\n";

class RetryTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& first_yaml = kFastRetries,
                   const std::string& extra_yaml = "") {
    auto running = RunningServer::Start(
        TestConfigYaml({{"first", first_.url(), first_yaml},
                        {"second", second_.url(), kFastRetries}},
                       // The fan-out itself is under test, not the cache.
                       absl::StrCat("cache:\n  disabled: true\n", extra_yaml)));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(v1::GetManifestResponse* response,
                           absl::Duration timeout = absl::Seconds(10)) {
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference("v1");
    auto context = ContextWithTimeout(timeout);
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  FakeUpstream first_;
  FakeUpstream second_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(RetryTest, RetriesA503TwiceThenSucceedsOnTheSameUpstream) {
  first_.RouteSequence("GET", kPath,
                       {Answer(503), Answer(503), ManifestAnswer()});
  StartServer();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest(&response).ok());
  EXPECT_EQ(response.upstream().name(), "first");
  EXPECT_EQ(response.content(), kManifest);
  EXPECT_EQ(first_.request_count("GET", kPath), 3);
  EXPECT_TRUE(second_.requests().empty());
}

TEST_F(RetryTest, RetriesAConnectionClosedWithoutAnswer) {
  first_.RouteSequence("GET", kPath,
                       {{.close_without_response = true}, ManifestAnswer()});
  StartServer();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest(&response).ok());
  EXPECT_EQ(response.upstream().name(), "first");
}

TEST_F(RetryTest, NeverRetriesANotFoundOrAnotherClientError) {
  first_.Route("GET", kPath, Answer(400));
  second_.Route("GET", kPath, Answer(404));
  StartServer();
  v1::GetManifestResponse response;
  GetManifest(&response);
  EXPECT_EQ(first_.request_count("GET", kPath), 1);
  EXPECT_EQ(second_.request_count("GET", kPath), 1);
}

TEST_F(RetryTest, WaitsTheRetryAfterOfA429ThenSucceeds) {
  first_.RouteSequence("GET", kPath, {Answer(429, "1"), ManifestAnswer()});
  StartServer();
  v1::GetManifestResponse response;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(GetManifest(&response).ok());
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(response.upstream().name(), "first");
  EXPECT_GE(took, absl::Milliseconds(950));
  EXPECT_LT(took, absl::Seconds(5));  // generous: a loaded machine is slow
  EXPECT_EQ(first_.request_count("GET", kPath), 2);
}

TEST_F(RetryTest, MovesToTheNextUpstreamAtOnceWhenRetryAfterIsTooLong) {
  first_.Route("GET", kPath, Answer(429, "3600"));
  second_.Route("GET", kPath, ManifestAnswer());
  StartServer();
  v1::GetManifestResponse response;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(GetManifest(&response).ok());
  // Generous for a loaded machine; waiting would take the 10 s cap or more.
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(response.upstream().name(), "second");
  EXPECT_EQ(first_.request_count("GET", kPath), 1);
}

TEST_F(RetryTest, SaysWhyARateLimitedUpstreamWasNotRetried) {
  first_.Route("GET", kPath, Answer(429, "3600"));
  StartServer();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("first: RESOURCE_EXHAUSTED: HTTP 429; not retried: "
                        "Retry-After 1h exceeds the 10s cap"));
  EXPECT_THAT(status.error_message(), HasSubstr("second: NOT_FOUND: HTTP 404"));
}

TEST_F(RetryTest, NamesTheAttemptsInTheFinalError) {
  first_.Route("GET", kPath, Answer(503));
  StartServer();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(),
              HasSubstr("demo/app:v1: first: UNAVAILABLE: HTTP 503 after 3 "
                        "attempts; second: NOT_FOUND: HTTP 404"));
  EXPECT_EQ(first_.request_count("GET", kPath), 3);
}

TEST_F(RetryTest, TakesMaxAttemptsFromTheConfig) {
  first_.Route("GET", kPath, Answer(502));
  StartServer(
      "    retry:\n"
      "      max_attempts: 5\n"
      "      initial_backoff: 10ms\n"
      "      max_backoff: 10ms\n"
      "    circuit_breaker:\n"
      "      disabled: true\n");
  v1::GetManifestResponse response;
  GetManifest(&response);
  EXPECT_EQ(first_.request_count("GET", kPath), 5);
}

TEST_F(RetryTest, AHangingUpstreamEndsAtTheCallersDeadline) {
  first_.Route("GET", kPath, {.status = 200, .delay = absl::Seconds(5)});
  // The upstream's own timeouts are far away: only the caller's 300 ms count.
  StartServer(absl::StrCat(kFastRetries, "    header_timeout: 20s\n"));
  v1::GetManifestResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status = GetManifest(&response, absl::Milliseconds(300));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(took, absl::Seconds(3));  // generous; the upstream takes 5 s
  EXPECT_EQ(first_.request_count("GET", kPath), 1);
  EXPECT_TRUE(second_.requests().empty());
}

TEST_F(RetryTest, AnUpstreamThatNeverAnswersCostsItsHeaderTimeout) {
  first_.Route("GET", kPath, {.status = 200, .delay = absl::Seconds(5)});
  second_.Route("GET", kPath, ManifestAnswer());
  StartServer(
      "    header_timeout: 200ms\n"
      "    retry:\n"
      "      max_attempts: 1\n");
  v1::GetManifestResponse response;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(GetManifest(&response).ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));  // generous; 5 s unbound
  EXPECT_EQ(response.upstream().name(), "second");
}

TEST_F(RetryTest, GetBlobRetriesA503OnTheSameUpstream) {
  const std::string blob = "layer bytes";
  const std::string digest =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha256, blob).str();
  const std::string path = "/v2/demo/app/blobs/" + digest;
  first_.RouteSequence("GET", path, {Answer(503), {.body = blob}});
  StartServer();
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest);
  auto context = ContextWithTimeout(absl::Seconds(10));
  auto reader = server_->resolver().GetBlob(context.get(), request);
  std::string bytes;
  v1::GetBlobResponse message;
  while (reader->Read(&message)) {
    bytes += message.chunk();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(bytes, blob);
  EXPECT_EQ(first_.request_count("GET", path), 2);
  EXPECT_TRUE(second_.requests().empty());
}

TEST_F(RetryTest, CountsRetriesByReasonInTheMetrics) {
  first_.RouteSequence("GET", kPath,
                       {Answer(503), Answer(503), ManifestAnswer()});
  StartServer(kFastRetries, "metrics:\n  listen_address: \"127.0.0.1:0\"\n");
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest(&response).ok());
  absl::StatusOr<std::string> scraped = server_->ScrapeMetrics();
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  EXPECT_THAT(*scraped,
              HasSubstr("tributary_upstream_retries_total{reason=\"http_503\","
                        "upstream=\"first\"} 2"));
}

}  // namespace
}  // namespace tributary::testing
