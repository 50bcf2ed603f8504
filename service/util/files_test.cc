#include "service/util/files.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace tributary::util {
namespace {

std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(ReadFileToStringTest, ReadsTheWholeFile) {
  // Larger than one read buffer, and with a NUL byte.
  std::string contents(100000, 'x');
  contents[5] = '\0';
  const std::string path = WriteFile("whole", contents);
  const absl::StatusOr<std::string> read = ReadFileToString(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, contents);
}

TEST(ReadFileToStringTest, ReadsAnEmptyFile) {
  const absl::StatusOr<std::string> read =
      ReadFileToString(WriteFile("empty", ""));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "");
}

TEST(ReadFileToStringTest, AMissingFileIsNotFoundNamingThePathAndReason) {
  const absl::StatusOr<std::string> read =
      ReadFileToString("/nonexistent/file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(),
            "/nonexistent/file: No such file or directory");
}

TEST(ReadFileToStringTest, ADirectoryFailsNamingThePathAndReason) {
  const absl::StatusOr<std::string> read =
      ReadFileToString(::testing::TempDir());
  EXPECT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(), ::testing::TempDir() + ": Is a directory");
}

TEST(ReadFileToStringTest, ReadsAFileOfExactlyTheLimit) {
  const absl::StatusOr<std::string> read =
      ReadFileToString(WriteFile("limit", "12345"), 5);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "12345");
}

TEST(ReadFileToStringTest, AFilePastTheLimitIsOutOfRange) {
  const std::string path = WriteFile("big", "123456");
  const absl::StatusOr<std::string> read = ReadFileToString(path, 5);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(read.status().message(), path + ": larger than 5 bytes");
}

TEST(ReadFileToStringTest, StopsReadingAnEndlessFileAtTheLimit) {
  const absl::StatusOr<std::string> read =
      ReadFileToString("/dev/zero", 1 << 20);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace tributary::util
