// GetBlob through the real server against fake upstreams that misbehave on
// demand: resumes, corrupt bytes, redirects, ranges, cancellation, the cap.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tests/integration/blob_support.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/files.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kChunk = 4096;

FakeResponse Partial(const std::string& blob, size_t first, size_t last) {
  return {.status = 206,
          .headers = {{"Content-Range", absl::StrCat("bytes ", first, "-", last,
                                                     "/", blob.size())}},
          .body = blob.substr(first, last - first + 1)};
}

// Every case runs twice: with the disk store off (each stream reads its own
// upstream body) and on (the stream reads a shared transfer into the store).
class BlobStreamTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    blob_ = MakeBlob(20000);
    digest_ = Sha256(blob_);
    path_ = "/v2/demo/app/blobs/" + digest_;
  }

  // Chunks of kChunk bytes, unless `max_chunk` lets a lone stream have
  // larger ones.
  void StartServer(const std::string& limits_yaml = "",
                   int64_t max_chunk = kChunk) {
    auto running = RunningServer::Start(TestConfigYaml(
        {{"first", first_.url()}, {"second", second_.url()}},
        absl::StrCat(StoreYaml(), "limits:\n  blob_chunk_bytes: ", kChunk,
                     "\n  blob_chunk_max_bytes: ", max_chunk, "\n",
                     limits_yaml)));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  std::string StoreYaml() {
    if (!GetParam()) {
      return "";
    }
    absl::StatusOr<std::string> directory = MakeTempDir(TestTempDir(), "blobs");
    EXPECT_TRUE(directory.ok()) << directory.status();
    store_directory_ = directory.value_or("");
    return absl::StrCat("cache:\n  blob_directory: ", store_directory_, "\n");
  }

  Pulled Pull(int64_t offset = 0, int64_t length = 0) {
    v1::GetBlobRequest request;
    request.set_repository("demo/app");
    request.set_digest(digest_);
    request.set_offset(offset);
    request.set_length(length);
    auto context = ContextWithTimeout(absl::Seconds(20));
    auto reader = server_->resolver().GetBlob(context.get(), request);
    return ReadToEnd(*reader);
  }

  std::string blob_;
  std::string digest_;
  std::string path_;
  FakeUpstream first_;
  FakeUpstream second_;
  std::unique_ptr<RunningServer> server_;
  std::string store_directory_;  // with the store on
};

TEST_P(BlobStreamTest, SendsTheDescriptorFirstThenTheBytesInChunks) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.digest(), digest_);
  EXPECT_EQ(pulled.descriptor.size(), 20000);
  EXPECT_EQ(pulled.descriptor.upstream().name(), "first");
  EXPECT_EQ(pulled.bytes, blob_);
  EXPECT_EQ(pulled.chunks, 5);  // 4 x 4096 + 3616
}

// A transfer into the disk store keeps the smallest chunks (its four passes
// over each chunk lose the CPU cache at 1 MiB); a stream straight from the
// upstream gets the larger ones.
TEST_P(BlobStreamTest, ALoneStreamGetsLargerChunksUnlessItFillsTheStore) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer("", 4 * kChunk);
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
  EXPECT_EQ(pulled.chunks,
            GetParam() ? 5 : 2);  // 4 x 4096 + 3616, or 16384 + 3616
}

// The second pull comes from the disk store when it is on: larger chunks too.
TEST_P(BlobStreamTest, ASecondPullGetsLargerChunksFromTheStoreOrTheUpstream) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer("", 4 * kChunk);
  ASSERT_TRUE(Pull().status.ok());
  Pulled again = Pull();
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.bytes, blob_);
  EXPECT_EQ(again.chunks, 2);  // 16384 + 3616
  EXPECT_EQ(again.descriptor.cache().hit(), GetParam());
}

TEST_P(BlobStreamTest, FallsThroughToNextUpstreamOn404) {
  second_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.upstream().name(), "second");
  EXPECT_EQ(pulled.bytes, blob_);
}

