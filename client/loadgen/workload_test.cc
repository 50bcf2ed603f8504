#include "client/loadgen/workload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::client::loadgen {
namespace {

using ::testing::HasSubstr;

constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(ParseCallSpecTest, ReadsGetManifestWithAReference) {
  auto spec = ParseCallSpec("GetManifest library/demo:latest");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->rpc, Rpc::kGetManifest);
  EXPECT_EQ(spec->get_manifest.repository(), "library/demo");
  EXPECT_EQ(spec->get_manifest.reference(), "latest");
  EXPECT_EQ(spec->text, "GetManifest library/demo:latest");
}

TEST(ParseCallSpecTest, ReadsHeadManifestByDigest) {
  auto spec = ParseCallSpec(std::string("HeadManifest  app@") + kDigest);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->rpc, Rpc::kHeadManifest);
  EXPECT_EQ(spec->head_manifest.repository(), "app");
  EXPECT_EQ(spec->head_manifest.reference(), kDigest);
}

TEST(ParseCallSpecTest, ReadsHeadBlobAndListTags) {
  auto blob = ParseCallSpec(std::string("HeadBlob demo/app ") + kDigest);
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->rpc, Rpc::kHeadBlob);
  EXPECT_EQ(blob->head_blob.repository(), "demo/app");
  EXPECT_EQ(blob->head_blob.digest(), kDigest);
  auto tags = ParseCallSpec("ListTags demo/app");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->rpc, Rpc::kListTags);
  EXPECT_EQ(tags->list_tags.repository(), "demo/app");
}

TEST(ParseCallSpecTest, ARegistryHostSetsTheSourceRegistry) {
  auto manifest = ParseCallSpec("GetManifest ghcr.io/org/app:v1");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->get_manifest.registry(), "ghcr.io");
  EXPECT_EQ(manifest->get_manifest.repository(), "org/app");
  auto head = ParseCallSpec("HeadManifest localhost:5000/app");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->head_manifest.registry(), "localhost:5000");
  auto blob = ParseCallSpec(std::string("HeadBlob quay.io/org/app ") + kDigest);
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->head_blob.registry(), "quay.io");
  EXPECT_EQ(blob->head_blob.repository(), "org/app");
  auto tags = ParseCallSpec("ListTags ghcr.io/org/app");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->list_tags.registry(), "ghcr.io");
  auto plain = ParseCallSpec("ListTags org/app");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->list_tags.registry(), "");
}

TEST(ParseCallSpecTest, RefusesMalformedCallsSayingWhy) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {"GetBlob demo/app x", "unknown RPC \"GetBlob\""},
      {"GetManifest", "takes one REF"},
      {"GetManifest a b", "takes one REF"},
      {"HeadBlob demo/app", "REPO DIGEST"},
      {"ListTags", "one REPO"},
      {"GetManifest ghcr_io.x/org/app", "registry \"ghcr_io.x\""},
      {"ListTags GHCR.io/org/app", "upper-case"},
      {"GetManifest Bad", "Bad"},
      {"ListTags app:tag", "no tag"},
  };
  for (const auto& [text, why] : cases) {
    auto spec = ParseCallSpec(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(spec.status().message(), HasSubstr(why)) << text;
  }
}

}  // namespace
}  // namespace tributary::client::loadgen
