#include "service/registry/manifest_checks.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/http/types.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "service/oci/reference.h"
#include "service/registry/types.h"

namespace tributary::registry {
namespace {

using oci::ComputeDigest;
using oci::DigestAlgorithm;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{},"layers":[]})";
// sha256 of "abc", a published known answer.
constexpr char kSha256Abc[] =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

ManifestQuery QueryFor(const std::string& reference) {
  absl::StatusOr<oci::Reference> parsed = oci::Reference::Parse(reference);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return ManifestQuery{
      .repository = "library/alpine",
      .reference = *std::move(parsed),
      .accept = {std::string(oci::kOciManifest)},
  };
}

http::Response Answer(std::string body, http::Headers headers = {}) {
  return http::Response{
      .status = 200,
      .headers = std::move(headers),
      .body = std::move(body),
  };
}

std::string Describe(const absl::StatusOr<Manifest>& manifest) {
  return manifest.status().ToString();
}

TEST(CheckedManifestTest, ComputesSha256OfManifestFetchedByTag) {
  absl::StatusOr<Manifest> manifest =
      CheckedManifest(QueryFor("latest"), Answer("abc"));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->digest.str(), kSha256Abc);
  EXPECT_EQ(manifest->content, "abc");
}

TEST(CheckedManifestTest, KeepsContentExactlyAsReceived) {
  const std::string body = std::string(" {\"a\" : 1}\r\n\0\xff", 14);
  absl::StatusOr<Manifest> manifest =
      CheckedManifest(QueryFor("3.20"), Answer(body));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->content, body);
  EXPECT_EQ(manifest->digest, ComputeDigest(DigestAlgorithm::kSha256, body));
}

TEST(CheckedManifestTest, AcceptsBytesThatHashToRequestedDigest) {
  for (DigestAlgorithm algorithm :
       {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512}) {
    const oci::Digest digest = ComputeDigest(algorithm, kManifest);
    SCOPED_TRACE(digest.str());
    absl::StatusOr<Manifest> manifest =
        CheckedManifest(QueryFor(digest.str()), Answer(kManifest));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    EXPECT_EQ(manifest->digest, digest);
    EXPECT_EQ(manifest->content, kManifest);
  }
}

TEST(CheckedManifestTest, RejectsBytesThatDoNotHashToRequestedDigest) {
  for (DigestAlgorithm algorithm :
       {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512}) {
    const oci::Digest requested = ComputeDigest(algorithm, kManifest);
    SCOPED_TRACE(requested.str());
    absl::StatusOr<Manifest> manifest = CheckedManifest(
        QueryFor(requested.str()), Answer(std::string(kManifest) + " "));
    EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss)
        << Describe(manifest);
    EXPECT_TRUE(absl::StrContains(manifest.status().message(), requested.str()))
        << Describe(manifest);
  }
}

TEST(CheckedManifestTest, AcceptsDockerContentDigestThatAgreesWithBytes) {
  const oci::Digest sha256 = ComputeDigest(DigestAlgorithm::kSha256, kManifest);
  const oci::Digest sha512 = ComputeDigest(DigestAlgorithm::kSha512, kManifest);
  struct Case {
    std::string reference;
    std::string header_name;
    std::string header;
  };
  const std::vector<Case> cases = {
      {"latest", "Docker-Content-Digest", sha256.str()},
      {"latest", "docker-content-digest", sha256.str()},
      {"latest", "Docker-Content-Digest", sha512.str()},
      {sha256.str(), "Docker-Content-Digest", sha256.str()},
      // The header may use another algorithm than the request.
      {sha512.str(), "Docker-Content-Digest", sha256.str()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reference + " " + c.header_name + ": " + c.header);
    absl::StatusOr<Manifest> manifest = CheckedManifest(
        QueryFor(c.reference), Answer(kManifest, {{c.header_name, c.header}}));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    EXPECT_EQ(manifest->content, kManifest);
  }
}

