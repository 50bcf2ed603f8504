#include "service/resolve/blob/consumer_writes.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "gtest/gtest.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;

// Records what it is asked to send; the test reports the writes done.
class RecordingConsumer final : public BlobConsumer {
 public:
  void SendDescriptor(const BlobDescriptorInfo& descriptor) override {
    sent.push_back("descriptor " + descriptor.digest);
  }
  void SendChunk(util::Chunk data) override {
    sent.push_back(std::string(data.view()));
  }
  void EndStream(const absl::Status& status) override {
    ++ends;
    ended = status;
  }

  std::vector<std::string> sent;
  int ends = 0;
  absl::Status ended;
};

class ConsumerWritesTest : public ::testing::Test {
 protected:
  // Starts a Drain; its result once it completes.
  void StartDrain() {
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
          drained_ = co_await writes_.Drain();
        },
        asio::detached);
  }
  void RunReady() {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(50));
  }

  asio::io_context io_;
  Cancellation cancellation_{io_.get_executor()};
  RecordingConsumer consumer_;
  ConsumerWrites writes_{io_.get_executor(), &consumer_, cancellation_};
  std::optional<bool> drained_;
};

TEST_F(ConsumerWritesTest, DrainWithNothingInFlightReturnsAtOnce) {
  StartDrain();
  RunReady();
  EXPECT_EQ(drained_, true);
}

TEST_F(ConsumerWritesTest, DrainWaitsForTheWriteInFlight) {
  writes_.StartChunk(util::Chunk::Copy("abc"));
  StartDrain();
  RunReady();
  EXPECT_FALSE(drained_.has_value());  // the consumer has not reported yet

  writes_.Done(true);
  RunReady();
  EXPECT_EQ(drained_, true);
  EXPECT_EQ(consumer_.sent, std::vector<std::string>{"abc"});
}

TEST_F(ConsumerWritesTest, AWriteReportedBeforeTheDrainIsNotLost) {
  BlobDescriptorInfo descriptor;
  descriptor.digest = "sha256:x";
  writes_.StartDescriptor(descriptor);
  writes_.Done(true);  // the consumer finished before the producer waited
  StartDrain();
  RunReady();
  EXPECT_EQ(drained_, true);
  EXPECT_EQ(consumer_.sent, std::vector<std::string>{"descriptor sha256:x"});
}

TEST_F(ConsumerWritesTest, AFailedWriteMeansTheCallerIsGone) {
  writes_.StartChunk(util::Chunk::Copy("abc"));
  writes_.Done(false);
  StartDrain();
  RunReady();
  EXPECT_EQ(drained_, false);
}

TEST_F(ConsumerWritesTest, AWriteCompletingAfterACancelIsNotDelivered) {
  writes_.StartChunk(util::Chunk::Copy("abc"));
  cancellation_.Cancel();
  writes_.Done(true);
  StartDrain();
  RunReady();
  EXPECT_EQ(drained_, false);
}

TEST_F(ConsumerWritesTest, EachWriteIsDrainedBeforeTheNext) {
  writes_.StartChunk(util::Chunk::Copy("one"));
  writes_.Done(true);
  StartDrain();
  RunReady();
  ASSERT_EQ(drained_, true);

  drained_.reset();
  writes_.StartChunk(util::Chunk::Copy("two"));
  StartDrain();
  RunReady();
  EXPECT_FALSE(drained_.has_value());  // the first report does not count twice
  writes_.Done(true);
  RunReady();
  EXPECT_EQ(drained_, true);
  EXPECT_EQ(consumer_.sent, (std::vector<std::string>{"one", "two"}));
}

TEST_F(ConsumerWritesTest, FinishEndsTheStreamOnceTheWriteInFlightIsDone) {
  writes_.StartChunk(util::Chunk::Copy("abc"));
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        co_await writes_.Finish(absl::OkStatus());
      },
      asio::detached);
  RunReady();
  EXPECT_EQ(consumer_.ends, 0);  // gRPC wants no write outstanding

  writes_.Done(true);
  RunReady();
  EXPECT_EQ(consumer_.ends, 1);
  EXPECT_TRUE(consumer_.ended.ok());
  writes_.EndIfOpen(absl::InternalError("late"));
  EXPECT_EQ(consumer_.ends, 1);  // ended once
}

TEST_F(ConsumerWritesTest, AFailureAfterTheCallerCancelledEndsAsCancelled) {
  cancellation_.Cancel();
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        co_await writes_.Finish(absl::UnavailableError("reset"));
      },
      asio::detached);
  RunReady();
  EXPECT_EQ(consumer_.ended.code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace tributary::resolve
