// GetBlob through the real server with the disk store on: blobs served from
// the store, one upstream transfer shared by concurrent callers, corrupt and
// unwritable stores, restarts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "tests/integration/blob_support.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/files.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kChunk = 4096;

class BlobCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> store = MakeTempDir(TestTempDir(), "blobs");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
    UseBlob(MakeBlob(20000));
  }

  void UseBlob(std::string blob) {
    blob_ = std::move(blob);
    digest_ = Sha256(blob_);
    path_ = "/v2/demo/app/blobs/" + digest_;
  }

  fs::path StoredFile() const {
    const std::string hex = digest_.substr(7);
    return store_ / "sha256" / hex.substr(0, 2) / hex;
  }

  std::string CacheYaml(int64_t disk_bytes = 64 << 20) const {
    return absl::StrCat("limits:\n  blob_chunk_bytes: ", kChunk,
                        "\n  blob_chunk_max_bytes: ", kChunk,
                        "\ncache:\n  blob_directory: ", store_.string(),
                        "\n  blob_disk_bytes: ", disk_bytes, "\n");
  }

  void StartServer(int64_t disk_bytes = 64 << 20) {
    auto running = RunningServer::Start(
        TestConfigYaml({{"first", first_.url()}}, CacheYaml(disk_bytes)));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  void Restart() {
    server_.reset();
    StartServer();
  }

  Pulled Pull(v1::CacheMode mode = v1::CACHE_MODE_UNSPECIFIED,
              int64_t offset = 0, int64_t length = 0,
              const std::string& digest = "") {
    v1::GetBlobRequest request;
    request.set_repository("demo/app");
    request.set_digest(digest.empty() ? digest_ : digest);
    request.set_offset(offset);
    request.set_length(length);
    request.set_cache_mode(mode);
    auto context = ContextWithTimeout(absl::Seconds(30));
    auto reader = server_->resolver().GetBlob(context.get(), request);
    return ReadToEnd(*reader);
  }

  // `count` whole-blob pulls of `digest` (default: the test's blob) at once.
  std::vector<Pulled> PullConcurrently(int count,
                                       const std::string& digest = "") {
    std::vector<Pulled> pulled(count);
    std::vector<std::thread> callers;
    for (Pulled& one : pulled) {
      callers.emplace_back([this, &one, digest] {
        one = Pull(v1::CACHE_MODE_UNSPECIFIED, 0, 0, digest);
      });
    }
    for (std::thread& caller : callers) {
      caller.join();
    }
    return pulled;
  }

  // Where a RouteWithRanges handler waits or signals, to order two blobs'
  // transfers; null: neither. A wait ends after a generous 10 s at most, so a
  // broken test fails instead of hanging.
  struct Gates {
    std::shared_ptr<absl::Notification> before_whole;  // waited for
    std::shared_ptr<absl::Notification> on_range;      // notified
    std::shared_ptr<absl::Notification> before_range;  // waited for
  };

  // Serves `blob` as `whole` says (its hold, delay and truncation; the body
  // is set here), and ranges of it ("bytes=N-"), at the `gates`.
  void RouteWithRanges(const std::string& blob, FakeResponse whole,
                       Gates gates = {}) {
    whole.body = blob;
    first_.Handle(
        "GET", "/v2/demo/app/blobs/" + Sha256(blob),
        [=](const RecordedRequest& request) {
          const std::string range = request.Header("Range");
          if (range.empty()) {
            Wait(gates.before_whole.get());
            return whole;
          }
          if (gates.on_range != nullptr && !gates.on_range->HasBeenNotified()) {
            gates.on_range->Notify();
          }
          Wait(gates.before_range.get());
          const size_t first = std::stoul(range.substr(6));
          return FakeResponse{
              .status = 206,
              .headers = {{"Content-Range",
                           absl::StrCat("bytes ", first, "-", blob.size() - 1,
                                        "/", blob.size())}},
              .body = blob.substr(first)};
        });
  }

  static void Wait(absl::Notification* gate) {
    if (gate != nullptr) {
      EXPECT_TRUE(gate->WaitForNotificationWithTimeout(absl::Seconds(10)));
    }
  }

  // Whether `count` pulls joined the blob transfer in flight.
  bool AwaitCoalesced(int count) {
    return server_->AwaitMetric(absl::StrCat(
        "tributary_cache_requests_total{kind=\"blob\",result=\"coalesced\"} ",
        count));
  }

  int RangedGets(const std::string& digest) const {
    int ranged = 0;
    for (const RecordedRequest& request : first_.requests()) {
      ranged += request.target == "/v2/demo/app/blobs/" + digest &&
                !request.Header("Range").empty();
    }
    return ranged;
  }

  int UpstreamGets() const { return first_.request_count("GET", path_); }
  fs::path store_;
  std::string blob_;
  std::string digest_;
  std::string path_;
  FakeUpstream first_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(BlobCacheTest, ServesAStoredBlobWithoutAskingAnyUpstream) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled cold = Pull();
  ASSERT_TRUE(cold.status.ok()) << cold.status.error_message();
  EXPECT_FALSE(cold.descriptor.cache().hit());
  EXPECT_EQ(cold.descriptor.upstream().name(), "first");

  Pulled warm = Pull();
  ASSERT_TRUE(warm.status.ok()) << warm.status.error_message();
  EXPECT_EQ(warm.bytes, blob_);
  EXPECT_TRUE(warm.descriptor.cache().hit());
  EXPECT_EQ(warm.descriptor.size(), 20000);
  EXPECT_EQ(warm.descriptor.digest(), digest_);
  EXPECT_EQ(warm.chunks, cold.chunks);  // the same chunking as a live stream
  EXPECT_EQ(warm.chunks, 5);
  EXPECT_EQ(UpstreamGets(), 1);
  EXPECT_EQ(ReadFile(StoredFile()).value_or(""), blob_);
}

