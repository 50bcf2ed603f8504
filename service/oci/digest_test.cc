#include "service/oci/digest.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

constexpr std::string_view kSha256Empty =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view kSha256Abc =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view kSha512Abc =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

std::string Sha256(std::string_view hex) {
  return "sha256:" + std::string(hex);
}

std::string Text(DigestAlgorithm algorithm, std::string_view hex) {
  return std::string(AlgorithmName(algorithm)) + ":" + std::string(hex);
}

// A known-answer row: the digest of `content` is `algorithm` + `hex`.
struct VectorCase {
  std::string test_name;
  DigestAlgorithm algorithm;
  std::string content;
  std::string hex;
};

void PrintTo(const VectorCase& c, std::ostream* out) { *out << c.test_name; }

class KnownVectorTest : public testing::TestWithParam<VectorCase> {};

TEST_P(KnownVectorTest, ComputeDigestMatchesKnownAnswer) {
  const Digest digest = ComputeDigest(GetParam().algorithm, GetParam().content);
  EXPECT_EQ(digest.algorithm(), GetParam().algorithm);
  EXPECT_EQ(digest.hex(), GetParam().hex);
  EXPECT_EQ(digest.str(), Text(GetParam().algorithm, GetParam().hex));
}

TEST_P(KnownVectorTest, ParseOfKnownAnswerEqualsComputedDigest) {
  const absl::StatusOr<Digest> parsed =
      Digest::Parse(Text(GetParam().algorithm, GetParam().hex));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, ComputeDigest(GetParam().algorithm, GetParam().content));
}

