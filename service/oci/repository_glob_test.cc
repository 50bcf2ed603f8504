#include "service/oci/repository_glob.h"

#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

struct MatchCase {
  std::string test_name;
  std::string pattern;
  std::string repository;
  bool matches;
};

void PrintTo(const MatchCase& c, std::ostream* out) { *out << c.test_name; }

class MatchRepositoryGlobTest : public testing::TestWithParam<MatchCase> {};

TEST_P(MatchRepositoryGlobTest, MatchesAsTheTableSays) {
  ASSERT_TRUE(ValidateRepositoryGlob(GetParam().pattern).ok());
  EXPECT_EQ(MatchRepositoryGlob(GetParam().pattern, GetParam().repository),
            GetParam().matches)
      << GetParam().pattern << " vs " << GetParam().repository;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MatchRepositoryGlobTest,
    testing::ValuesIn(std::vector<MatchCase>{
        {"LiteralMatchesItself", "library/alpine", "library/alpine", true},
        {"LiteralDoesNotMatchAPrefix", "library/alp", "library/alpine", false},
        {"LiteralDoesNotMatchALongerPattern", "library/alpine", "library/alp",
         false},
        {"StarMatchesOneComponent", "library/*", "library/alpine", true},
        {"StarDoesNotCrossASlash", "library/*", "library/a/b", false},
        {"StarDoesNotMatchTheParentAlone", "library/*", "library", false},
        {"StarMatchesAnEmptyRun", "app*", "app", true},
        {"StarInsideAComponent", "team-*/app", "team-blue/app", true},
        {"TwoStarsInOneComponent", "*-*", "a-b-c", true},
        {"QuestionMarkMatchesOneCharacter", "app?", "app1", true},
        {"QuestionMarkNeedsACharacter", "app?", "app", false},
        {"QuestionMarkIsNotASlash", "a?b", "a/b", false},
        {"GlobStarMatchesAnyDepth", "myorg/**", "myorg/a/b/c", true},
        {"GlobStarMatchesOneLevel", "myorg/**", "myorg/a", true},
        {"GlobStarDoesNotMatchTheParent", "myorg/**", "myorg", false},
        {"GlobStarDoesNotMatchAnotherOrg", "myorg/**", "myorgx/a", false},
        {"GlobStarAloneMatchesEverything", "**", "any/thing/at/all", true},
        {"GlobStarInTheMiddleMatchesNoComponent", "a/**/b", "a/b", true},
        {"GlobStarInTheMiddleMatchesComponents", "a/**/b", "a/x/y/b", true},
        {"GlobStarInTheMiddleKeepsTheEnd", "a/**/b", "a/x/y/c", false},
        {"LeadingGlobStarMatchesAnyPrefix", "**/cache", "x/y/cache", true},
        {"LeadingGlobStarMatchesNoPrefix", "**/cache", "cache", true},
        {"LeadingGlobStarKeepsComponentsWhole", "**/cache", "xcache", false},
        {"ManyStarsStayFast", "*a*a*a*a*a*a*a*a*b", std::string(200, 'a'),
         false},
    }),
    [](const auto& info) { return info.param.test_name; });

struct InvalidCase {
  std::string test_name;
  std::string pattern;
  std::string message;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.test_name; }

class InvalidRepositoryGlobTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidRepositoryGlobTest, IsRejectedWithAReason) {
  const absl::Status status = ValidateRepositoryGlob(GetParam().pattern);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              testing::HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidRepositoryGlobTest,
    testing::ValuesIn(std::vector<InvalidCase>{
        {"RejectsEmptyPattern", "", "pattern is empty"},
        {"RejectsUpperCase", "Library/*", "character 'L' is not allowed"},
        {"RejectsBrackets", "lib[a-z]", "character '[' is not allowed"},
        {"RejectsLeadingSlash", "/library/*", "empty path component"},
        {"RejectsTrailingSlash", "library/", "empty path component"},
        {"RejectsDoubleSlash", "a//b", "empty path component"},
        {"RejectsGlobStarInsideAComponent", "my**", "must be a whole path"},
        {"RejectsTripleStar", "a/***", "must be a whole path"},
        {"RejectsOverlongPattern", std::string(256, 'a'), "longer than 255"},
    }),
    [](const auto& info) { return info.param.test_name; });

}  // namespace
}  // namespace tributary::oci
