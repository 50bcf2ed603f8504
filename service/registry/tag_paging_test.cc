#include "service/registry/tag_paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::registry {
namespace {

using ::testing::ElementsAre;

TagPage Page(std::vector<std::string> tags, std::string next_last = "") {
  return TagPage{.name = "demo",
                 .tags = std::move(tags),
                 .next_last = std::move(next_last)};
}

TEST(TagPagingTest, CutsAnUnpaginatedAnswerToThePageSize) {
  TagPage page = Page({"a", "b", "c"});
  ApplyTagPaging(2, "", page);
  EXPECT_THAT(page.tags, ElementsAre("a", "b"));
  EXPECT_EQ(page.next_last, "b");
}

TEST(TagPagingTest, SkipsTagsUpToLastWhenTheUpstreamIgnoredIt) {
  TagPage page = Page({"a", "b", "c"});
  ApplyTagPaging(2, "b", page);
  EXPECT_THAT(page.tags, ElementsAre("c"));
  EXPECT_EQ(page.next_last, "");
}

TEST(TagPagingTest, LeavesAPaginatedAnswerAlone) {
  TagPage page = Page({"c", "d"}, "d");
  ApplyTagPaging(2, "b", page);
  EXPECT_THAT(page.tags, ElementsAre("c", "d"));
  EXPECT_EQ(page.next_last, "d");
}

TEST(TagPagingTest, ZeroPageSizeKeepsEveryTag) {
  TagPage page = Page({"a", "b", "c"});
  ApplyTagPaging(0, "", page);
  EXPECT_THAT(page.tags, ElementsAre("a", "b", "c"));
  EXPECT_EQ(page.next_last, "");
}

TEST(TagPagingTest, LastPastEveryTagLeavesAnEmptyPage) {
  TagPage page = Page({"a", "b"});
  ApplyTagPaging(5, "z", page);
  EXPECT_TRUE(page.tags.empty());
  EXPECT_EQ(page.next_last, "");
}

}  // namespace
}  // namespace tributary::registry