TEST(CheckedManifestTest, ReturnsSha256ForTagEvenWhenHeaderUsesSha512) {
  const oci::Digest sha512 = ComputeDigest(DigestAlgorithm::kSha512, kManifest);
  absl::StatusOr<Manifest> manifest = CheckedManifest(
      QueryFor("latest"),
      Answer(kManifest, {{"Docker-Content-Digest", sha512.str()}}));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->digest,
            ComputeDigest(DigestAlgorithm::kSha256, kManifest));
}

TEST(CheckedManifestTest, RejectsDockerContentDigestThatDisagreesWithBytes) {
  const oci::Digest right = ComputeDigest(DigestAlgorithm::kSha256, kManifest);
  const std::string wrong = kSha256Abc;
  const std::string wrong512 =
      ComputeDigest(DigestAlgorithm::kSha512, "abc").str();
  struct Case {
    std::string reference;
    std::string header;
  };
  const std::vector<Case> cases = {
      {"latest", wrong},
      {"latest", wrong512},
      {right.str(), wrong},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reference + " Docker-Content-Digest: " + c.header);
    absl::StatusOr<Manifest> manifest = CheckedManifest(
        QueryFor(c.reference),
        Answer(kManifest, {{"Docker-Content-Digest", c.header}}));
    EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss)
        << Describe(manifest);
    EXPECT_TRUE(absl::StrContains(manifest.status().message(), c.header))
        << Describe(manifest);
  }
}

TEST(CheckedManifestTest, RejectsMalformedDockerContentDigest) {
  const std::string hex =
      std::string(ComputeDigest(DigestAlgorithm::kSha256, kManifest).hex());
  const std::vector<std::string> headers = {
      "garbage",
      "sha256:",
      "sha256:abc",
      "md5:d41d8cd98f00b204e9800998ecf8427e",
      "SHA256:" + hex,
      "sha256:" + hex + " ",
      hex,
      "sha256:" + hex + ", sha256:" + hex,
  };
  for (const std::string& header : headers) {
    SCOPED_TRACE("Docker-Content-Digest: " + header);
    absl::StatusOr<Manifest> manifest =
        CheckedManifest(QueryFor("latest"),
                        Answer(kManifest, {{"Docker-Content-Digest", header}}));
    EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss)
        << Describe(manifest);
  }
}

TEST(CheckedManifestTest, IgnoresEmptyDockerContentDigest) {
  absl::StatusOr<Manifest> manifest = CheckedManifest(
      QueryFor("latest"), Answer(kManifest, {{"Docker-Content-Digest", ""}}));
  EXPECT_TRUE(manifest.ok()) << manifest.status();
}

TEST(CheckedManifestTest, TakesMediaTypeFromContentType) {
  absl::StatusOr<Manifest> manifest = CheckedManifest(
      QueryFor("latest"),
      Answer(kManifest,
             {{"content-type",
               "application/vnd.docker.distribution.manifest.v2+json; "
               "charset=utf-8"}}));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->media_type, oci::kDockerManifestV2);
}

TEST(CheckedManifestTest, FallsBackToManifestMediaTypeField) {
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})";
  absl::StatusOr<Manifest> manifest =
      CheckedManifest(QueryFor("latest"), Answer(index));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->media_type, oci::kOciIndex);
}

// A Content-Type header value and body, and the media type they announce.
struct MediaTypeCase {
  std::string content_type;
  std::string content;
  std::string_view media_type;
};

TEST(ManifestMediaTypeTest, StripsParametersFromContentType) {
  const std::vector<MediaTypeCase> cases = {
      {"application/vnd.oci.image.index.v1+json", "{}", oci::kOciIndex},
      {"application/vnd.docker.distribution.manifest.v2+json; charset=utf-8",
       "{}", oci::kDockerManifestV2},
      {"application/"
       "vnd.docker.distribution.manifest.list.v2+json;charset=utf-8",
       "{}", oci::kDockerManifestList},
      {"  application/vnd.oci.image.manifest.v1+json  ; q=1", "{}",
       oci::kOciManifest},
      // Content-Type wins over the body's own claim.
      {"application/vnd.oci.image.index.v1+json",
       R"({"mediaType":"application/vnd.oci.image.manifest.v1+json"})",
       oci::kOciIndex},
  };
  for (const MediaTypeCase& c : cases) {
    EXPECT_EQ(ManifestMediaType(c.content_type, c.content), c.media_type)
        << "Content-Type: " << c.content_type;
  }
}

