#include "client/blob_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tributary::client {
namespace {

using ::testing::HasSubstr;

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir =
        std::string(tmp == nullptr ? "/tmp" : tmp) + "/file_sink_XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    path_ = dir + "/blob";
  }

  std::string path_;
};

TEST_F(FileSinkTest, CommitPutsTheBytesAtThePath) {
  auto sink = FileSink::Create(path_);
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_TRUE((*sink)->Write("hello, ").ok());
  ASSERT_TRUE((*sink)->Write("world").ok());
  EXPECT_FALSE(Exists(path_));
  ASSERT_TRUE((*sink)->Commit().ok());
  EXPECT_EQ(Contents(path_), "hello, world");
  EXPECT_FALSE(Exists((*sink)->partial_path()));
}

TEST_F(FileSinkTest, WritesGoToAPartialFileBesideThePath) {
  auto sink = FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("x").ok());
  EXPECT_THAT((*sink)->partial_path(), HasSubstr(path_ + ".partial-"));
  EXPECT_TRUE(Exists((*sink)->partial_path()));
}

TEST_F(FileSinkTest, AbortRemovesThePartialFile) {
  auto sink = FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("corrupt").ok());
  (*sink)->Abort(absl::DataLossError("digest mismatch"));
  EXPECT_FALSE(Exists((*sink)->partial_path()));
  EXPECT_FALSE(Exists(path_));
}

TEST_F(FileSinkTest, AbortLeavesAnExistingFileAlone) {
  std::ofstream(path_) << "previous";
  auto sink = FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("corrupt").ok());
  (*sink)->Abort(absl::DataLossError("digest mismatch"));
  EXPECT_EQ(Contents(path_), "previous");
}

TEST_F(FileSinkTest, DestroyingAnUnfinishedSinkRemovesThePartialFile) {
  std::string partial;
  {
    auto sink = FileSink::Create(path_);
    ASSERT_TRUE(sink.ok());
    partial = (*sink)->partial_path();
    ASSERT_TRUE((*sink)->Write("x").ok());
  }
  EXPECT_FALSE(Exists(partial));
  EXPECT_FALSE(Exists(path_));
}

TEST_F(FileSinkTest, CommittedFileIsReadableByOthers) {
  auto sink = FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Commit().ok());
  struct stat info;
  ASSERT_EQ(::stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(FileSinkTest, AMissingDirectoryIsNotFoundNamingThePath) {
  auto sink = FileSink::Create(path_ + "/no/such/dir/blob");
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(sink.status().message(), HasSubstr("no/such/dir"));
}

TEST(CallbackSinkTest, PassesBytesOnAndReportsTheOutcome) {
  std::string received;
  absl::Status outcome = absl::UnknownError("not called");
  CallbackSink sink(
      [&](absl::string_view bytes) {
        received.append(bytes.data(), bytes.size());
        return absl::OkStatus();
      },
      [&](const absl::Status& status) { outcome = status; });
  ASSERT_TRUE(sink.Write("ab").ok());
  ASSERT_TRUE(sink.Write("c").ok());
  ASSERT_TRUE(sink.Commit().ok());
  EXPECT_EQ(received, "abc");
  EXPECT_TRUE(outcome.ok());
  sink.Abort(absl::DataLossError("bad"));
  EXPECT_EQ(outcome.code(), absl::StatusCode::kDataLoss);
}

TEST(CallbackSinkTest, ACallbackErrorIsTheWriteError) {
  CallbackSink sink(
      [](absl::string_view) { return absl::CancelledError("enough"); });
  EXPECT_EQ(sink.Write("x").code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace tributary::client
