#include "service/oci/media_types.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

struct Case {
  std::string test_name;
  std::string input;
  std::string message;  // Expected error message; unused for valid input.
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.test_name; }

std::string CaseName(const testing::TestParamInfo<Case>& info) {
  return info.param.test_name;
}

TEST(DefaultManifestMediaTypesTest, ListsTheAcceptTypesInPreferenceOrder) {
  EXPECT_EQ(DefaultManifestMediaTypes(),
            (std::vector<std::string>{
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "application/vnd.docker.distribution.manifest.v1+json",
            }));
}

TEST(DefaultManifestMediaTypesTest, AreAllValid) {
  for (const std::string& media_type : DefaultManifestMediaTypes()) {
    EXPECT_TRUE(ValidateMediaType(media_type).ok()) << media_type;
  }
  EXPECT_TRUE(ValidateMediaType(kDockerManifestV1Signed).ok());
}

class ValidMediaTypeTest : public testing::TestWithParam<Case> {};

TEST_P(ValidMediaTypeTest, IsAccepted) {
  EXPECT_TRUE(ValidateMediaType(GetParam().input).ok());
}

INSTANTIATE_TEST_SUITE_P(
    MediaTypes, ValidMediaTypeTest,
    testing::ValuesIn(std::vector<Case>{
        {"AcceptsPlainType", "application/json", ""},
        {"AcceptsStructuredSuffix", "application/vnd.oci.image.index.v1+json",
         ""},
        {"AcceptsUpperCase", "Application/JSON", ""},
        {"AcceptsRestrictedNamePunctuation", "x/a!#$&-^_.+b", ""},
        {"AcceptsNamesOf127Characters",
         std::string(127, 't') + "/" + std::string(127, 's'), ""},
    }),
    CaseName);

class InvalidMediaTypeTest : public testing::TestWithParam<Case> {};

TEST_P(InvalidMediaTypeTest, IsRejectedWithReason) {
  const absl::Status status = ValidateMediaType(GetParam().input);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    MediaTypes, InvalidMediaTypeTest,
    testing::ValuesIn(std::vector<Case>{
        {"RejectsEmptyText", "", R"(media type "": must not be empty)"},
        {"RejectsParameters", "application/json; charset=utf-8",
         R"(media type "application/json; charset=utf-8": parameters are )"
         R"(not allowed)"},
        {"RejectsList", "application/json,text/plain",
         R"(media type "application/json,text/plain": must be one media )"
         R"(type, not a list)"},
        {"RejectsHeaderInjection", "application/json\r\nX-Evil: 1",
         R"(media type "application/json\r\nX-Evil: 1": character '\r' is )"
         R"(not allowed)"},
        {"RejectsNulByte", std::string("a/b\0", 4),
         R"(media type "a/b\x00": character '\x00' is not allowed)"},
        {"RejectsSpace", "application/ json",
         R"(media type "application/ json": character ' ' is not allowed)"},
        {"RejectsWildcard", "*/*",
         R"(media type "*/*": character '*' is not allowed)"},
        {"RejectsUnicode", "application/j\xc3\xa9son",
         R"(media type "application/j\xc3\xa9son": character '\xc3' is not )"
         R"(allowed)"},
        {"RejectsMissingSlash", "application",
         R"(media type "application": must have the form type/subtype)"},
        {"RejectsTwoSlashes", "application/vnd/json",
         R"(media type "application/vnd/json": must have the form )"
         R"(type/subtype)"},
        {"RejectsEmptyType", "/json",
         R"(media type "/json": type must not be empty)"},
        {"RejectsEmptySubtype", "application/",
         R"(media type "application/": subtype must not be empty)"},
        {"RejectsSubtypeStartingWithPunctuation", "application/+json",
         R"(media type "application/+json": subtype must start with a )"
         R"(letter or digit)"},
        {"RejectsEmptySuffix", "application/vnd.oci+",
         R"(media type "application/vnd.oci+": suffix after '+' must not be )"
         R"(empty)"},
        {"RejectsTypeOf128Characters", std::string(128, 't') + "/json",
         "media type \"" + std::string(80, 't') +
             "\"...: type is longer than 127 characters"},
        {"RejectsTextOf256Characters",
         std::string(127, 't') + "/" + std::string(128, 's'),
         "media type \"" + std::string(80, 't') +
             "\"...: is 256 characters long; the limit is 255"},
    }),
    CaseName);

}  // namespace
}  // namespace tributary::oci
