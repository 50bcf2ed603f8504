#include "service/cache/dir_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;

class DirFdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("TEST_TMPDIR");
    dir_ = fs::path(root != nullptr ? root : "/tmp") / "dir_fd_test" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "inside");
    fs::create_directories(dir_ / "outside");
    std::ofstream(dir_ / "outside" / "precious") << "keep me";
    fd_ = OpenDirectoryAt(AT_FDCWD, (dir_ / "inside").string());
    ASSERT_EQ(fd_.error, 0);
  }

  int inside() const { return fd_.fd.get(); }

  fs::path dir_;
  Opened fd_;
};

TEST_F(DirFdTest, RemovingATreeRemovesLinksNotWhatTheyPointAt) {
  fs::create_directories(dir_ / "inside" / "tree" / "deeper");
  fs::create_directory_symlink(dir_ / "outside",
                               dir_ / "inside" / "tree" / "link");
  fs::create_directory_symlink(dir_ / "outside",
                               dir_ / "inside" / "tree" / "deeper" / "link");

  EXPECT_EQ(RemoveTreeAt(inside(), "tree"), 0);

  EXPECT_FALSE(fs::exists(dir_ / "inside" / "tree"));
  EXPECT_TRUE(fs::exists(dir_ / "outside" / "precious"));
}

TEST_F(DirFdTest, ATopLevelLinkIsRemovedItself) {
  fs::create_directory_symlink(dir_ / "outside", dir_ / "inside" / "link");

  EXPECT_EQ(RemoveTreeAt(inside(), "link"), 0);

  EXPECT_FALSE(fs::is_symlink(dir_ / "inside" / "link"));
  EXPECT_TRUE(fs::exists(dir_ / "outside" / "precious"));
}

TEST_F(DirFdTest, OpeningADirectoryNeverFollowsALink) {
  fs::create_directory_symlink(dir_ / "outside", dir_ / "inside" / "link");

  // Linux says ENOTDIR (O_DIRECTORY is checked first); either way, refused.
  const int error = OpenDirectoryAt(inside(), "link").error;
  EXPECT_TRUE(error == ENOTDIR || error == ELOOP) << error;
  EXPECT_EQ(OpenDirectoryAt(inside(), "missing").error, ENOENT);
}

TEST_F(DirFdTest, ReplacingWithADirectoryRemovesALinkOrAFile) {
  fs::create_directory_symlink(dir_ / "outside", dir_ / "inside" / "link");
  std::ofstream(dir_ / "inside" / "file") << "x";

  for (const char* name : {"link", "file", "fresh"}) {
    Opened made = ReplaceWithDirectoryAt(inside(), name);
    EXPECT_EQ(made.error, 0) << name;
    EXPECT_TRUE(fs::is_directory(fs::symlink_status(dir_ / "inside" / name)))
        << name;
    EXPECT_EQ(fs::status(dir_ / "inside" / name).permissions(),
              fs::perms::owner_all)
        << name;
  }
  EXPECT_TRUE(fs::exists(dir_ / "outside" / "precious"));
}

TEST_F(DirFdTest, OpeningAFileRefusesALinkAndWhatIsNotARegularFile) {
  fs::create_symlink(dir_ / "outside" / "precious", dir_ / "inside" / "link");
  ASSERT_EQ(::mkfifo((dir_ / "inside" / "fifo").c_str(), 0600), 0);

  EXPECT_EQ(OpenFileAt(inside(), "link", O_RDONLY).error, ELOOP);
  // A FIFO is refused at once, not waited on for a writer.
  EXPECT_EQ(OpenFileAt(inside(), "fifo", O_RDONLY).error, EINVAL);
}

TEST_F(DirFdTest, CreatedFilesAreTheOwnersOnly) {
  Opened created = OpenFileAt(inside(), "new", O_WRONLY | O_CREAT | O_EXCL);
  ASSERT_EQ(created.error, 0);
  EXPECT_EQ(fs::status(dir_ / "inside" / "new").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(DirFdTest, ListingShowsEntriesAsTheyAreNotWhereTheyPoint) {
  fs::create_directory_symlink(dir_ / "outside", dir_ / "inside" / "link");
  std::ofstream(dir_ / "inside" / "file") << "four";
  std::vector<DirEntry> entries;

  ASSERT_EQ(ListDirectory(inside(), entries), 0);
  // Listed twice from one descriptor: the second listing starts at the top.
  std::vector<DirEntry> again;
  ASSERT_EQ(ListDirectory(inside(), again), 0);

  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(again.size(), 2u);
  for (const DirEntry& entry : entries) {
    if (entry.name == "link") {
      EXPECT_EQ(entry.type, static_cast<mode_t>(S_IFLNK));
    } else {
      EXPECT_EQ(entry.name, "file");
      EXPECT_EQ(entry.type, static_cast<mode_t>(S_IFREG));
      EXPECT_EQ(entry.size, 4);
    }
  }
}

}  // namespace
}  // namespace tributary::cache
