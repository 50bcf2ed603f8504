#include "service/oci/reference.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

constexpr std::string_view kSha256Empty =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Case {
  std::string test_name;
  std::string input;
  std::string message;  // Expected error message; unused for valid input.
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.test_name; }

std::string CaseName(const testing::TestParamInfo<Case>& info) {
  return info.param.test_name;
}

TEST(ReferenceTest, ParsesTag) {
  const absl::StatusOr<Reference> reference = Reference::Parse("3.20");
  ASSERT_TRUE(reference.ok()) << reference.status();
  EXPECT_FALSE(reference->is_digest());
  EXPECT_EQ(reference->digest(), nullptr);
  EXPECT_EQ(reference->str(), "3.20");
}

TEST(ReferenceTest, ParsesDigest) {
  const absl::StatusOr<Reference> reference = Reference::Parse(kSha256Empty);
  ASSERT_TRUE(reference.ok()) << reference.status();
  EXPECT_TRUE(reference->is_digest());
  ASSERT_NE(reference->digest(), nullptr);
  EXPECT_EQ(*reference->digest(), ComputeDigest(DigestAlgorithm::kSha256, ""));
  EXPECT_EQ(reference->str(), kSha256Empty);
}

TEST(ReferenceTest, TagNamedLikeAnAlgorithmStaysATag) {
  const absl::StatusOr<Reference> reference = Reference::Parse("sha256");
  ASSERT_TRUE(reference.ok()) << reference.status();
  EXPECT_FALSE(reference->is_digest());
}

TEST(ReferenceTest, CopiesCompareEqual) {
  const absl::StatusOr<Reference> reference = Reference::Parse(kSha256Empty);
  ASSERT_TRUE(reference.ok()) << reference.status();
  const Reference copy = *reference;
  EXPECT_EQ(copy, *reference);
  EXPECT_EQ(copy.str(), kSha256Empty);
  EXPECT_NE(copy, *Reference::Parse("latest"));
}

class InvalidReferenceTest : public testing::TestWithParam<Case> {};

TEST_P(InvalidReferenceTest, IsRejectedWithReason) {
  const absl::StatusOr<Reference> reference =
      Reference::Parse(GetParam().input);
  EXPECT_EQ(reference.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reference.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    References, InvalidReferenceTest,
    testing::ValuesIn(std::vector<Case>{
        {"RejectsEmptyText", "", R"(tag "": must not be empty)"},
        {"RejectsUnsupportedAlgorithmAsDigest", "md5:abc",
         R"(digest "md5:abc": unsupported algorithm "md5"; expected sha256 )"
         R"(or sha512)"},
        {"RejectsDottedAlgorithmAsDigest", "multihash+base58:abc",
         R"(digest "multihash+base58:abc": unsupported algorithm )"
         R"("multihash+base58"; expected sha256 or sha512)"},
        {"RejectsShortSha256AsDigest", "sha256:abc",
         R"(digest "sha256:abc": sha256 needs 64 hex digits, got 3)"},
        {"RejectsUpperCaseAlgorithmAsTag", "SHA256:abc",
         R"(tag "SHA256:abc": character ':' is not allowed)"},
        {"RejectsLeadingColonAsTag", ":abc",
         R"(tag ":abc": character ':' is not allowed)"},
        {"RejectsLeadingDotTag", ".hidden",
         R"(tag ".hidden": must start with a letter, digit or '_')"},
        {"RejectsLineFeedInTag", "latest\n",
         R"(tag "latest\n": character '\n' is not allowed)"},
    }),
    CaseName);

}  // namespace
}  // namespace tributary::oci