TEST_P(BlobStreamTest, AllNotFoundIsNotFound) {
  StartServer();
  EXPECT_EQ(Pull().status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(BlobStreamTest, ResumesOnTheSameUpstreamAfterATruncatedBody) {
  first_.RouteSequence(
      "GET", path_,
      {{.body = blob_, .truncate_body_at = 5000}, Partial(blob_, 5000, 19999)});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
  ASSERT_EQ(first_.requests().size(), 2u);
  EXPECT_EQ(first_.requests()[1].Header("Range"), "bytes=5000-");
  EXPECT_TRUE(second_.requests().empty());
}

TEST_P(BlobStreamTest, ResumesOnTheNextUpstreamWhenTheFirstKeepsFailing) {
  first_.RouteSequence("GET", path_,
                       {{.body = blob_, .truncate_body_at = 5000},
                        {.close_without_response = true}});
  second_.Route("GET", path_, Partial(blob_, 5000, 19999));
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
  ASSERT_EQ(second_.requests().size(), 1u);
  EXPECT_EQ(second_.requests()[0].Header("Range"), "bytes=5000-");
}

TEST_P(BlobStreamTest, SkipsToTheOffsetWhenAResumeIgnoresTheRange) {
  first_.RouteSequence(
      "GET", path_,
      {{.body = blob_, .truncate_body_at = 9000}, {.body = blob_}});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
}

TEST_P(BlobStreamTest, GivesUpWithUnavailableAfterBoundedAttempts) {
  first_.Route("GET", path_, {.body = blob_, .truncate_body_at = 100});
  second_.Route("GET", path_, {.close_without_response = true});
  StartServer("  max_blob_attempts: 3\n");
  Pulled pulled = Pull();
  EXPECT_EQ(pulled.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(pulled.status.error_message(), HasSubstr("gave up at byte 100"));
  EXPECT_EQ(first_.requests().size() + second_.requests().size(), 3u);
}

TEST_P(BlobStreamTest, WrongBytesEndWithDataLossAndTheLastChunkIsNeverSent) {
  std::string corrupt = blob_;
  corrupt[19999] ^= 1;
  first_.Route("GET", path_, {.body = corrupt});
  StartServer();
  Pulled pulled = Pull();
  EXPECT_EQ(pulled.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(pulled.status.error_message(), HasSubstr("hash to"));
  EXPECT_EQ(pulled.bytes.size(), 4u * kChunk);
  EXPECT_EQ(pulled.bytes, blob_.substr(0, 4 * kChunk));
}

TEST_P(BlobStreamTest, AContentLengthPastInt64IsRefusedAndTheNextAsked) {
  // Sent whole, then the connection closes: only the header lies.
  first_.Route("GET", path_,
               {.headers = {{"Content-Length", "18446744073709551615"}},
                .body = blob_,
                .truncate_body_at = blob_.size()});
  second_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.size(), static_cast<int64_t>(blob_.size()));
  EXPECT_EQ(pulled.descriptor.upstream().name(), "second");
  EXPECT_EQ(pulled.bytes, blob_);
}

TEST_P(BlobStreamTest, AContentTypeThatIsNotAMediaTypeIsDropped) {
  first_.Route("GET", path_,
               {.headers = {{"Content-Type", "\xFF\xFE/x"}}, .body = blob_});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.media_type(), "");
  EXPECT_EQ(pulled.bytes, blob_);
}

TEST_P(BlobStreamTest, AContentTypeKeepsItsMediaTypeWithoutParameters) {
  first_.Route("GET", path_,
               {.headers = {{"Content-Type",
                             "application/octet-stream; charset=binary"}},
                .body = blob_});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.media_type(), "application/octet-stream");
}

TEST_P(BlobStreamTest, FollowsARedirectToAnotherOriginWithoutAuthorization) {
  FakeUpstream storage;
  storage.Route("GET", "/bucket/layer", {.body = blob_});
  first_.Route("GET", path_,
               {.status = 307,
                .headers = {{"Location", storage.url() + "/bucket/layer"}}});
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
  ASSERT_EQ(storage.requests().size(), 1u);
  EXPECT_EQ(storage.requests()[0].Header("Authorization"), "");
}

TEST_P(BlobStreamTest, ARedirectLoopFailsThatUpstream) {
  first_.Route("GET", path_, {.status = 307, .headers = {{"Location", path_}}});
  StartServer();
  Pulled pulled = Pull();
  EXPECT_EQ(pulled.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(pulled.status.error_message(), HasSubstr("HTTP 307"));
  EXPECT_EQ(first_.requests().size(), 6u);  // the first plus 5 redirects
}

TEST_P(BlobStreamTest, ARangedReadSendsRangeAndReturnsTheSlice) {
  first_.Route("GET", path_, Partial(blob_, 100, 149));
  StartServer();
  Pulled pulled = Pull(100, 50);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_.substr(100, 50));
  EXPECT_EQ(pulled.descriptor.size(), 20000);
  EXPECT_EQ(first_.requests()[0].Header("Range"), "bytes=100-149");
}

TEST_P(BlobStreamTest, ARangedReadStillWorksWhenTheUpstreamIgnoresRange) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled pulled = Pull(10000, 0);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_.substr(10000));
}

TEST_P(BlobStreamTest, AMismatchedContentRangeFallsThrough) {
  first_.Route("GET", path_, Partial(blob_, 0, 49));
  second_.Route("GET", path_, Partial(blob_, 100, 149));
  StartServer();
  Pulled pulled = Pull(100, 50);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.descriptor.upstream().name(), "second");
  EXPECT_EQ(pulled.bytes, blob_.substr(100, 50));
}

