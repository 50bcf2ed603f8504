#include "client/cli/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::client::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<FlagSpec> kSpecs = {
    {.name = "addr"},
    {.name = "all", .takes_value = false},
    {.name = "file", .short_name = 'o'},
    {.name = "call"},
};

TEST(ArgsTest, AcceptsFlagsAnywhereInEveryForm) {
  auto args = Args::Parse(
      {"tags", "--addr=h:1", "repo", "--all", "-o", "f", "--call", "a b"},
      kSpecs);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(args->positional(), ElementsAre("tags", "repo"));
  EXPECT_EQ(args->Get("addr"), "h:1");
  EXPECT_TRUE(args->Has("all"));
  EXPECT_EQ(args->Get("file"), "f");
  EXPECT_EQ(args->Get("call"), "a b");
  EXPECT_THAT(args->names(), ElementsAre("addr", "all", "call", "file"));
}

TEST(ArgsTest, KeepsEveryValueOfARepeatedFlagAndGetReturnsTheLast) {
  auto args = Args::Parse({"--call", "x", "--call=y"}, kSpecs);
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->GetAll("call"), ElementsAre("x", "y"));
  EXPECT_EQ(args->Get("call"), "y");
}

TEST(ArgsTest, GetFallsBackWhenAFlagIsAbsent) {
  auto args = Args::Parse({}, kSpecs);
  ASSERT_TRUE(args.ok());
  EXPECT_FALSE(args->Has("addr"));
  EXPECT_EQ(args->Get("addr", "localhost:50051"), "localhost:50051");
  EXPECT_TRUE(args->GetAll("call").empty());
}

TEST(ArgsTest, DoubleDashEndsTheFlags) {
  auto args = Args::Parse({"--all", "--", "--addr", "-o"}, kSpecs);
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->positional(), ElementsAre("--addr", "-o"));
}

TEST(ArgsTest, ALoneDashIsPositional) {
  auto args = Args::Parse({"-"}, kSpecs);
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->positional(), ElementsAre("-"));
}

TEST(ArgsTest, RefusesAnUnknownFlagNamingIt) {
  auto args = Args::Parse({"--nope=1"}, kSpecs);
  EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(args.status().message(), HasSubstr("unknown flag --nope"));
  EXPECT_THAT(Args::Parse({"-x"}, kSpecs).status().message(),
              HasSubstr("unknown flag -x"));
}

TEST(ArgsTest, RefusesAFlagWithoutItsValue) {
  auto args = Args::Parse({"repo", "--addr"}, kSpecs);
  EXPECT_THAT(args.status().message(), HasSubstr("--addr needs a value"));
}

TEST(ArgsTest, RefusesAValueForAFlagThatTakesNone) {
  auto args = Args::Parse({"--all=yes"}, kSpecs);
  EXPECT_THAT(args.status().message(), HasSubstr("--all takes no value"));
}

}  // namespace
}  // namespace tributary::client::cli
