// Circuit breakers through the real server against fake upstreams, stepped
// with a fake clock: closed -> open (skipped without network I/O) ->
// half-open (one probe) -> closed, as the caller and ListUpstreams see it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "service/util/fake_clock.h"
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

// Two failures open the first upstream's circuit for 30 s; no retries, so
// every call is one exchange.
constexpr char kBreaker[] =
    "    retry:\n"
    "      max_attempts: 1\n"
    "    circuit_breaker:\n"
    "      failure_threshold: 2\n"
    "      open_duration: 30s\n";

class CircuitBreakerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_.Route("GET", kPath, {.status = 503});
    second_.Route("GET", kPath, ManifestAnswer());
    auto running = RunningServer::Start(
        TestConfigYaml(
            {{"first", first_.url(), kBreaker}, {"second", second_.url()}},
            // The fan-out itself is under test, not the cache.
            "metrics:\n  listen_address: \"127.0.0.1:0\"\n"
            "cache:\n  disabled: true\n"),
        clock_);
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(v1::GetManifestResponse* response) {
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference("v1");
    auto context = ContextWithTimeout(absl::Seconds(10));
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  v1::UpstreamStatus First() {
    v1::ListUpstreamsResponse response;
    auto context = ContextWithTimeout(absl::Seconds(5));
    EXPECT_TRUE(
        server_->admin()
            .ListUpstreams(context.get(), v1::ListUpstreamsRequest(), &response)
            .ok());
    return response.upstreams(0);
  }

  std::string Metrics() {
    absl::StatusOr<std::string> scraped = server_->ScrapeMetrics();
    EXPECT_TRUE(scraped.ok()) << scraped.status();
    return scraped.value_or("");
  }

  // Two calls answered by the second upstream after the first failed.
  void OpenFirstCircuit() {
    for (int i = 0; i < 2; ++i) {
      v1::GetManifestResponse response;
      ASSERT_TRUE(GetManifest(&response).ok());
      ASSERT_EQ(response.upstream().name(), "second");
    }
    ASSERT_EQ(First().breaker_state(), v1::BREAKER_STATE_OPEN);
  }

  util::FakeClock clock_;
  FakeUpstream first_;
  FakeUpstream second_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(CircuitBreakerTest, StaysClosedBelowTheThreshold) {
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest(&response).ok());
  const v1::UpstreamStatus first = First();
  EXPECT_EQ(first.breaker_state(), v1::BREAKER_STATE_CLOSED);
  EXPECT_EQ(first.consecutive_failures(), 1);
  EXPECT_EQ(first.last_error(), "UNAVAILABLE: HTTP 503");
  EXPECT_EQ(first.request_count(), 1);
  EXPECT_EQ(first.failure_count(), 1);
  EXPECT_FALSE(first.has_last_success_time());
}

TEST_F(CircuitBreakerTest, AnOpenCircuitSkipsTheUpstreamWithoutNetworkIo) {
  OpenFirstCircuit();
  const v1::UpstreamStatus first = First();
  EXPECT_EQ(first.breaker_state_since().seconds(),
            absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(first.next_probe_time().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Seconds(30)));
  EXPECT_EQ(first.consecutive_failures(), 2);

  for (int i = 0; i < 5; ++i) {
    v1::GetManifestResponse response;
    ASSERT_TRUE(GetManifest(&response).ok());
    EXPECT_EQ(response.upstream().name(), "second");
  }
  EXPECT_EQ(first_.request_count("GET", kPath), 2);
  const std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("tributary_upstream_breaker_skips_total{"
                                 "upstream=\"first\"} 5"));
  EXPECT_THAT(metrics, HasSubstr("tributary_upstream_breaker_state{state="
                                 "\"open\",upstream=\"first\"} 1"));
}

TEST_F(CircuitBreakerTest, TheFinalErrorSaysTheCircuitIsOpen) {
  OpenFirstCircuit();
  second_.Route("GET", kPath, {.status = 404});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(),
              HasSubstr("first: skipped: circuit open since "));
  EXPECT_THAT(status.error_message(),
              HasSubstr("after 2 consecutive failures (last: UNAVAILABLE: "
                        "HTTP 503); next probe in 30s; second: NOT_FOUND"));
}

TEST_F(CircuitBreakerTest, GoesHalfOpenThenClosesWhenTheProbeSucceeds) {
  OpenFirstCircuit();
  // The upstream recovers; the cool-down passes on the fake clock.
  FakeResponse held = ManifestAnswer();
  held.hold = true;
  first_.Route("GET", kPath, held);
  clock_.Advance(absl::Seconds(30));

  // The probe is held: while it is out, the circuit is half-open and other
  // calls still skip the first upstream.
  const int requests_before = static_cast<int>(first_.requests().size());
  v1::GetManifestResponse probe_response;
  grpc::Status probe_status;
  std::thread probe([&] { probe_status = GetManifest(&probe_response); });
  EXPECT_TRUE(first_.WaitForRequests(requests_before + 1));  // the probe
  EXPECT_EQ(First().breaker_state(), v1::BREAKER_STATE_HALF_OPEN);
  v1::GetManifestResponse other;
  const grpc::Status other_status = GetManifest(&other);
  first_.Release();
  probe.join();
  ASSERT_TRUE(other_status.ok());
  EXPECT_EQ(other.upstream().name(), "second");

  ASSERT_TRUE(probe_status.ok()) << probe_status.error_message();
  EXPECT_EQ(probe_response.upstream().name(), "first");
  const v1::UpstreamStatus first = First();
  EXPECT_EQ(first.breaker_state(), v1::BREAKER_STATE_CLOSED);
  EXPECT_EQ(first.consecutive_failures(), 0);
  EXPECT_EQ(first.last_success_time().seconds(),
            absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(first.has_next_probe_time());

  v1::GetManifestResponse after;
  ASSERT_TRUE(GetManifest(&after).ok());
  EXPECT_EQ(after.upstream().name(), "first");
}

TEST_F(CircuitBreakerTest, AFailedProbeOpensTheCircuitAgain) {
  OpenFirstCircuit();
  clock_.Advance(absl::Seconds(31));
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest(&response).ok());  // probe fails, second answers
  EXPECT_EQ(first_.request_count("GET", kPath), 3);
  const v1::UpstreamStatus first = First();
  EXPECT_EQ(first.breaker_state(), v1::BREAKER_STATE_OPEN);
  EXPECT_EQ(first.next_probe_time().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Seconds(30)));
  ASSERT_TRUE(GetManifest(&response).ok());
  EXPECT_EQ(first_.request_count("GET", kPath), 3);
}

TEST_F(CircuitBreakerTest, NotFoundAnswersNeverOpenTheCircuit) {
  first_.Route("GET", kPath, {.status = 404});
  for (int i = 0; i < 5; ++i) {
    v1::GetManifestResponse response;
    ASSERT_TRUE(GetManifest(&response).ok());
  }
  EXPECT_EQ(First().breaker_state(), v1::BREAKER_STATE_CLOSED);
  EXPECT_EQ(First().failure_count(), 0);
  EXPECT_EQ(first_.request_count("GET", kPath), 5);
}

TEST_F(CircuitBreakerTest, GetBlobSkipsAnUpstreamWithAnOpenCircuit) {
  OpenFirstCircuit();
  const std::string blob = "layer bytes";
  const std::string digest =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha256, blob).str();
  second_.Route("GET", "/v2/demo/app/blobs/" + digest, {.body = blob});
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
  EXPECT_EQ(first_.request_count("GET", "/v2/demo/app/blobs/" + digest), 0);
}

}  // namespace
}  // namespace tributary::testing