TEST_P(KnownVectorTest, ChunkedUpdatesEqualOneShot) {
  const std::string& content = GetParam().content;
  for (std::size_t chunk = 1; chunk <= content.size() + 1; ++chunk) {
    DigestHasher hasher(GetParam().algorithm);
    for (std::size_t i = 0; i < content.size(); i += chunk) {
      hasher.Update(std::string_view(content).substr(i, chunk));
      hasher.Update("");  // Empty chunks, as a stream may deliver, are no-ops.
    }
    EXPECT_EQ(hasher.Finish().hex(), GetParam().hex) << "chunk size " << chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Digests, KnownVectorTest,
    testing::ValuesIn(std::vector<VectorCase>{
        {"Sha256OfEmpty", DigestAlgorithm::kSha256, "",
         std::string(kSha256Empty)},
        {"Sha256OfAbc", DigestAlgorithm::kSha256, "abc",
         std::string(kSha256Abc)},
        {"Sha256OfQuickBrownFox", DigestAlgorithm::kSha256,
         "The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
        {"Sha512OfEmpty", DigestAlgorithm::kSha512, "",
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        {"Sha512OfAbc", DigestAlgorithm::kSha512, "abc",
         std::string(kSha512Abc)},
    }),
    [](const testing::TestParamInfo<VectorCase>& info) {
      return info.param.test_name;
    });

// A row of text Parse must reject, with the expected message.
struct InvalidCase {
  std::string test_name;
  std::string input;
  std::string message;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.test_name; }

class InvalidDigestTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidDigestTest, IsRejectedWithReason) {
  const absl::StatusOr<Digest> digest = Digest::Parse(GetParam().input);
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(digest.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Digests, InvalidDigestTest,
    testing::ValuesIn(std::vector<InvalidCase>{
        {"RejectsEmptyText", "", R"(digest "": must not be empty)"},
        {"RejectsMissingColon", std::string(kSha256Empty),
         "digest \"" + std::string(kSha256Empty) +
             "\": expected ALGORITHM:HEX, found no ':'"},
        {"RejectsUnsupportedAlgorithm", "md5:d41d8cd98f00b204e9800998ecf8427e",
         R"(digest "md5:d41d8cd98f00b204e9800998ecf8427e": unsupported )"
         R"(algorithm "md5"; expected sha256 or sha512)"},
        {"RejectsUpperCaseAlgorithm", "SHA256:" + std::string(64, 'a'),
         "digest \"SHA256:" + std::string(64, 'a') +
             "\": unsupported algorithm \"SHA256\"; expected sha256 or sha512"},
        {"RejectsEmptyAlgorithm", ":abc",
         R"(digest ":abc": unsupported algorithm ""; expected sha256 or )"
         R"(sha512)"},
        {"RejectsUpperCaseHex", Sha256(std::string(63, 'a') + "A"),
         "digest \"" + Sha256(std::string(63, 'a') + "A") +
             "\": upper-case hex digits are not allowed"},
        {"RejectsNonHexLetter", "sha256:abcg",
         R"(digest "sha256:abcg": character 'g' is not a lower-case hex )"
         R"(digit)"},
        {"RejectsLineFeedInHex", "sha256:ab\ncd",
         R"(digest "sha256:ab\ncd": character '\n' is not a lower-case hex )"
         R"(digit)"},
        {"RejectsSecondColon", "sha256:ab:cd",
         R"(digest "sha256:ab:cd": character ':' is not a lower-case hex )"
         R"(digit)"},
        {"RejectsEmptyHex",
         "sha256:", R"(digest "sha256:": sha256 needs 64 hex digits, got 0)"},
        {"RejectsSha256HexOf63Digits", Sha256(std::string(63, 'a')),
         "digest \"" + Sha256(std::string(63, 'a')) +
             "\": sha256 needs 64 hex digits, got 63"},
        {"RejectsSha256HexOf65Digits", Sha256(std::string(65, 'a')),
         "digest \"" + Sha256(std::string(65, 'a')) +
             "\": sha256 needs 64 hex digits, got 65"},
        {"RejectsSha512WithSha256Length", "sha512:" + std::string(kSha256Abc),
         "digest \"sha512:" + std::string(kSha256Abc) +
             "\": sha512 needs 128 hex digits, got 64"},
    }),
    [](const testing::TestParamInfo<InvalidCase>& info) {
      return info.param.test_name;
    });

TEST(DigestTest, NamesItsAlgorithms) {
  EXPECT_EQ(AlgorithmName(DigestAlgorithm::kSha256), "sha256");
  EXPECT_EQ(AlgorithmName(DigestAlgorithm::kSha512), "sha512");
}

TEST(DigestTest, CopyKeepsItsOwnHexView) {
  Digest copy = ComputeDigest(DigestAlgorithm::kSha256, "abc");
  {
    const Digest original = ComputeDigest(DigestAlgorithm::kSha256, "");
    copy = original;
  }
  EXPECT_EQ(copy.hex(), kSha256Empty);
}

TEST(DigestTest, DiffersWhenContentDiffers) {
  EXPECT_NE(ComputeDigest(DigestAlgorithm::kSha256, "a"),
            ComputeDigest(DigestAlgorithm::kSha256, "b"));
}

TEST(DigestTest, WorksAsHashSetKey) {
  absl::flat_hash_set<Digest> seen;
  seen.insert(ComputeDigest(DigestAlgorithm::kSha256, "abc"));
  EXPECT_TRUE(seen.contains(*Digest::Parse(Sha256(kSha256Abc))));
  EXPECT_FALSE(seen.contains(ComputeDigest(DigestAlgorithm::kSha512, "abc")));
}

TEST(DigestHasherTest, MovedHasherKeepsItsState) {
  DigestHasher first(DigestAlgorithm::kSha512);
  first.Update("a");
  DigestHasher second = std::move(first);
  second.Update("bc");
  EXPECT_EQ(second.Finish().hex(), kSha512Abc);
}

TEST(DigestHasherTest, HashesLargeInputInManyChunks) {
  std::string block;
  for (int i = 0; i < 256; ++i) {
    block.push_back(static_cast<char>(i));
  }
  DigestHasher hasher(DigestAlgorithm::kSha256);
  std::string all;
  for (int i = 0; i < 40; ++i) {
    hasher.Update(block);
    all += block;
  }
  EXPECT_EQ(hasher.Finish(), ComputeDigest(DigestAlgorithm::kSha256, all));
  EXPECT_EQ(ComputeDigest(DigestAlgorithm::kSha256, all).hex(),
            "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0");
}

TEST(DigestHasherDeathTest, AbortsWhenFinishedTwice) {
  DigestHasher hasher(DigestAlgorithm::kSha256);
  hasher.Finish();
  EXPECT_DEATH(hasher.Finish(), "Finish called twice");
}

TEST(DigestHasherDeathTest, AbortsOnUpdateAfterFinish) {
  DigestHasher hasher(DigestAlgorithm::kSha256);
  hasher.Finish();
  EXPECT_DEATH(hasher.Update("x"), "Update called after Finish");
}

}  // namespace
}  // namespace tributary::oci
