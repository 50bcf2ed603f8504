// BlobReader against the in-process fake Tributary: the stream's messages in
// order, its end and failures, and the ways a call ends early (Close, a
// cancel from LiveCalls, the deadline, the reader destroyed mid-stream).

#include "client/frontend/blob_reader.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/use_future.hpp"
#include "client/frontend/live_calls.h"
#include "client/frontend/testing/fake_tributary.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;
using testing::FakeTributary;

v1::GetBlobRequest BlobRequest(const std::string& repository) {
  v1::GetBlobRequest request;
  request.set_repository(repository);
  request.set_digest(FakeTributary::blob_digest());
  return request;
}

// Reads until the stream ends (at most `limit` chunks); its bytes or status.
asio::awaitable<absl::StatusOr<std::string>> ReadToEnd(BlobReader& reader,
                                                       int limit) {
  std::string bytes;
  for (int i = 0; i < limit; ++i) {
    absl::StatusOr<const client::BlobMessage*> next = co_await reader.Next();
    if (!next.ok()) {
      co_return next.status();
    }
    if (*next == nullptr) {
      co_return bytes;
    }
    for (std::string_view piece : (*next)->pieces) {
      bytes.append(piece);
    }
  }
  co_return absl::OutOfRangeError("the stream did not end");
}

class BlobReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeTributary::Start(/*chunk_size=*/4096);
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = *std::move(fake);
    channel_ = grpc::CreateChannel(fake_->address(),
                                   grpc::InsecureChannelCredentials());
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    calls_.CancelAll();
    calls_.AwaitNone();
    work_.reset();
    thread_.join();
  }

  // Runs `body` (a named local, see docs/architecture.md on GCC 12) on a
  // strand of the I/O thread and returns its result.
  template <class Body>
  auto Run(Body& body) {
    return asio::co_spawn(strand_, body(), asio::use_future).get();
  }

  std::unique_ptr<FakeTributary> fake_;
  std::shared_ptr<grpc::Channel> channel_;
  LiveCalls calls_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(io_);
  asio::strand<asio::io_context::executor_type> strand_ =
      asio::make_strand(io_);
  std::thread thread_;
};

TEST_F(BlobReaderTest, ReadsTheDescriptorThenEveryChunkThenTheEnd) {
  const v1::GetBlobRequest request = BlobRequest("demo/app");
  auto body = [&]() -> asio::awaitable<void> {
    BlobReader reader(*channel_, calls_);
    auto descriptor = co_await reader.Open(request, absl::Seconds(10));
    EXPECT_TRUE(descriptor.ok()) << descriptor.status();
    if (descriptor.ok()) {
      EXPECT_EQ(descriptor->size(), 10000);
    }
    auto bytes = co_await ReadToEnd(reader, 100);
    EXPECT_EQ(bytes.value_or("(failed)"), FakeTributary::blob());
    auto again = co_await reader.Next();
    EXPECT_TRUE(again.ok() && *again == nullptr);
    co_await reader.Close();
  };
  Run(body);
}

TEST_F(BlobReaderTest, OpenFailsWithTheCallsStatus) {
  const v1::GetBlobRequest request = BlobRequest("missing/app");
  auto body = [&]() -> asio::awaitable<absl::Status> {
    BlobReader reader(*channel_, calls_);
    auto descriptor = co_await reader.Open(request, absl::Seconds(10));
    co_await reader.Close();
    co_return descriptor.status();
  };
  EXPECT_EQ(Run(body).code(), absl::StatusCode::kNotFound);
}

TEST_F(BlobReaderTest, DataLossMidStreamEndsItWithDataLoss) {
  const v1::GetBlobRequest request = BlobRequest("broken/blob");
  auto body = [&]() -> asio::awaitable<absl::Status> {
    BlobReader reader(*channel_, calls_);
    auto descriptor = co_await reader.Open(request, absl::Seconds(10));
    EXPECT_TRUE(descriptor.ok()) << descriptor.status();
    auto bytes = co_await ReadToEnd(reader, 100);
    co_return bytes.status();
  };
  EXPECT_EQ(Run(body).code(), absl::StatusCode::kDataLoss);
}

TEST_F(BlobReaderTest, CloseMidStreamEndsTheCall) {
  const v1::GetBlobRequest request = BlobRequest("large/blob");
  auto body = [&]() -> asio::awaitable<void> {
    BlobReader reader(*channel_, calls_);
    EXPECT_TRUE((co_await reader.Open(request, absl::Seconds(10))).ok());
    EXPECT_TRUE((co_await reader.Next()).ok());
    co_await reader.Close();
    auto after = co_await reader.Next();
    EXPECT_EQ(after.status().code(), absl::StatusCode::kCancelled);
  };
  Run(body);
  calls_.AwaitNone();
}

TEST_F(BlobReaderTest, CancelAllEndsAStreamMidwayWithCancelled) {
  const v1::GetBlobRequest request = BlobRequest("large/blob");
  auto body = [&]() -> asio::awaitable<absl::Status> {
    BlobReader reader(*channel_, calls_);
    EXPECT_TRUE((co_await reader.Open(request, absl::Seconds(10))).ok());
    EXPECT_TRUE((co_await reader.Next()).ok());
    calls_.CancelAll();
    auto rest = co_await ReadToEnd(reader, 1000);
    co_return rest.status();
  };
  EXPECT_EQ(Run(body).code(), absl::StatusCode::kCancelled);
  calls_.AwaitNone();
}

TEST_F(BlobReaderTest, TheDeadlineEndsAStreamTheClientStoppedReading) {
  const v1::GetBlobRequest request = BlobRequest("large/blob");
  auto body = [&]() -> asio::awaitable<absl::Status> {
    BlobReader reader(*channel_, calls_);
    auto descriptor = co_await reader.Open(request, absl::Seconds(1));
    EXPECT_TRUE(descriptor.ok()) << descriptor.status();
    asio::steady_timer pause(strand_, std::chrono::milliseconds(1500));
    co_await pause.async_wait(asio::use_awaitable);
    auto rest = co_await ReadToEnd(reader, 1000);
    co_return rest.status();
  };
  EXPECT_EQ(Run(body).code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(BlobReaderTest, DestroyingAReaderMidStreamEndsTheCall) {
  const v1::GetBlobRequest request = BlobRequest("large/blob");
  auto body = [&]() -> asio::awaitable<void> {
    BlobReader reader(*channel_, calls_);
    EXPECT_TRUE((co_await reader.Open(request, absl::Seconds(60))).ok());
    EXPECT_TRUE((co_await reader.Next()).ok());
  };  // no Close
  Run(body);
  calls_.AwaitNone();  // returns once gRPC ended the call
}

}  // namespace
}  // namespace tributary::frontend