TEST_P(BlobStreamTest, RejectsNegativeOffsetsBeforeAnyNetworkIo) {
  StartServer();
  Pulled pulled = Pull(-1, 0);
  EXPECT_EQ(pulled.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(pulled.status.error_message(), HasSubstr("offset"));
  EXPECT_TRUE(first_.requests().empty());
}

TEST_P(BlobStreamTest, StreamsPastTheCapGetResourceExhausted) {
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer("  max_blob_streams: 1\n");
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto slow_context = ContextWithTimeout(absl::Seconds(10));
  auto slow = server_->resolver().GetBlob(slow_context.get(), request);
  // Its upstream request shows that the first stream holds the only slot.
  EXPECT_TRUE(first_.WaitForRequests(1));
  Pulled second = Pull();
  EXPECT_EQ(second.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(second.status.error_message(), HasSubstr("max_blob_streams"));
  slow_context->TryCancel();
}

TEST_P(BlobStreamTest, OnePeerCannotHoldMoreThanItsShareOfStreams) {
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer("  max_blob_streams: 4\n  max_blob_streams_per_peer: 1\n");
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto slow_context = ContextWithTimeout(absl::Seconds(10));
  auto slow = server_->resolver().GetBlob(slow_context.get(), request);
  EXPECT_TRUE(first_.WaitForRequests(1));
  Pulled second = Pull();
  EXPECT_EQ(second.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(second.status.error_message(),
              HasSubstr("limits.max_blob_streams_per_peer"));
  slow_context->TryCancel();
}

TEST_P(BlobStreamTest, ACallerThatStopsReadingLosesItsStreamSlot) {
  // Far more than the HTTP/2 windows hold, so writes stall once the caller
  // stops reading.
  const std::string big = MakeBlob(48 << 20);
  const std::string big_digest = Sha256(big);
  first_.Route("GET", "/v2/demo/app/blobs/" + big_digest, {.body = big});
  first_.Route("GET", path_, {.body = blob_});
  StartServer("  max_blob_streams: 1\n  blob_write_stall: 300ms\n");
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(big_digest);
  auto stalled_context = ContextWithTimeout(absl::Seconds(20));
  auto stalled = server_->resolver().GetBlob(stalled_context.get(), request);
  v1::GetBlobResponse message;
  ASSERT_TRUE(stalled->Read(&message));  // then never reads again

  // Within a few stall periods the slot is free for another caller.
  Pulled next;
  for (int attempt = 0; attempt < 50; ++attempt) {
    next = Pull();
    if (next.status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(next.status.ok()) << next.status.error_message();
  EXPECT_EQ(next.bytes, blob_);
  stalled_context->TryCancel();
}

// With the store on, the shared transfer runs ahead of a caller at disk speed;
// that it stops when its last reader leaves is tested in blob_cache_test.
class BlobStreamWithoutStoreTest : public BlobStreamTest {};

TEST_P(BlobStreamWithoutStoreTest, ACancelClosesTheUpstreamConnectionPromptly) {
  // Bigger than the socket buffers, so the upstream is still sending when the
  // caller stops reading and cancels.
  std::string big = MakeBlob(64 << 20);
  digest_ = Sha256(big);
  path_ = "/v2/demo/app/blobs/" + digest_;
  first_.Route("GET", path_, {.body = big});
  StartServer();
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto context = ContextWithTimeout(absl::Seconds(20));
  auto reader = server_->resolver().GetBlob(context.get(), request);
  v1::GetBlobResponse message;
  ASSERT_TRUE(reader->Read(&message));  // the descriptor
  ASSERT_TRUE(reader->Read(&message));  // a first chunk: the body is flowing
  ASSERT_EQ(first_.open_connections(), 1);

  // Generous for a loaded machine: left open, it would stay open (the
  // upstream is blocked on the socket) until the test gives up.
  EXPECT_LT(CancelAndTimeUpstreamClose(*context, *reader, first_),
            absl::Seconds(2));
}

// With the store on: the shared transfer stops when its last caller leaves.
TEST_P(BlobStreamTest,
       ACancelBeforeTheUpstreamAnswersClosesTheConnectionPromptly) {
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer();
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto context = ContextWithTimeout(absl::Seconds(10));
  auto reader = server_->resolver().GetBlob(context.get(), request);
  ASSERT_TRUE(first_.WaitForRequests(1));
  // Generous for a loaded machine: the held answer never comes, so left
  // open, the connection would stay open until the test gives up.
  EXPECT_LT(CancelAndTimeUpstreamClose(*context, *reader, first_),
            absl::Seconds(2));
  if (GetParam()) {
    EXPECT_TRUE(std::filesystem::is_empty(store_directory_ + "/tmp"));
  }
}

std::string StoreName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "StoreOn" : "StoreOff";
}

INSTANTIATE_TEST_SUITE_P(Store, BlobStreamTest, ::testing::Bool(), StoreName);
INSTANTIATE_TEST_SUITE_P(Store, BlobStreamWithoutStoreTest,
                         ::testing::Values(false), StoreName);

}  // namespace
}  // namespace tributary::testing
