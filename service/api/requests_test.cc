#include "service/api/requests.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::api {
namespace {

using google::protobuf::RepeatedPtrField;

constexpr char kSha256[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kSha512[] =
    "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

const absl::Time kDeadline = absl::FromUnixSeconds(1700000000);

RepeatedPtrField<std::string> MediaTypes(
    const std::vector<std::string>& types) {
  return RepeatedPtrField<std::string>(types.begin(), types.end());
}

v1::ListTagsRequest TagsRequest(const std::string& repository, int page_size,
                                const std::string& last) {
  v1::ListTagsRequest request;
  request.set_repository(repository);
  request.set_page_size(page_size);
  request.set_last(last);
  return request;
}

// Checks that `status` is INVALID_ARGUMENT, names the problem, and cannot
// split a log line.
void ExpectInvalid(const absl::Status& status,
                   const std::vector<std::string>& fragments) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (const std::string& fragment : fragments) {
    EXPECT_TRUE(absl::StrContains(status.message(), fragment))
        << "message lacks \"" << fragment << "\": " << status;
  }
  EXPECT_FALSE(absl::StrContains(status.message(), "\r")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "\n")) << status;
}

// An invalid repository name and what its error message must say.
struct BadRepository {
  std::string name;
  std::vector<std::string> fragments;
};

std::vector<BadRepository> BadRepositories() {
  return {
      {"", {"repository", "must not be empty"}},
      {"..", {"repository", "\"..\"", "not allowed"}},
      {"library/../etc", {"repository", "\"..\"", "not allowed"}},
      {"./alpine", {"repository", "\".\"", "not allowed"}},
      {"Alpine", {"repository", "upper-case"}},
      {"library/Alpine", {"repository", "upper-case"}},
      {"alpine\r\nX-Injected: 1", {"repository", "'\\r'", "not allowed"}},
      {"alpine\n", {"repository", "'\\n'", "not allowed"}},
      {"library//alpine", {"repository", "empty path component"}},
      {"/alpine", {"repository", "empty path component"}},
      {"alpine/", {"repository", "empty path component"}},
      {"al pine", {"repository", "' '", "not allowed"}},
      {"alpine:3.20", {"repository", "':'", "not allowed"}},
      {"-alpine", {"repository", "must start and end"}},
      {"a..b", {"repository", "separator"}},
      {std::string(256, 'a'), {"repository", "the limit is 255"}},
  };
}

TEST(ToManifestQueryTest, AcceptsValidRequests) {
  struct Case {
    std::string repository;
    std::string reference;
    bool is_digest;
  };
  const std::vector<Case> cases = {
      {"alpine", "latest", false},
      {"library/alpine", "3.20", false},
      {"ghcr.io-mirror/owner/app", "v1.2.3_rc-1", false},
      {"a/b/c/d", "_underscore", false},
      {"library/alpine", kSha256, true},
      {"library/alpine", kSha512, true},
      {std::string(255, 'a'), std::string(128, 'T'), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.repository + " " + c.reference);
    absl::StatusOr<resolve::ManifestQuery> query =
        ToManifestQuery(c.repository, c.reference, {}, kDeadline);
    ASSERT_TRUE(query.ok()) << query.status();
    EXPECT_EQ(query->repository, c.repository);
    EXPECT_EQ(query->reference.str(), c.reference);
    EXPECT_EQ(query->reference.is_digest(), c.is_digest);
  }
}

TEST(ToManifestQueryTest, UsesDefaultAcceptListWhenNoneGiven) {
  absl::StatusOr<resolve::ManifestQuery> query =
      ToManifestQuery("alpine", "latest", {}, kDeadline);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->accept, oci::DefaultManifestMediaTypes());
  EXPECT_FALSE(query->accept.empty());
}

TEST(ToManifestQueryTest, KeepsAcceptedMediaTypesInCallerOrder) {
  const std::vector<std::string> types = {
      std::string(oci::kDockerManifestV2),
      std::string(oci::kOciManifest),
      "application/vnd.example.thing.v1+json",
  };
  absl::StatusOr<resolve::ManifestQuery> query =
      ToManifestQuery("alpine", "latest", MediaTypes(types), kDeadline);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->accept, types);
}

TEST(ToManifestQueryTest, PassesDeadlineThrough) {
  for (absl::Time deadline :
       {kDeadline, absl::InfiniteFuture(), absl::UnixEpoch()}) {
    absl::StatusOr<resolve::ManifestQuery> query =
        ToManifestQuery("alpine", "latest", {}, deadline);
    ASSERT_TRUE(query.ok()) << query.status();
    EXPECT_EQ(query->deadline, deadline);
  }
}

TEST(ToManifestQueryTest, RejectsBadRepositoryNamingTheProblem) {
  for (const BadRepository& c : BadRepositories()) {
    SCOPED_TRACE(absl::CHexEscape(c.name));
    ExpectInvalid(ToManifestQuery(c.name, "latest", {}, kDeadline).status(),
                  c.fragments);
  }
}