TEST(ManifestMediaTypeTest, FallsBackToManifestMediaTypeField) {
  const std::string docker_v2 = R"({"schemaVersion":2,"mediaType":")" +
                                std::string(oci::kDockerManifestV2) + R"("})";
  const std::vector<MediaTypeCase> cases = {
      {"", docker_v2, oci::kDockerManifestV2},
      {"   ", docker_v2, oci::kDockerManifestV2},
      {"; charset=utf-8", docker_v2, oci::kDockerManifestV2},
      {"not a media type", docker_v2, oci::kDockerManifestV2},
      {"*/*", docker_v2, oci::kDockerManifestV2},
      {"", R"({"mediaType":"application/vnd.oci.image.index.v1+json"})",
       oci::kOciIndex},
  };
  for (const MediaTypeCase& c : cases) {
    EXPECT_EQ(ManifestMediaType(c.content_type, c.content), c.media_type)
        << "Content-Type: " << c.content_type << " body: " << c.content;
  }
}

TEST(ManifestMediaTypeTest, DefaultsToOciImageManifest) {
  const std::vector<MediaTypeCase> cases = {
      {"", "", oci::kOciManifest},
      {"", "not json", oci::kOciManifest},
      {"", "{", oci::kOciManifest},
      {"", "[]", oci::kOciManifest},
      {"", R"("application/vnd.oci.image.index.v1+json")", oci::kOciManifest},
      {"", R"({"schemaVersion":2})", oci::kOciManifest},
      {"", R"({"mediaType":42})", oci::kOciManifest},
      {"", R"({"mediaType":null})", oci::kOciManifest},
      {"", R"({"mediaType":"application/json; charset=utf-8"})",
       oci::kOciManifest},
      {"", R"({"mediaType":"bad\r\nX-Injected: 1"})", oci::kOciManifest},
      {"", R"({"mediaType":""})", oci::kOciManifest},
      {"garbage", "garbage", oci::kOciManifest},
  };
  for (const MediaTypeCase& c : cases) {
    EXPECT_EQ(ManifestMediaType(c.content_type, c.content), c.media_type)
        << "Content-Type: " << c.content_type << " body: " << c.content;
  }
}

http::Response WithContentLength(const std::string& value) {
  return Answer("", {{"Content-Length", value}});
}

TEST(ContentLengthTest, ParsesValidContentLength) {
  struct Case {
    std::string value;
    int64_t length;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"123", 123},
      {"4194304", 4194304},
      {"9223372036854775807", INT64_MAX},
  };
  for (const Case& c : cases) {
    absl::StatusOr<int64_t> length = ContentLength(WithContentLength(c.value));
    ASSERT_TRUE(length.ok()) << c.value << ": " << length.status();
    EXPECT_EQ(*length, c.length) << c.value;
  }
  absl::StatusOr<int64_t> lower_case =
      ContentLength(Answer("", {{"content-length", "42"}}));
  ASSERT_TRUE(lower_case.ok()) << lower_case.status();
  EXPECT_EQ(*lower_case, 42);
}

TEST(ContentLengthTest, RejectsMissingContentLength) {
  EXPECT_FALSE(ContentLength(Answer("body")).ok());
  EXPECT_FALSE(
      ContentLength(Answer("body", {{"Content-Type", "text/plain"}})).ok());
}

TEST(ContentLengthTest, RejectsNegativeContentLength) {
  for (const char* value : {"-1", "-9223372036854775808"}) {
    EXPECT_FALSE(ContentLength(WithContentLength(value)).ok()) << value;
  }
}

TEST(ContentLengthTest, RejectsGarbageContentLength) {
  for (const char* value : {"", "abc", "12abc", "1.5", "0x10", "1 2",
                            "9223372036854775808", "99999999999999999999"}) {
    EXPECT_FALSE(ContentLength(WithContentLength(value)).ok()) << value;
  }
}

}  // namespace
}  // namespace tributary::registry
