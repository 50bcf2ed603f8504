#include "client/frontend/htpasswd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace tributary::frontend {
namespace {

using ::testing::HasSubstr;
using tributary::testing::RunCommand;

class HtpasswdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = tributary::testing::MakeTempDir(
        tributary::testing::TestTempDir(), "htpasswd");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
  }

  // A file written by the real tool, as operators make them.
  std::string HtpasswdB(const std::string& user, const std::string& password) {
    const std::string path = dir_ + "/htpasswd";
    auto result =
        RunCommand({"htpasswd", "-B", "-b", "-c", path, user, password},
                   absl::Seconds(20));
    EXPECT_TRUE(result.ok() && result->exit_code == 0)
        << (result.ok() ? result->output : result.status().ToString());
    return path;
  }

  std::string Write(const std::string& contents) {
    const std::string path = dir_ + "/custom";
    EXPECT_TRUE(tributary::testing::WriteFile(path, contents).ok());
    return path;
  }

  static std::string Basic(const std::string& user_password) {
    return "Basic " + absl::Base64Escape(user_password);
  }

  std::string dir_;
};

TEST_F(HtpasswdTest, AcceptsTheRightPasswordFromHtpasswdB) {
  auto htpasswd = Htpasswd::Load(HtpasswdB("puller", "s3cret"));
  ASSERT_TRUE(htpasswd.ok()) << htpasswd.status();
  std::string user;
  EXPECT_TRUE((*htpasswd)->Check(Basic("puller:s3cret"), user));
  EXPECT_EQ(user, "puller");
  // Remembered now: the second check takes the fast path and still says yes.
  EXPECT_TRUE((*htpasswd)->Check(Basic("puller:s3cret"), user));
}

TEST_F(HtpasswdTest, RefusesWrongPasswordsUnknownUsersAndMalformedHeaders) {
  auto htpasswd = Htpasswd::Load(HtpasswdB("puller", "s3cret"));
  ASSERT_TRUE(htpasswd.ok()) << htpasswd.status();
  std::string user;
  for (const std::string& header :
       {Basic("puller:wrong"), Basic("other:s3cret"), Basic("puller"),
        std::string("Basic !!!notbase64"), std::string("Bearer abc"),
        std::string(""), Basic("puller:s3cret ")}) {
    EXPECT_FALSE((*htpasswd)->Check(header, user)) << header;
  }
}

TEST_F(HtpasswdTest, RefusesFilesWithoutBcryptNamingFileAndLine) {
  const std::string path = Write("# users\nold:$apr1$abc$def\n");
  auto htpasswd = Htpasswd::Load(path);
  ASSERT_FALSE(htpasswd.ok());
  EXPECT_THAT(std::string(htpasswd.status().message()),
              HasSubstr("htpasswd_file " + path + " line 2: not a bcrypt"));
  EXPECT_FALSE(Htpasswd::Load(Write("\n# nobody\n")).ok());
  EXPECT_FALSE(Htpasswd::Load(Write("nocolon\n")).ok());
  EXPECT_FALSE(Htpasswd::Load(dir_ + "/missing").ok());
}

TEST(ParseHtpasswdTest, ReadsUsersAndHashesSkippingCommentsAndBlankLines) {
  auto users = ParseHtpasswd(
      "# users\n\n  puller:$2y$05$abc  \npusher:$2b$05$def\n", "f");
  ASSERT_TRUE(users.ok()) << users.status();
  EXPECT_EQ(users->size(), 2u);
  EXPECT_EQ(users->at("puller"), "$2y$05$abc");
  EXPECT_EQ(users->at("pusher"), "$2b$05$def");
}

TEST(ParseHtpasswdTest, NamesTheSourceAndLineOfABadLine) {
  auto users = ParseHtpasswd("a:$2y$05$abc\n:$2y$05$abc\n", "/etc/h");
  ASSERT_FALSE(users.ok());
  EXPECT_THAT(std::string(users.status().message()),
              HasSubstr("htpasswd_file /etc/h line 2: not USER:HASH"));
  EXPECT_FALSE(ParseHtpasswd("# nobody\n", "f").ok());
}

}  // namespace
}  // namespace tributary::frontend
