#include "service/cache/blob_store.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/oci/digest.h"

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int64_t kLarge = 1 << 20;

// A fresh, empty directory for the running test.
fs::path TestDirectory() {
  const char* root = std::getenv("TEST_TMPDIR");
  const fs::path dir =
      fs::path(root != nullptr ? root : "/tmp") / "blob_store_test" /
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

oci::Digest DigestOf(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes);
}

std::unique_ptr<BlobStore> OpenStore(const fs::path& dir, int64_t max_bytes) {
  auto store = BlobStore::Open(dir, max_bytes, nullptr);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Writes and commits `bytes` as a blob; returns its digest.
oci::Digest Put(BlobStore& store, const std::string& bytes) {
  const oci::Digest digest = DigestOf(bytes);
  auto writer = store.Create(digest);
  EXPECT_TRUE(writer.ok()) << writer.status();
  EXPECT_TRUE((*writer)->Append(bytes).ok());
  EXPECT_TRUE((*writer)->Commit().ok());
  return digest;
}

std::string ReadAll(const BlobFile& file) {
  std::string out;
  char buffer[4];  // small, so that reads take several rounds
  while (true) {
    auto n =
        file.ReadAt(static_cast<int64_t>(out.size()), buffer, sizeof(buffer));
    EXPECT_TRUE(n.ok()) << n.status();
    if (!n.ok() || *n == 0) {
      return out;
    }
    out.append(buffer, *n);
  }
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << bytes;
}

void SetModified(const fs::path& path, absl::Time when) {
  const timespec times[2] = {absl::ToTimespec(when), absl::ToTimespec(when)};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0)
      << std::strerror(errno);
}

TEST(BlobStoreTest, LeftoversInTmpAreRemovedAtOpen) {
  const fs::path dir = TestDirectory();
  WriteFile(dir / "tmp" / "abc.1", "half a blob");
  WriteFile(dir / "tmp" / "nested" / "file", "x");

  auto store = OpenStore(dir, kLarge);

  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(fs::is_empty(dir / "tmp"));
  EXPECT_EQ(store->entries(), 0);
}

TEST(BlobStoreTest, RestartIndexesStoredBlobsAsUnverified) {
  const fs::path dir = TestDirectory();
  const oci::Digest digest = Put(*OpenStore(dir, kLarge), "stored bytes");

  auto store = OpenStore(dir, kLarge);
  auto file = store->Find(digest);

  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(file->verified());
  EXPECT_EQ(file->size(), 12);
  EXPECT_EQ(ReadAll(*file), "stored bytes");
  store->MarkVerified(digest, file->generation());
  EXPECT_TRUE(store->Find(digest)->verified());
}

TEST(BlobStoreTest, CommittedBlobIsFoundVerified) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  const absl::Time before = absl::Now();
  const oci::Digest digest = Put(*store, "some blob");

  auto file = store->Find(digest);

  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(file->verified());
  EXPECT_EQ(file->size(), 9);
  EXPECT_GE(file->stored_at(), before);
  EXPECT_EQ(ReadAll(*file), "some blob");
  const std::string hex(digest.hex());
  EXPECT_EQ(store->PathOf(digest), dir / "sha256" / hex.substr(0, 2) / hex);
  EXPECT_TRUE(fs::is_regular_file(store->PathOf(digest)));
  EXPECT_EQ(store->Find(DigestOf("another blob")), nullptr);
}

TEST(BlobStoreTest, UncommittedWriterLeavesNoFile) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, 10);
  const oci::Digest digest = DigestOf("0123456789");
  {
    auto writer = store->Create(digest);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Append("0123456789").ok());
    EXPECT_EQ((*writer)->written(), 10);

    EXPECT_FALSE(fs::exists(store->PathOf(digest)));
    EXPECT_EQ(store->Find(digest), nullptr);
    EXPECT_FALSE(fs::is_empty(dir / "tmp"));
  }
  EXPECT_TRUE(fs::is_empty(dir / "tmp"));
  EXPECT_EQ(store->entries(), 0);
  // The destroyed writer's reservation is back: the whole cap fits again.
  auto writer = store->Create(digest);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Append("0123456789").ok());
}

