#include "bench/soak_catalog.h"

#include <string>

#include "gtest/gtest.h"

namespace tributary::bench {
namespace {

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

TEST(KindOfTest, SoakRepositoriesAreHealthy) {
  absl::StatusOr<RepositoryKind> kind = KindOf("soak/app");
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_EQ(kind->placement, Placement::kHealthy);
  EXPECT_EQ(kind->fault, FaultMode::kNone);
}

TEST(KindOfTest, MixedRepositoriesAskTheFaultUpstreamFirst) {
  absl::StatusOr<RepositoryKind> kind = KindOf("mixed/503/app");
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_EQ(kind->placement, Placement::kFaultyFirst);
  EXPECT_EQ(kind->fault, FaultMode::kUnavailable);
  EXPECT_EQ(KindLabel(*kind), "mixed/503");
}

TEST(KindOfTest, FaultRepositoriesAreOnTheFaultUpstreamOnly) {
  const struct {
    std::string repository;
    FaultMode fault;
  } kCases[] = {
      {"fault/reset/a", FaultMode::kReset},
      {"fault/503/a", FaultMode::kUnavailable},
      {"fault/429/a", FaultMode::kRateLimited},
      {"fault/digest/a", FaultMode::kWrongDigest},
      {"fault/hang/a/b", FaultMode::kHang},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<RepositoryKind> kind = KindOf(c.repository);
    ASSERT_TRUE(kind.ok()) << c.repository << ": " << kind.status();
    EXPECT_EQ(kind->placement, Placement::kFaultyOnly) << c.repository;
    EXPECT_EQ(kind->fault, c.fault) << c.repository;
  }
}

TEST(KindOfTest, RefusesNamesOutsideTheScheme) {
  for (const char* name : {"app", "soak", "fault/app", "fault/418/app",
                           "mixed/503", "other/503/app"}) {
    EXPECT_EQ(KindOf(name).status().code(), absl::StatusCode::kInvalidArgument)
        << name;
  }
}

TEST(ParseCatalogTest, ReadsImagesBlobsAndSortedTags) {
  absl::StatusOr<Catalog> catalog = ParseCatalog(
      "# a comment\n"
      "image soak/app v2 " +
      kDigestA +
      " 500\n"
      "\n"
      "image soak/app v1 " +
      kDigestB +
      " 501  # trailing comment\n"
      "blob fault/reset/app " +
      kDigestA + " 1048576\n");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ(catalog->images.size(), 2u);
  EXPECT_EQ(catalog->images[0].tag, "v2");
  EXPECT_EQ(catalog->images[0].digest, kDigestA);
  EXPECT_EQ(catalog->images[1].size, 501);
  ASSERT_EQ(catalog->blobs.size(), 1u);
  EXPECT_EQ(catalog->blobs[0].size, 1048576);
  EXPECT_EQ(catalog->blobs[0].kind.fault, FaultMode::kReset);
  EXPECT_EQ(catalog->tags.at("soak/app"),
            (std::vector<std::string>{"v1", "v2"}));
}

TEST(ParseCatalogTest, NamesTheLineOfABadEntry) {
  const struct {
    std::string text;
    std::string message;
  } kCases[] = {
      {"image soak/app v1 sha256:12 5\n", "line 1: bad digest"},
      {"\nblob soak/app " + kDigestA + " -1\n", "line 2: bad size"},
      {"blob nowhere/app " + kDigestA + " 1\n", "line 1: repository"},
      {"layer soak/app " + kDigestA + " 1\n", "line 1: want"},
      {"image soak/app v1 " + kDigestA + "\n", "line 1: want"},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<Catalog> catalog = ParseCatalog(c.text);
    EXPECT_EQ(catalog.status().code(), absl::StatusCode::kInvalidArgument)
        << c.text;
    EXPECT_NE(catalog.status().message().find(c.message), std::string::npos)
        << catalog.status();
  }
}

}  // namespace
}  // namespace tributary::bench