TEST_F(BlobCacheTest, ServesAnOffsetAndLengthFromTheStore) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  ASSERT_TRUE(Pull().status.ok());
  Pulled slice = Pull(v1::CACHE_MODE_UNSPECIFIED, 5000, 7000);
  ASSERT_TRUE(slice.status.ok()) << slice.status.error_message();
  EXPECT_EQ(slice.bytes, blob_.substr(5000, 7000));
  EXPECT_TRUE(slice.descriptor.cache().hit());
  Pulled tail = Pull(v1::CACHE_MODE_UNSPECIFIED, 19000);
  EXPECT_EQ(tail.bytes, blob_.substr(19000));
  EXPECT_EQ(Pull(v1::CACHE_MODE_UNSPECIFIED, 20001).status.error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, ConcurrentColdPullsShareOneUpstreamTransfer) {
  UseBlob(MakeBlob(1 << 20));
  // Held until every caller has joined the transfer in flight.
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer();
  std::vector<Pulled> pulled;
  std::thread callers([&] { pulled = PullConcurrently(20); });
  EXPECT_TRUE(AwaitCoalesced(19));
  first_.Release();
  callers.join();
  for (const Pulled& one : pulled) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, blob_);
  }
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, AFollowerWhoseCallerCancelsDoesNotBreakTheOthers) {
  UseBlob(MakeBlob(1 << 20));
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer();
  std::vector<Pulled> pulled(3);
  std::vector<std::thread> callers;
  for (Pulled& one : pulled) {
    callers.emplace_back([this, &one] { one = Pull(); });
  }
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto context = ContextWithTimeout(absl::Seconds(10));
  auto quitter = server_->resolver().GetBlob(context.get(), request);
  EXPECT_TRUE(AwaitCoalesced(3));  // all four share the transfer
  context->TryCancel();
  EXPECT_EQ(quitter->Finish().error_code(), grpc::StatusCode::CANCELLED);
  first_.Release();
  for (std::thread& caller : callers) {
    caller.join();
  }
  for (const Pulled& one : pulled) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, blob_);
  }
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, TheCallerThatStartedTheTransferMayLeaveFirst) {
  UseBlob(MakeBlob(1 << 20));
  first_.Route("GET", path_, {.body = blob_, .hold = true});
  StartServer();
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest_);
  auto context = ContextWithTimeout(absl::Seconds(10));
  auto starter = server_->resolver().GetBlob(context.get(), request);
  EXPECT_TRUE(first_.WaitForRequests(1));  // the starter's transfer
  std::vector<Pulled> others;
  std::thread callers([&] { others = PullConcurrently(3); });
  EXPECT_TRUE(AwaitCoalesced(3));
  context->TryCancel();
  EXPECT_EQ(starter->Finish().error_code(), grpc::StatusCode::CANCELLED);
  first_.Release();
  callers.join();
  for (const Pulled& one : others) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, blob_);
  }
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, ABlobNoUpstreamMayBeAskedForFailsAtOnce) {
  // Every upstream is passed over without I/O (here out of scope; in the soak
  // their circuits were open), so the transfer ends while it is being started.
  auto running = RunningServer::Start(TestConfigYaml(
      {{"first", first_.url(), "    scope: {include: [\"other/**\"]}"}},
      CacheYaml()));
  ASSERT_TRUE(running.ok()) << running.status();
  server_ = *std::move(running);

  EXPECT_EQ(Pull().status.error_code(), grpc::StatusCode::NOT_FOUND);
  // The ended transfer was forgotten: the next caller starts a new one.
  EXPECT_EQ(Pull().status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(UpstreamGets(), 0);
}

TEST_F(BlobCacheTest, OnlyIfCachedFailsUntilTheBlobIsStored) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  Pulled refused = Pull(v1::CACHE_MODE_ONLY_IF_CACHED);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.status.error_message(),
              HasSubstr("not in the disk store"));
  EXPECT_EQ(UpstreamGets(), 0);
  ASSERT_TRUE(Pull().status.ok());
  Pulled cached = Pull(v1::CACHE_MODE_ONLY_IF_CACHED);
  ASSERT_TRUE(cached.status.ok()) << cached.status.error_message();
  EXPECT_EQ(cached.bytes, blob_);
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, RefreshFetchesTheBlobAgain) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  ASSERT_TRUE(Pull().status.ok());
  Pulled refreshed = Pull(v1::CACHE_MODE_REFRESH);
  ASSERT_TRUE(refreshed.status.ok()) << refreshed.status.error_message();
  EXPECT_FALSE(refreshed.descriptor.cache().hit());
  EXPECT_EQ(refreshed.bytes, blob_);
  EXPECT_EQ(UpstreamGets(), 2);
  EXPECT_TRUE(Pull().descriptor.cache().hit());
}