TEST(BlobStoreTest, EvictsLeastRecentlyUsedAtByteCap) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, 30);
  const oci::Digest a = Put(*store, "aaaaaaaaaa");
  const oci::Digest b = Put(*store, "bbbbbbbbbb");
  const oci::Digest c = Put(*store, "cccccccccc");
  ASSERT_NE(store->Find(a), nullptr);  // b is now the least recently used

  const oci::Digest d = Put(*store, "dddddddddd");

  EXPECT_EQ(store->Find(b), nullptr);
  EXPECT_FALSE(fs::exists(store->PathOf(b)));
  EXPECT_NE(store->Find(a), nullptr);
  EXPECT_NE(store->Find(c), nullptr);
  EXPECT_NE(store->Find(d), nullptr);
  EXPECT_EQ(store->entries(), 3);
  EXPECT_EQ(store->size_bytes(), 30);
}

TEST(BlobStoreTest, WriterSaysWhetherABlobCouldEverFit) {
  auto store = OpenStore(TestDirectory(), 100);
  auto writer = store->Create(DigestOf("sized"));
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Fits(100));
  EXPECT_FALSE((*writer)->Fits(101));
}

TEST(BlobStoreTest, AppendFailsAtCapWhenNothingEvictable) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, 100);
  const oci::Digest stored = Put(*store, std::string(30, 's'));
  auto holder = store->Create(DigestOf("holder"));
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Append(std::string(60, 'h')).ok());
  auto writer = store->Create(DigestOf("too big"));
  ASSERT_TRUE(writer.ok());

  // 60 reserved + 50 exceed 100 even with the stored blob evicted.
  const absl::Status status = (*writer)->Append(std::string(50, 'w'));

  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("blob store is full (cache.blob_disk_bytes = 100)"));
  EXPECT_EQ(store->entries(), 1);
  EXPECT_EQ(store->size_bytes(), 30);
  EXPECT_NE(store->Find(stored), nullptr);
  EXPECT_EQ((*writer)->Append("x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit().code(), absl::StatusCode::kFailedPrecondition);
  // Only the holder's temporary file is left.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "tmp"),
                          fs::directory_iterator()),
            1);
}

TEST(BlobStoreTest, ReaderFollowsTempFileAsItGrows) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  auto writer = store->Create(DigestOf("hello world"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("hello ").ok());

  auto reader = (*writer)->OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size(), 6);
  EXPECT_FALSE((*reader)->verified());
  EXPECT_EQ(ReadAll(**reader), "hello ");

  ASSERT_TRUE((*writer)->Append("world").ok());
  char buffer[16];
  auto n = (*reader)->ReadAt(6, buffer, sizeof(buffer));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buffer, *n), "world");

  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(ReadAll(**reader), "hello world");  // still open after the rename
}

TEST(BlobStoreTest, RemoveDropsBlob) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  const oci::Digest digest = Put(*store, "doomed");

  store->Remove(digest, store->Find(digest)->generation());

  EXPECT_EQ(store->Find(digest), nullptr);
  EXPECT_FALSE(fs::exists(store->PathOf(digest)));
  EXPECT_EQ(store->entries(), 0);
  EXPECT_EQ(store->size_bytes(), 0);
}

TEST(BlobStoreTest, StrayFilesRemovedAtOpen) {
  const fs::path dir = TestDirectory();
  const oci::Digest kept = Put(*OpenStore(dir, kLarge), "kept");
  const std::string hex(DigestOf("misplaced").hex());
  const std::string other_fan_out = hex.substr(0, 2) == "00" ? "01" : "00";
  const fs::path strays[] = {
      dir / "sha256" / "stray.txt",
      dir / "sha256" / "zz" / hex,
      dir / "sha256" / other_fan_out / hex,
      dir / "sha256" / hex.substr(0, 2) / "not-a-digest",
      dir / "sha256" / hex.substr(0, 2) / (hex + ".partial"),
  };
  for (const fs::path& stray : strays) {
    WriteFile(stray, "junk");
  }

  auto store = OpenStore(dir, kLarge);

  for (const fs::path& stray : strays) {
    EXPECT_FALSE(fs::exists(stray)) << stray;
  }
  EXPECT_FALSE(fs::exists(dir / "sha256" / "zz"));
  EXPECT_EQ(store->entries(), 1);
  EXPECT_EQ(store->size_bytes(), 4);
  EXPECT_NE(store->Find(kept), nullptr);
}

