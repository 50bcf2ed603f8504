#include "service/oci/names.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

// One row of a table: `test_name` reads as a sentence in the test output.
struct Case {
  std::string test_name;
  std::string input;
  std::string message;  // Expected error message; unused for valid input.
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.test_name; }

std::string CaseName(const testing::TestParamInfo<Case>& info) {
  return info.param.test_name;
}

// How QuoteForError shows a long run of 'a': the first 80, then "...".
std::string QuotedLongInput() { return "\"" + std::string(80, 'a') + "\"..."; }

class ValidRepositoryTest : public testing::TestWithParam<Case> {};

TEST_P(ValidRepositoryTest, IsAccepted) {
  EXPECT_TRUE(ValidateRepository(GetParam().input).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Names, ValidRepositoryTest,
    testing::ValuesIn(std::vector<Case>{
        {"AcceptsSingleLetter", "a", ""},
        {"AcceptsSingleDigit", "0", ""},
        {"AcceptsDockerHubLibraryPath", "library/alpine", ""},
        {"AcceptsDeepPath", "a/b/c/d/e", ""},
        {"AcceptsSingleDot", "a.b", ""},
        {"AcceptsSingleUnderscore", "a_b", ""},
        {"AcceptsDoubleUnderscore", "a__b", ""},
        {"AcceptsDoubleDash", "a--b", ""},
        {"AcceptsLongDashRun", "a-----b", ""},
        {"AcceptsMixedSeparators", "my-org/web_app.v2__x", ""},
        {"AcceptsNameOfExactly255Characters", std::string(255, 'a'), ""},
    }),
    CaseName);

class InvalidRepositoryTest : public testing::TestWithParam<Case> {};

TEST_P(InvalidRepositoryTest, IsRejectedWithReason) {
  const absl::Status status = ValidateRepository(GetParam().input);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Names, InvalidRepositoryTest,
    testing::ValuesIn(std::vector<Case>{
        {"RejectsEmptyRepository", "", R"(repository "": must not be empty)"},
        {"RejectsUpperCaseInRepository", "Foo",
         R"(repository "Foo": upper-case letters are not allowed)"},
        {"RejectsDotDotComponent", "foo/../bar",
         R"(repository "foo/../bar": path component ".." is not allowed)"},
        {"RejectsDotDotAlone", "..",
         R"(repository "..": path component ".." is not allowed)"},
        {"RejectsDotComponent", "foo/./bar",
         R"(repository "foo/./bar": path component "." is not allowed)"},
        {"RejectsLeadingSlash", "/foo",
         R"(repository "/foo": empty path component)"},
        {"RejectsTrailingSlash", "foo/",
         R"(repository "foo/": empty path component)"},
        {"RejectsDoubleSlash", "a//b",
         R"(repository "a//b": empty path component)"},
        {"RejectsLoneSlash", "/", R"(repository "/": empty path component)"},
        {"RejectsCarriageReturnAndLineFeed", "foo\r\nbar",
         R"(repository "foo\r\nbar": character '\r' is not allowed)"},
        {"RejectsNulByte", std::string("foo\0bar", 7),
         R"(repository "foo\x00\x62\x61r": character '\x00' is not allowed)"},
        {"RejectsSpace", "foo bar",
         R"(repository "foo bar": character ' ' is not allowed)"},
        {"RejectsUnicode", "caf\xc3\xa9",
         R"(repository "caf\xc3\xa9": character '\xc3' is not allowed)"},
        {"RejectsPercentEncodedDotDot", "%2e%2e",
         R"(repository "%2e%2e": character '%' is not allowed)"},
        {"RejectsQuoteAndEscapesIt", "a\"b",
         R"(repository "a\"b": character '\"' is not allowed)"},
        {"RejectsBackslash", "a\\b",
         R"(repository "a\\b": character '\\' is not allowed)"},
        {"RejectsNameOf256CharactersAndTruncatesIt", std::string(256, 'a'),
         "repository " + QuotedLongInput() +
             ": is 256 characters long; the limit is 255"},
        {"RejectsTrailingDash", "a-",
         R"(repository "a-": path component "a-" must start and end with a )"
         R"(lower-case letter or digit)"},
        {"RejectsLeadingUnderscore", "x/_a",
         R"(repository "x/_a": path component "_a" must start and end with )"
         R"(a lower-case letter or digit)"},
        {"RejectsLeadingDot", ".hidden",
         R"(repository ".hidden": path component ".hidden" must start and )"
         R"(end with a lower-case letter or digit)"},
        {"RejectsDoubleDotSeparator", "a..b",
         R"(repository "a..b": path component "a..b" has separator ".."; )"
         R"(only ".", "_", "__" or dashes may join letters and digits)"},
        {"RejectsTripleUnderscore", "a___b",
         R"(repository "a___b": path component "a___b" has separator "___"; )"
         R"(only ".", "_", "__" or dashes may join letters and digits)"},
        {"RejectsDotDashSeparator", "a.-b",
         R"(repository "a.-b": path component "a.-b" has separator ".-"; )"
         R"(only ".", "_", "__" or dashes may join letters and digits)"},
    }),
    CaseName);

class ValidTagTest : public testing::TestWithParam<Case> {};

TEST_P(ValidTagTest, IsAccepted) {
  EXPECT_TRUE(ValidateTag(GetParam().input).ok());
}

INSTANTIATE_TEST_SUITE_P(Tags, ValidTagTest,
                         testing::ValuesIn(std::vector<Case>{
                             {"AcceptsLatest", "latest", ""},
                             {"AcceptsDottedVersion", "3.20", ""},
                             {"AcceptsSingleUnderscore", "_", ""},
                             {"AcceptsUpperCase", "UPPER", ""},
                             {"AcceptsLeadingUnderscore", "__init", ""},
                             {"AcceptsSemverPrerelease", "v1.0.0-rc.1_b", ""},
                             {"AcceptsTagOfExactly128Characters",
                              std::string(128, 'a'), ""},
                         }),
                         CaseName);

class InvalidTagTest : public testing::TestWithParam<Case> {};

TEST_P(InvalidTagTest, IsRejectedWithReason) {
  const absl::Status status = ValidateTag(GetParam().input);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Tags, InvalidTagTest,
    testing::ValuesIn(std::vector<Case>{
        {"RejectsEmptyTag", "", R"(tag "": must not be empty)"},
        {"RejectsTagOf129Characters", std::string(129, 'a'),
         "tag " + QuotedLongInput() +
             ": is 129 characters long; the limit is 128"},
        {"RejectsLeadingDot", ".hidden",
         R"(tag ".hidden": must start with a letter, digit or '_')"},
        {"RejectsLeadingDash", "-rc",
         R"(tag "-rc": must start with a letter, digit or '_')"},
        {"RejectsColon", "a:b", R"(tag "a:b": character ':' is not allowed)"},
        {"RejectsSlash", "a/b", R"(tag "a/b": character '/' is not allowed)"},
        {"RejectsPlus", "1.0+build",
         R"(tag "1.0+build": character '+' is not allowed)"},
        {"RejectsLineFeed", "a\nb",
         R"(tag "a\nb": character '\n' is not allowed)"},
        {"RejectsNulByte", std::string("a\0", 2),
         R"(tag "a\x00": character '\x00' is not allowed)"},
        {"RejectsSpace", "a b", R"(tag "a b": character ' ' is not allowed)"},
        {"RejectsUnicode", "\xc3\xa9",
         R"(tag "\xc3\xa9": character '\xc3' is not allowed)"},
    }),
    CaseName);

}  // namespace
}  // namespace tributary::oci
