#include "service/cache/store_directory.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Not the service user: "nobody".
constexpr uid_t kSomeoneElse = 65534;

fs::path TestDirectory() {
  const char* root = std::getenv("TEST_TMPDIR");
  const fs::path dir =
      fs::path(root != nullptr ? root : "/tmp") / "store_directory_test" /
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Gives `path` to another user, as a local attacker's folder would be. Only
// root can; the service's tests run as root.
void GiveAway(const fs::path& path) {
  ASSERT_EQ(::chown(path.c_str(), kSomeoneElse, kSomeoneElse), 0)
      << "chown " << path << " needs root";
}

std::string MessageOf(const fs::path& dir) {
  absl::StatusOr<UniqueFd> opened = OpenStoreDirectory(dir);
  EXPECT_FALSE(opened.ok());
  return opened.ok() ? "" : std::string(opened.status().message());
}

TEST(StoreDirectoryTest, CreatesTheDirectoryAndMissingParentsOwnerOnly) {
  const fs::path dir = TestDirectory() / "a" / "b";

  absl::StatusOr<UniqueFd> opened = OpenStoreDirectory(dir);

  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->valid());
  EXPECT_EQ(fs::status(dir).permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir.parent_path()).permissions(), fs::perms::owner_all);
}

TEST(StoreDirectoryTest, AcceptsAnExistingDirectoryOnlyTheServiceUserWrites) {
  const fs::path dir = TestDirectory() / "store";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);

  EXPECT_TRUE(OpenStoreDirectory(dir).ok());
}

TEST(StoreDirectoryTest, RefusesAPreCreatedWorldWritableDirectory) {
  const fs::path dir = TestDirectory() / "store";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::all);

  EXPECT_THAT(
      MessageOf(dir),
      HasSubstr(dir.string() + " is writable by group or others (mode 0777)"));
}

TEST(StoreDirectoryTest, RefusesAGroupWritableDirectory) {
  const fs::path dir = TestDirectory() / "store";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_all);

  EXPECT_THAT(MessageOf(dir), HasSubstr("(mode 0770)"));
}

TEST(StoreDirectoryTest, RefusesADirectoryAnotherUserOwns) {
  const fs::path dir = TestDirectory() / "store";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all);
  GiveAway(dir);

  EXPECT_THAT(MessageOf(dir),
              HasSubstr(dir.string() + " is owned by uid 65534, not by the "
                                       "service user"));
}

TEST(StoreDirectoryTest, RefusesAFolderAboveTheStoreThatAnotherUserOwns) {
  // The attack on the old default: someone creates /var/tmp/tributary first.
  const fs::path parent = TestDirectory() / "tributary";
  fs::create_directory(parent);
  GiveAway(parent);

  EXPECT_THAT(MessageOf(parent / "blobs"),
              HasSubstr(parent.string() +
                        " (above the blob store) is owned by uid 65534"));
  EXPECT_FALSE(fs::exists(parent / "blobs"));
}

TEST(StoreDirectoryTest, RefusesASymbolicLinkOnTheWay) {
  const fs::path root = TestDirectory();
  fs::create_directories(root / "real" / "store");
  fs::create_directory_symlink(root / "real", root / "link");

  EXPECT_THAT(MessageOf(root / "link" / "store"),
              HasSubstr((root / "link").string() + " is a symbolic link"));
}

TEST(StoreDirectoryTest, RefusesAStoreThatIsASymbolicLink) {
  const fs::path root = TestDirectory();
  fs::create_directory(root / "real");
  fs::create_directory_symlink(root / "real", root / "store");

  EXPECT_THAT(MessageOf(root / "store"),
              HasSubstr((root / "store").string() + " is a symbolic link"));
}

TEST(StoreDirectoryTest, FailsNamingTheDirectoryWhenAFileIsOnTheWay) {
  const fs::path root = TestDirectory();
  ASSERT_EQ(::close(::creat((root / "file").c_str(), 0600)), 0);

  EXPECT_THAT(
      MessageOf(root / "file" / "store"),
      HasSubstr((root / "file" / "store").string() + ": Not a directory"));
}

}  // namespace
}  // namespace tributary::cache