TEST(BlobStoreTest, OpenFailsNamingDirectoryWhenNotCreatable) {
  const fs::path file = TestDirectory() / "a_file";
  WriteFile(file, "not a directory");
  const fs::path dir = file / "x";

  auto store = BlobStore::Open(dir, kLarge, nullptr);

  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(dir.string()));
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr(std::strerror(ENOTDIR)));
}

TEST(BlobStoreTest, LruOrderSurvivesRestart) {
  const fs::path dir = TestDirectory();
  oci::Digest a = DigestOf(""), b = a, c = a;
  {
    auto store = OpenStore(dir, kLarge);
    a = Put(*store, "aaaaaaaaaa");
    b = Put(*store, "bbbbbbbbbb");
    c = Put(*store, "cccccccccc");
    const absl::Time now = absl::Now();
    SetModified(store->PathOf(a), now - absl::Hours(3));
    SetModified(store->PathOf(b), now - absl::Hours(2));
    SetModified(store->PathOf(c), now - absl::Hours(1));
  }
  // Restarted, a is the least recently used until Find touches it.
  ASSERT_NE(OpenStore(dir, kLarge)->Find(a), nullptr);

  auto store = OpenStore(dir, 20);

  EXPECT_EQ(store->entries(), 2);
  EXPECT_EQ(store->Find(b), nullptr);
  EXPECT_FALSE(fs::exists(store->PathOf(b)));
  EXPECT_NE(store->Find(a), nullptr);
  EXPECT_NE(store->Find(c), nullptr);
}

TEST(BlobStoreTest, SizeAndEntriesTracked) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  EXPECT_EQ(store->entries(), 0);
  EXPECT_EQ(store->size_bytes(), 0);

  Put(*store, "ten bytes!");
  const oci::Digest five = Put(*store, "five!");
  EXPECT_EQ(store->entries(), 2);
  EXPECT_EQ(store->size_bytes(), 15);

  auto writer = store->Create(DigestOf("pending"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("pending").ok());
  EXPECT_EQ(store->size_bytes(), 15);  // bytes being written are not stored

  Put(*store, "five!");  // the same blob again replaces the first copy
  EXPECT_EQ(store->entries(), 2);
  EXPECT_EQ(store->size_bytes(), 15);

  store->Remove(five, store->Find(five)->generation());
  EXPECT_EQ(store->entries(), 1);
  EXPECT_EQ(store->size_bytes(), 10);
}

// A folder outside the store holding one file, `name`, with `bytes`: what an
// attacker would like the store to delete, overwrite or serve.
fs::path Victim(const fs::path& dir, const std::string& name,
                const std::string& bytes) {
  const fs::path victim =
      dir.parent_path() / (dir.filename().string() + "_victim");
  fs::remove_all(victim);
  WriteFile(victim / name, bytes);
  return victim;
}

std::string Contents(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t ModeOf(const fs::path& path) {
  struct stat info;
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(BlobStoreTest, ASymlinkedTmpIsReplacedNotEmptiedAtOpen) {
  const fs::path dir = TestDirectory();
  const fs::path victim = Victim(dir, "precious", "keep me");
  fs::create_symlink(victim, dir / "tmp");

  auto store = OpenStore(dir, kLarge);

  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Contents(victim / "precious"), "keep me");
  EXPECT_FALSE(fs::is_symlink(dir / "tmp"));
  EXPECT_TRUE(fs::is_directory(dir / "tmp"));
}

TEST(BlobStoreTest, AFanOutFolderSwappedForASymlinkIsNeverFollowed) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  const oci::Digest digest = Put(*store, "the real blob");
  const std::string hex(digest.hex());
  const fs::path fan_out = store->PathOf(digest).parent_path();
  const fs::path victim = Victim(dir, hex, "forged");
  fs::remove_all(fan_out);
  fs::create_symlink(victim, fan_out);

  EXPECT_EQ(store->Find(digest), nullptr);  // not served from the victim
  Put(*store, "the real blob");             // not renamed into the victim
  store->Remove(digest, store->Find(digest)->generation());  // nor from it

  EXPECT_EQ(Contents(victim / hex), "forged");
  EXPECT_FALSE(fs::is_symlink(fan_out));
  EXPECT_TRUE(fs::is_directory(fan_out));
}

