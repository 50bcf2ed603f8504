#include "client/image_reference.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::client {
namespace {

using ::testing::HasSubstr;

constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct GoodCase {
  std::string text;
  std::string host;
  std::string repository;
  std::string tag;
  std::string digest;
};

TEST(ParseImageReferenceTest, SplitsReferencesAsUsersWriteThem) {
  const std::string d = kDigest;
  const GoodCase cases[] = {
      {"alpine", "", "alpine", "latest", ""},
      {"alpine:3.20", "", "alpine", "3.20", ""},
      {"library/alpine:3.20", "", "library/alpine", "3.20", ""},
      {"org/team/app:v1_2-rc.3", "", "org/team/app", "v1_2-rc.3", ""},
      {"alpine@" + d, "", "alpine", "", d},
      {"alpine:3.20@" + d, "", "alpine", "3.20", d},
      {"ghcr.io/org/app@" + d, "ghcr.io", "org/app", "", d},
      {"ghcr.io/org/app", "ghcr.io", "org/app", "latest", ""},
      {"localhost:5000/app:v1", "localhost:5000", "app", "v1", ""},
      {"localhost/app", "localhost", "app", "latest", ""},
      {"docker.io/library/alpine", "docker.io", "library/alpine", "latest", ""},
      {"[::1]:5000/app:v1", "[::1]:5000", "app", "v1", ""},
      // Docker reads a colon before a slash as a host port.
      {"alpine:5000/app", "alpine:5000", "app", "latest", ""},
      {"my-registry.example:443/a/b/c:Tag", "my-registry.example:443", "a/b/c",
       "Tag", ""},
  };
  for (const GoodCase& c : cases) {
    absl::StatusOr<ImageReference> parsed = ParseImageReference(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status();
    EXPECT_EQ(parsed->registry_host, c.host) << c.text;
    EXPECT_EQ(parsed->repository, c.repository) << c.text;
    EXPECT_EQ(parsed->tag, c.tag) << c.text;
    EXPECT_EQ(parsed->digest, c.digest) << c.text;
  }
}

struct BadCase {
  std::string text;
  std::string reason;  // A substring of the error.
};

TEST(ParseImageReferenceTest, RefusesBadReferencesSayingWhy) {
  const BadCase cases[] = {
      {"", "empty"},
      {"Alpine", "Alpine"},
      {"alpine:", "tag"},
      {"alpine:-dash", "tag"},
      {"alpine:a+b", "tag"},
      {"alpine@sha256:abc", "sha256"},
      {"alpine@md5:0123", "md5"},
      {"alpine@", "\"alpine@\""},
      {"org//app", "org//app"},
      {"ghcr.io/", "ghcr.io/"},
      {"ghcr.io/Org/app", "Org"},
      {"host_name.io/app", "host_name.io"},
      {"ghcr.io:0/app", "port"},
      {"Registry/app", "upper-case"},
      {"GHCR.io/org/app", "upper-case"},
      {"999.1.2.3:5000/app", "IPv4"},
      {"/app", "/app"},
      {"app/", "app/"},
      {std::string(300, 'a'), "255"},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<ImageReference> parsed = ParseImageReference(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("image reference"));
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.reason)) << c.text;
  }
}

TEST(ParseImageReferenceTest, AskForTheDigestWhenBothTagAndDigestAreGiven) {
  auto parsed = ParseImageReference(std::string("app:1.0@") + kDigest);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->manifest_reference(), kDigest);
  EXPECT_EQ(parsed->ToString(), std::string("app:1.0@") + kDigest);
}

TEST(ParseImageReferenceTest, AskForTheTagWhenNoDigestIsGiven) {
  auto parsed = ParseImageReference("ghcr.io/org/app");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->manifest_reference(), "latest");
  EXPECT_EQ(parsed->ToString(), "org/app:latest");
}

TEST(ParseRepositoryNameTest, SplitsAnOptionalRegistryHost) {
  auto plain = ParseRepositoryName("library/alpine");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->registry_host, "");
  EXPECT_EQ(plain->repository, "library/alpine");
  auto hosted = ParseRepositoryName("localhost:5000/demo/app");
  ASSERT_TRUE(hosted.ok()) << hosted.status();
  EXPECT_EQ(hosted->registry_host, "localhost:5000");
  EXPECT_EQ(hosted->repository, "demo/app");
}

TEST(ParseRepositoryNameTest, RefusesATagOrDigest) {
  const std::vector<std::string> cases = {
      "alpine:3.20", std::string("alpine@") + kDigest, "Alpine", ""};
  for (const std::string& text : cases) {
    auto parsed = ParseRepositoryName(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("invalid repository"));
  }
}

}  // namespace
}  // namespace tributary::client