TEST_F(BlobCacheTest, WrongBytesAreNeverStored) {
  std::string wrong = blob_;
  wrong[100] ^= 1;
  first_.Route("GET", path_, {.body = wrong});
  StartServer();
  Pulled pulled = Pull();
  EXPECT_EQ(pulled.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_LT(pulled.bytes.size(), blob_.size());  // the last chunk held back
  EXPECT_FALSE(fs::exists(StoredFile()));
  EXPECT_TRUE(fs::is_empty(store_ / "tmp"));
  EXPECT_EQ(Pull().status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(UpstreamGets(), 2);
}

TEST_F(BlobCacheTest, RestartKeepsTheStore) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  ASSERT_TRUE(Pull().status.ok());
  Restart();
  Pulled warm = Pull();
  ASSERT_TRUE(warm.status.ok()) << warm.status.error_message();
  EXPECT_TRUE(warm.descriptor.cache().hit());
  EXPECT_EQ(warm.bytes, blob_);
  EXPECT_EQ(UpstreamGets(), 1);
}

TEST_F(BlobCacheTest, ACorruptStoredFileIsDetectedAndFetchedAgain) {
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  ASSERT_TRUE(Pull().status.ok());
  server_.reset();
  {
    std::string rotten = blob_;
    rotten[12345] ^= 0x20;
    std::ofstream out(StoredFile(), std::ios::binary | std::ios::trunc);
    out << rotten;
  }
  StartServer();
  Pulled pulled = Pull();
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.bytes, blob_);
  EXPECT_FALSE(pulled.descriptor.cache().hit());
  EXPECT_EQ(UpstreamGets(), 2);
  EXPECT_EQ(ReadFile(StoredFile()).value_or(""),
            blob_);  // the store holds good bytes again
}

TEST_F(BlobCacheTest, CrashLeftoversAreRemovedAtStart) {
  fs::create_directories(store_ / "tmp");
  std::ofstream(store_ / "tmp" / "abc.1") << "half a blob";
  StartServer();
  EXPECT_TRUE(fs::is_empty(store_ / "tmp"));
}

TEST_F(BlobCacheTest, ABlobLargerThanTheStoreStreamsToEveryCallerUnkept) {
  // 1.5 MiB against a 1 MiB store: known too big from its size, so each
  // caller streams it by itself from the start.
  UseBlob(MakeBlob(3 << 19, 5));
  RouteWithRanges(blob_, {.hold = true});
  StartServer(1 << 20);
  std::vector<Pulled> pulled;
  std::thread callers([&] { pulled = PullConcurrently(3); });
  EXPECT_TRUE(AwaitCoalesced(2));  // all three join the shared transfer
  first_.Release();
  callers.join();
  for (const Pulled& one : pulled) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, blob_);
  }
  EXPECT_FALSE(fs::exists(StoredFile()));
  EXPECT_TRUE(fs::is_empty(store_ / "tmp"));
  EXPECT_EQ(UpstreamGets(), 4);  // the abandoned shared one, one per caller
  EXPECT_EQ(RangedGets(digest_), 0);
}