TEST(ToManifestQueryTest, RejectsBadReferenceNamingTheProblem) {
  struct Case {
    std::string reference;
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {"", {"must not be empty"}},
      {"bad tag", {"tag", "' '", "not allowed"}},
      {"-leading-dash", {"tag", "must start"}},
      {".hidden", {"tag", "must start"}},
      {"v1\r\nX-Injected: 1", {"tag", "'\\r'"}},
      {std::string(129, 'a'), {"tag", "the limit is 128"}},
      {"sha256:abc", {"digest", "needs 64 hex digits"}},
      {"sha256:"
       "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
       {"digest", "upper-case"}},
      {"md5:d41d8cd98f00b204e9800998ecf8427e",
       {"digest", "unsupported algorithm"}},
      {"sha512:abc", {"digest", "needs 128 hex digits"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::CHexEscape(c.reference));
    ExpectInvalid(
        ToManifestQuery("alpine", c.reference, {}, kDeadline).status(),
        c.fragments);
  }
}

TEST(ToManifestQueryTest, RejectsBadAcceptedMediaTypeNamingItsIndex) {
  const std::vector<std::string> bad = {
      "",
      "application/json; q=0.9",
      "application/json, text/plain",
      "*/*",
      "application/*",
      "application",
      "application/vnd.oci.image.manifest.v1+json\r\nX-Injected: 1",
      "application/x+",
      std::string(256, 'a'),
  };
  for (const std::string& type : bad) {
    SCOPED_TRACE(absl::CHexEscape(type));
    const absl::Status status =
        ToManifestQuery("alpine", "latest",
                        MediaTypes({std::string(oci::kOciManifest), type}),
                        kDeadline)
            .status();
    ExpectInvalid(status, {"accepted_media_types[1]", "media type"});
  }
}

TEST(ToManifestQueryTest, AcceptsAtMostThirtyTwoMediaTypes) {
  const std::vector<std::string> limit(32, std::string(oci::kOciManifest));
  EXPECT_TRUE(
      ToManifestQuery("alpine", "latest", MediaTypes(limit), kDeadline).ok());

  const std::vector<std::string> too_many(33, std::string(oci::kOciManifest));
  ExpectInvalid(
      ToManifestQuery("alpine", "latest", MediaTypes(too_many), kDeadline)
          .status(),
      {"accepted_media_types", "at most 32"});
}

TEST(ToBlobQueryTest, AcceptsValidRequests) {
  for (const char* digest : {kSha256, kSha512}) {
    absl::StatusOr<resolve::BlobQuery> query =
        ToBlobQuery("library/alpine", digest, kDeadline);
    ASSERT_TRUE(query.ok()) << query.status();
    EXPECT_EQ(query->repository, "library/alpine");
    EXPECT_EQ(query->digest.str(), digest);
    EXPECT_EQ(query->deadline, kDeadline);
  }
}

TEST(ToBlobRequestTest, RejectsARangeWhoseEndOverflows) {
  v1::GetBlobRequest request;
  request.set_repository("library/alpine");
  request.set_digest(kSha256);
  request.set_offset(10);
  request.set_length(std::numeric_limits<int64_t>::max());
  ExpectInvalid(ToBlobRequest(request, kDeadline).status(),
                {"offset + length", "past the largest byte offset"});
}

TEST(ToBlobRequestTest, AcceptsARangeEndingAtTheLargestOffset) {
  v1::GetBlobRequest request;
  request.set_repository("library/alpine");
  request.set_digest(kSha256);
  request.set_offset(10);
  request.set_length(std::numeric_limits<int64_t>::max() - 10);
  EXPECT_TRUE(ToBlobRequest(request, kDeadline).ok());
}

TEST(ToBlobQueryTest, RejectsBadRepositoryNamingTheProblem) {
  for (const BadRepository& c : BadRepositories()) {
    SCOPED_TRACE(absl::CHexEscape(c.name));
    ExpectInvalid(ToBlobQuery(c.name, kSha256, kDeadline).status(),
                  c.fragments);
  }
}

TEST(ToBlobQueryTest, RejectsBadDigestNamingTheProblem) {
  struct Case {
    std::string digest;
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {"", {"digest"}},
      {"latest", {"digest"}},
      {"sha256:", {"digest", "needs 64 hex digits"}},
      {"sha256:abc", {"digest", "needs 64 hex digits"}},
      {"sha256:"
       "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
       {"digest", "upper-case"}},
      {"sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
       {"digest", "unsupported algorithm"}},
      {std::string(kSha256) + "\r\n", {"digest", "'\\r'"}},
      {std::string(kSha256) + "0", {"digest", "needs 64 hex digits"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::CHexEscape(c.digest));
    ExpectInvalid(ToBlobQuery("alpine", c.digest, kDeadline).status(),
                  c.fragments);
  }
}

TEST(ToTagsQueryTest, AcceptsValidRequests) {
  struct Case {
    std::string repository;
    int page_size;
    std::string last;
  };
  const std::vector<Case> cases = {
      {"alpine", 0, ""},
      {"library/alpine", 100, ""},
      {"library/alpine", 0, "3.19"},
      {"owner/app", 10000, "v1.2.3_rc-1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(
        absl::StrCat(c.repository, " n=", c.page_size, " last=", c.last));
    absl::StatusOr<resolve::TagsQuery> query =
        ToTagsQuery(TagsRequest(c.repository, c.page_size, c.last), kDeadline);
    ASSERT_TRUE(query.ok()) << query.status();
    EXPECT_EQ(query->repository, c.repository);
    EXPECT_EQ(query->page_size, c.page_size);
    EXPECT_EQ(query->last, c.last);
    EXPECT_EQ(query->deadline, kDeadline);
  }
}

TEST(ToTagsQueryTest, RejectsBadRepositoryNamingTheProblem) {
  for (const BadRepository& c : BadRepositories()) {
    SCOPED_TRACE(absl::CHexEscape(c.name));
    ExpectInvalid(ToTagsQuery(TagsRequest(c.name, 0, ""), kDeadline).status(),
                  c.fragments);
  }
}

TEST(ToTagsQueryTest, RejectsPageSizeOutOfRange) {
  for (int page_size : {-1, -100, 10001, 2147483647}) {
    SCOPED_TRACE(page_size);
    ExpectInvalid(
        ToTagsQuery(TagsRequest("alpine", page_size, ""), kDeadline).status(),
        {"page_size", absl::StrCat("got ", page_size)});
  }
}

TEST(ToTagsQueryTest, RejectsBadLastNamingTheField) {
  struct Case {
    std::string last;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"bad tag", "not allowed"},
      {"-v1", "must start"},
      {"v1\r\nX-Injected: 1", "'\\r'"},
      {"v1&n=100000", "'&'"},
      {std::string(129, 'a'), "the limit is 128"},
      {kSha256, "':'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::CHexEscape(c.last));
    ExpectInvalid(
        ToTagsQuery(TagsRequest("alpine", 10, c.last), kDeadline).status(),
        {"last", c.reason});
  }
}

// docker.io (the default) and ghcr.io are served.
resolve::SourceRegistries Registries() {
  return resolve::SourceRegistries("docker.io", {"docker.io", "ghcr.io"});
}

TEST(RoutedTest, GivesARequestWithoutARegistryTheDefault) {
  absl::StatusOr<resolve::ManifestQuery> query = Routed(
      ToManifestQuery("alpine", "latest", {}, kDeadline), "", Registries());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->source_registry, "docker.io");
}

TEST(RoutedTest, KeepsAServedRegistryForEveryKindOfQuery) {
  auto manifest = Routed(ToManifestQuery("org/app", "v1", {}, kDeadline),
                         "ghcr.io", Registries());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->source_registry, "ghcr.io");
  auto blob = Routed(ToBlobQuery("org/app", kSha256, kDeadline), "ghcr.io",
                     Registries());
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->source_registry, "ghcr.io");
  v1::GetBlobRequest get_blob;
  get_blob.set_repository("org/app");
  get_blob.set_digest(kSha256);
  auto stream =
      Routed(ToBlobRequest(get_blob, kDeadline), "ghcr.io", Registries());
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_EQ(stream->query.source_registry, "ghcr.io");
  auto tags = Routed(ToTagsQuery(TagsRequest("org/app", 0, ""), kDeadline),
                     "ghcr.io", Registries());
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->source_registry, "ghcr.io");
}

TEST(RoutedTest, RejectsAnIllFormedRegistryNamingTheField) {
  for (const std::string& registry :
       {std::string("GHCR.io"), std::string("ghcr.io/org"),
        std::string("https://ghcr.io"), std::string("ghcr.io:0"),
        std::string("ghcr.io\r\nX: 1")}) {
    SCOPED_TRACE(absl::CHexEscape(registry));
    ExpectInvalid(Routed(ToManifestQuery("alpine", "latest", {}, kDeadline),
                         registry, Registries())
                      .status(),
                  {"registry \""});
  }
}

TEST(RoutedTest, ARegistryNoUpstreamServesIsNotFound) {
  const absl::Status status =
      Routed(ToManifestQuery("alpine", "latest", {}, kDeadline), "quay.io",
             Registries())
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(status.message(), "no upstream serves it"))
      << status;
}

TEST(RoutedTest, ReportsTheQuerysOwnErrorFirst) {
  ExpectInvalid(Routed(ToManifestQuery("Alpine", "latest", {}, kDeadline),
                       "quay.io", Registries())
                    .status(),
                {"repository", "upper-case"});
}

}  // namespace
}  // namespace tributary::api
