#include "service/resolve/fanout/scope.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::resolve {
namespace {

struct ScopeCase {
  std::string test_name;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string caller_name;
  std::string upstream_name;  // after a library/ rewrite
  bool admits;
};

void PrintTo(const ScopeCase& c, std::ostream* out) { *out << c.test_name; }

class ScopeTest : public testing::TestWithParam<ScopeCase> {};

TEST_P(ScopeTest, AdmitsAsTheTableSays) {
  const ScopeCase& c = GetParam();
  EXPECT_EQ(Scope(c.include, c.exclude).Admits(c.caller_name, c.upstream_name),
            c.admits);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScopeTest,
    testing::ValuesIn(std::vector<ScopeCase>{
        {"NoRulesAdmitEverything", {}, {}, "any/repo", "any/repo", true},
        {"IncludeAdmitsAMatch",
         {"library/*"},
         {},
         "library/alpine",
         "library/alpine",
         true},
        {"IncludeRefusesEverythingElse",
         {"library/*"},
         {},
         "myorg/app",
         "myorg/app",
         false},
        {"AnyIncludePatternWillDo",
         {"library/*", "myorg/**"},
         {},
         "myorg/team/app",
         "myorg/team/app",
         true},
        {"ExcludeAloneRefusesItsMatches",
         {},
         {"internal/**"},
         "internal/db",
         "internal/db",
         false},
        {"ExcludeAloneAdmitsTheRest",
         {},
         {"internal/**"},
         "public/web",
         "public/web",
         true},
        {"ExcludeWinsOverInclude",
         {"myorg/**"},
         {"myorg/secret/*"},
         "myorg/secret/keys",
         "myorg/secret/keys",
         false},
        {"IncludeStillAdmitsWhatExcludeMisses",
         {"myorg/**"},
         {"myorg/secret/*"},
         "myorg/public/web",
         "myorg/public/web",
         true},
        {"MatchesTheNameAfterTheLibraryRewrite",
         {"library/*"},
         {},
         "alpine",
         "library/alpine",
         true},
        {"MatchesTheNameTheCallerUsed",
         {"alpine"},
         {},
         "alpine",
         "library/alpine",
         true},
        {"ExcludeMatchesEitherName",
         {},
         {"library/*"},
         "alpine",
         "library/alpine",
         false},
    }),
    [](const auto& info) { return info.param.test_name; });

TEST(ScopeTest, DefaultScopeAdmitsEveryRepository) {
  EXPECT_TRUE(Scope().Admits("a/b/c", "a/b/c"));
}

TEST(ScopeTest, ReadsTheConfig) {
  v1::ScopeConfig config;
  config.add_include("myorg/**");
  config.add_exclude("myorg/secret");
  const Scope scope = Scope::FromConfig(config);
  EXPECT_TRUE(scope.Admits("myorg/app", "myorg/app"));
  EXPECT_FALSE(scope.Admits("myorg/secret", "myorg/secret"));
  EXPECT_FALSE(scope.Admits("other/app", "other/app"));
}

}  // namespace
}  // namespace tributary::resolve