TEST_F(BlobCacheTest, ABlobThatOutgrowsTheRoomLeftStillStreamsToEveryCaller) {
  // A 1 MiB store. The first blob's transfer breaks after 512 KiB and resumes
  // only once the second is done, holding its room meanwhile; the second
  // blob, 768 KiB, starts once the first resumes, runs out of room
  // mid-transfer and is handed over to each of its callers' own ranged
  // request. The first completes and is kept.
  const std::string holder = MakeBlob(768 << 10, 3);
  const std::string squeezed = MakeBlob(768 << 10, 9);
  auto holder_resuming = std::make_shared<absl::Notification>();
  auto squeezed_done = std::make_shared<absl::Notification>();
  RouteWithRanges(holder, {.truncate_body_at = 512 << 10},
                  {.on_range = holder_resuming, .before_range = squeezed_done});
  RouteWithRanges(squeezed, {}, {.before_whole = holder_resuming});
  StartServer(1 << 20);
  std::vector<Pulled> holders;
  std::thread holder_callers(
      [&] { holders = PullConcurrently(2, Sha256(holder)); });
  std::vector<Pulled> squeezeds = PullConcurrently(2, Sha256(squeezed));
  squeezed_done->Notify();
  holder_callers.join();
  for (const Pulled& one : holders) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, holder);
  }
  for (const Pulled& one : squeezeds) {
    ASSERT_TRUE(one.status.ok()) << one.status.error_message();
    EXPECT_EQ(one.bytes, squeezed);
  }
  EXPECT_EQ(RangedGets(Sha256(holder)), 1);    // its resume
  EXPECT_EQ(RangedGets(Sha256(squeezed)), 2);  // one per caller
  UseBlob(holder);
  EXPECT_EQ(ReadFile(StoredFile()).value_or(""), holder);
  UseBlob(squeezed);
  EXPECT_FALSE(fs::exists(StoredFile()));
  EXPECT_TRUE(fs::is_empty(store_ / "tmp"));
}

TEST_F(BlobCacheTest, AnUnwritableStoreFailsAtStartNamingTheField) {
  fs::create_directories(store_);
  std::ofstream(store_ / "file") << "not a directory";
  store_ = store_ / "file" / "blobs";
  auto running = RunningServer::Start(
      TestConfigYaml({{"first", first_.url()}}, CacheYaml()));
  ASSERT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(), HasSubstr("cache.blob_directory"));
  EXPECT_THAT(running.status().message(), HasSubstr(store_.string()));
}

TEST_F(BlobCacheTest, AStoreOthersCanWriteFailsAtStartNamingTheField) {
  // A directory a local user prepared (or left open) is refused, not used.
  fs::permissions(store_, fs::perms::all);
  auto running = RunningServer::Start(
      TestConfigYaml({{"first", first_.url()}}, CacheYaml()));
  ASSERT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(),
              HasSubstr(absl::StrCat("cache.blob_directory: ", store_.string(),
                                     " is writable by group or others")));
}

TEST_F(BlobCacheTest, CallersOfACorruptStoredBlobShareOneCheckAndOneRemoval) {
  // Large enough that hashing it takes longer than the callers take to come.
  UseBlob(MakeBlob(8 << 20));
  first_.Route("GET", path_, {.body = blob_});
  StartServer();
  ASSERT_TRUE(Pull().status.ok());
  server_.reset();
  {
    std::string rotten = blob_;
    rotten[4 << 20] ^= 0x20;
    std::ofstream out(StoredFile(), std::ios::binary | std::ios::trunc);
    out << rotten;
  }
  StartServer();

  for (const Pulled& pulled : PullConcurrently(6)) {
    ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
    EXPECT_TRUE(pulled.bytes == blob_);
  }

  // One caller hashed the copy and removed it; the others took its verdict
  // (each hashing and removing by itself counted one disk error per caller).
  EXPECT_THAT(server_->server().MetricsText(),
              HasSubstr("\ntributary_cache_disk_errors_total 1\n"));
  EXPECT_TRUE(ReadFile(StoredFile()).value_or("") == blob_);
}

}  // namespace
}  // namespace tributary::testing
