// A unary caller's cancel reaches the fan-out: the upstream request it
// started is cut off (its connection closed) and nothing more is asked, unless
// another caller shares the fetch through single-flight, which then goes on
// and answers that caller.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";
constexpr char kCancelledCalls[] =
    "tributary_rpc_requests_total{code=\"CANCELLED\",method=\"GetManifest\"} 1";

// An upstream that holds its answer to demo/app:held until released.
void RouteHeldManifest(FakeUpstream& hub) {
  hub.Route(
      "GET", "/v2/demo/app/manifests/held",
      {.headers = {{"Content-Type", std::string(oci::kOciManifest)},
                   {"Docker-Content-Digest",
                    oci::ComputeDigest(oci::DigestAlgorithm::kSha256, kManifest)
                        .str()}},
       .body = kManifest,
       .hold = true});
}

// One GetManifest of demo/app:held in its own thread, cancellable.
class Caller {
 public:
  Caller(RunningServer& server, absl::Duration timeout)
      : context_(ContextWithTimeout(timeout)) {
    thread_ = std::thread([this, &server] {
      v1::GetManifestRequest request;
      request.set_repository("demo/app");
      request.set_reference("held");
      status_ =
          server.resolver().GetManifest(context_.get(), request, &response_);
    });
  }
  ~Caller() { Join(); }

  void Cancel() { context_->TryCancel(); }
  void Join() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  const grpc::Status& status() const { return status_; }
  const v1::GetManifestResponse& response() const { return response_; }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  grpc::Status status_;
  v1::GetManifestResponse response_;
  std::thread thread_;
};

class UnaryCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RouteHeldManifest(hub_);
    auto running = RunningServer::Start(TestConfigYaml({{"hub", hub_.url()}}));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }
  void TearDown() override { hub_.Release(); }

  FakeUpstream hub_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(UnaryCancelTest, ACancelledCallClosesItsUpstreamRequestAndAsksNoMore) {
  Caller caller(*server_, absl::Seconds(20));
  ASSERT_TRUE(hub_.WaitForRequests(1));

  caller.Cancel();
  caller.Join();

  EXPECT_EQ(caller.status().error_code(), grpc::StatusCode::CANCELLED);
  // Well inside header_timeout (10 s), after which the old fan-out gave up
  // on the held request and retried it.
  EXPECT_TRUE(hub_.WaitForNoOpenConnections(absl::Seconds(3)))
      << "the upstream request outlived its caller";
  EXPECT_TRUE(server_->AwaitMetric(kCancelledCalls, absl::Seconds(3)));
  EXPECT_EQ(hub_.requests().size(), 1u) << "no retry, no other upstream";
}

TEST_F(UnaryCancelTest, ACallWhoseDeadlinePassesClosesItsUpstreamRequest) {
  Caller caller(*server_, absl::Seconds(1));
  ASSERT_TRUE(hub_.WaitForRequests(1));

  caller.Join();

  EXPECT_EQ(caller.status().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(hub_.WaitForNoOpenConnections(absl::Seconds(3)))
      << "the upstream request outlived its caller's deadline";
  EXPECT_EQ(hub_.requests().size(), 1u);
}

TEST_F(UnaryCancelTest, ASharedFetchKeepsGoingWhenOneCallerCancels) {
  Caller leaving(*server_, absl::Seconds(20));
  ASSERT_TRUE(hub_.WaitForRequests(1));
  Caller staying(*server_, absl::Seconds(20));
  ASSERT_TRUE(server_->AwaitMetric(
      "tributary_cache_requests_total{kind=\"manifest\",result=\"coalesced\"} "
      "1"));

  leaving.Cancel();
  leaving.Join();

  // The leaving call is finished at once (its slot freed), not when the
  // shared fetch ends...
  EXPECT_TRUE(server_->AwaitMetric(kCancelledCalls, absl::Seconds(3)));
  // ...and the fetch goes on for the caller still waiting.
  EXPECT_EQ(hub_.open_connections(), 1);
  hub_.Release();
  staying.Join();
  ASSERT_TRUE(staying.status().ok()) << staying.status().error_message();
  EXPECT_EQ(staying.response().content(), kManifest);
  EXPECT_EQ(hub_.requests().size(), 1u);
}

}  // namespace
}  // namespace tributary::testing