TEST(BlobStoreTest, ABlobFileSwappedForASymlinkIsNeverServed) {
  const fs::path dir = TestDirectory();
  auto store = OpenStore(dir, kLarge);
  const oci::Digest digest = Put(*store, "the real blob");
  const fs::path victim = Victim(dir, "secret", "not a blob");
  fs::remove(store->PathOf(digest));
  fs::create_symlink(victim / "secret", store->PathOf(digest));

  EXPECT_EQ(store->Find(digest), nullptr);
  EXPECT_EQ(store->entries(), 0);
  EXPECT_EQ(Contents(victim / "secret"), "not a blob");
}

TEST(BlobStoreTest, FilesAreTheServiceUsersOnly) {
  const fs::path dir = TestDirectory() / "store";
  auto store = OpenStore(dir, kLarge);
  const oci::Digest digest = Put(*store, "private");
  auto writer = store->Create(DigestOf("pending"));
  ASSERT_TRUE(writer.ok());

  EXPECT_EQ(ModeOf(dir), 0700);
  EXPECT_EQ(ModeOf(dir / "tmp"), 0700);
  EXPECT_EQ(ModeOf(dir / "sha256"), 0700);
  EXPECT_EQ(ModeOf(store->PathOf(digest).parent_path()), 0700);
  EXPECT_EQ(ModeOf(store->PathOf(digest)), 0600);
  for (const auto& entry : fs::directory_iterator(dir / "tmp")) {
    EXPECT_EQ(ModeOf(entry.path()), 0600) << entry.path();
  }
}

TEST(BlobStoreTest, AWorldWritableDirectoryIsRefused) {
  const fs::path dir = TestDirectory();
  fs::permissions(dir, fs::perms::all);

  auto store = BlobStore::Open(dir, kLarge, nullptr);

  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr(dir.string() + " is writable by group or others"));
}

TEST(BlobStoreTest, RemovingAJudgedCopyKeepsAFreshOneCommittedSince) {
  const fs::path dir = TestDirectory();
  Put(*OpenStore(dir, kLarge), "blob bytes");
  auto store = OpenStore(dir, kLarge);  // restarted: the copy is unverified
  const oci::Digest digest = DigestOf("blob bytes");
  auto judged = store->Find(digest);
  ASSERT_NE(judged, nullptr);
  ASSERT_FALSE(judged->verified());

  // A refresh commits a fresh, verified copy while the old one is hashed...
  Put(*store, "blob bytes");
  // ...and then the old copy is found wanting.
  store->MarkVerified(digest, judged->generation());
  store->Remove(digest, judged->generation());

  auto fresh = store->Find(digest);
  ASSERT_NE(fresh, nullptr);
  EXPECT_TRUE(fresh->verified());
  EXPECT_NE(fresh->generation(), judged->generation());
  EXPECT_EQ(ReadAll(*fresh), "blob bytes");
  EXPECT_EQ(store->StateOf(digest, judged->generation()),
            BlobStore::CopyState::kGone);
  EXPECT_EQ(store->StateOf(digest, fresh->generation()),
            BlobStore::CopyState::kVerified);
}

TEST(BlobStoreTest, StateOfACopyFollowsItsCheck) {
  const fs::path dir = TestDirectory();
  const oci::Digest digest = Put(*OpenStore(dir, kLarge), "checked");
  auto store = OpenStore(dir, kLarge);
  const uint64_t generation = store->Find(digest)->generation();

  EXPECT_EQ(store->StateOf(digest, generation),
            BlobStore::CopyState::kUnverified);
  store->MarkVerified(digest, generation);
  EXPECT_EQ(store->StateOf(digest, generation),
            BlobStore::CopyState::kVerified);
  store->Remove(digest, generation);
  EXPECT_EQ(store->StateOf(digest, generation), BlobStore::CopyState::kGone);
  EXPECT_FALSE(fs::exists(store->PathOf(digest)));
}

}  // namespace
}  // namespace tributary::cache
