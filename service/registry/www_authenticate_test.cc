#include "service/registry/www_authenticate.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

}  // namespace

// Readable failure messages.
void PrintTo(const Challenge& challenge, std::ostream* out) {
  *out << FormatWwwAuthenticate({challenge});
}

namespace {

Challenge Make(std::string scheme, Params params, std::string token68 = "") {
  return Challenge{std::move(scheme), std::move(params), std::move(token68)};
}

// A field value and what it parses to.
struct Case {
  std::string name;  // what the case shows, as a sentence
  std::string header;
  std::vector<Challenge> want;
};

class ParseWwwAuthenticateTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParseWwwAuthenticateTest, ParsesTheChallenges) {
  EXPECT_EQ(ParseWwwAuthenticate(GetParam().header), GetParam().want)
      << "WWW-Authenticate: " << GetParam().header;
}

TEST_P(ParseWwwAuthenticateTest, FormatsBackToTheSameChallenges) {
  const std::vector<Challenge> parsed = ParseWwwAuthenticate(GetParam().header);
  EXPECT_EQ(ParseWwwAuthenticate(FormatWwwAuthenticate(parsed)), parsed);
}

const Case kCases[] = {
    {"DockerHubBearerChallenge",
     R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")",
     {Make("bearer", {{"realm", "https://auth.docker.io/token"},
                      {"service", "registry.docker.io"},
                      {"scope", "repository:library/alpine:pull"}})}},
    {"BasicChallengeWithRealm",
     R"(Basic realm="Registry Realm")",
     {Make("basic", {{"realm", "Registry Realm"}})}},
    {"SchemeAndParameterNamesAreCaseInsensitive",
     R"(BEARER Realm="r", SERVICE="s")",
     {Make("bearer", {{"realm", "r"}, {"service", "s"}})}},
    {"SeveralChallengesInOneField",
     R"(Basic realm="a", Bearer realm="b",service="c")",
     {Make("basic", {{"realm", "a"}}),
      Make("bearer", {{"realm", "b"}, {"service", "c"}})}},
    {"QuotedValuesMayHoldCommas",
     R"(Bearer realm="https://x/token",scope="repository:a:pull,push")",
     {Make("bearer", {{"realm", "https://x/token"},
                      {"scope", "repository:a:pull,push"}})}},
    {"QuotedValuesMayHoldEscapedQuotesAndBackslashes",
     R"(Bearer realm="say \"hi\" \\ bye",error="x")",
     {Make("bearer", {{"realm", R"(say "hi" \ bye)"}, {"error", "x"}})}},
    {"OddSpacingAroundCommasAndEquals",
     "Bearer   realm = \"r\" ,\tservice=\"s\" ,  scope =\"x\"",
     {Make("bearer", {{"realm", "r"}, {"service", "s"}, {"scope", "x"}})}},
    {"EmptyListElementsAreSkipped",
     R"(, Basic realm="a",, , Bearer realm="b",,)",
     {Make("basic", {{"realm", "a"}}), Make("bearer", {{"realm", "b"}})}},
    {"TokenValuesNeedNoQuotes",
     "Bearer realm=https://auth.example/token, error=invalid_token",
     {Make("bearer", {{"realm", "https://auth.example/token"},
                      {"error", "invalid_token"}})}},
    {"InvalidTokenErrorOfAnExpiredToken",
     R"(Bearer realm="https://a/t",service="s",error="invalid_token",error_description="token expired")",
     {Make("bearer", {{"realm", "https://a/t"},
                      {"service", "s"},
                      {"error", "invalid_token"},
                      {"error_description", "token expired"}})}},
    {"ASchemeWithoutParameters",
     "Negotiate, Basic realm=\"x\"",
     {Make("negotiate", {}), Make("basic", {{"realm", "x"}})}},
    {"AToken68Challenge",
     "Newauth abc+/def==, Basic realm=\"x\"",
     {Make("newauth", {}, "abc+/def=="), Make("basic", {{"realm", "x"}})}},
    {"ARepeatedParameterKeepsItsFirstValue",
     R"(Bearer realm="first", realm="second")",
     {Make("bearer", {{"realm", "first"}})}},
    {"AnEmptyQuotedValueIsKept",
     R"(Bearer realm="", service="s")",
     {Make("bearer", {{"realm", ""}, {"service", "s"}})}},
    {"AnEmptyFieldHasNoChallenges", "", {}},
    {"OnlySeparatorsHaveNoChallenges", " , ,\t", {}},
    {"AnUnterminatedQuoteEndsTheField",
     R"(Bearer service="s", realm="https://x, Basic realm=y)",
     {Make("bearer", {{"service", "s"}})}},
    {"AParameterWithoutValueEndsItsChallenge",
     R"(Bearer service="s", realm=, scope="x", Basic realm="b")",
     {Make("bearer", {{"service", "s"}}), Make("basic", {{"realm", "b"}})}},
    {"ALoneNameWithEqualsSignsIsAToken68",
     "Bearer realm=, Basic realm=\"b\"",
     {Make("bearer", {}, "realm="), Make("basic", {{"realm", "b"}})}},
    {"JunkAfterAValueEndsItsChallenge",
     R"(Bearer realm="r" junk, Basic realm="b")",
     {Make("bearer", {{"realm", "r"}}), Make("basic", {{"realm", "b"}})}},
    {"AGarbageSchemeIsSkipped",
     R"("quoted", =x, Basic realm="b")",
     {Make("basic", {{"realm", "b"}})}},
    {"NonAsciiBytesInQuotedValuesArePassedThrough",
     "Bearer realm=\"caf\xc3\xa9\"",
     {Make("bearer", {{"realm", "caf\xc3\xa9"}})}},
};

INSTANTIATE_TEST_SUITE_P(Table, ParseWwwAuthenticateTest,
                         ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(ChallengeTest, ParamReturnsEmptyForAnAbsentName) {
  const Challenge challenge = Make("bearer", {{"realm", "r"}});
  EXPECT_EQ(challenge.Param("realm"), "r");
  EXPECT_EQ(challenge.Param("scope"), "");
}

TEST(FormatWwwAuthenticateTest, QuotesEveryValueAndEscapesQuotes) {
  EXPECT_EQ(FormatWwwAuthenticate(
                {Make("bearer", {{"realm", "a\"b\\c"}}), Make("basic", {})}),
            R"(bearer realm="a\"b\\c", basic)");
}

}  // namespace
}  // namespace tributary::registry
