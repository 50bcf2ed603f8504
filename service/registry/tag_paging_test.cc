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

TEST(TagPagingTest, PagesAnUnsortedListInLexicalOrder) {
  // Debian 12's docker-registry lists tags in storage order.
  TagPage page = Page({"v1", "h", "f", "a", "c", "b", "g", "e", "d"});
  ApplyTagPaging(3, "b", page);
  EXPECT_THAT(page.tags, ElementsAre("c", "d", "e"));
  EXPECT_EQ(page.next_last, "e");
}

TEST(TagPagingTest, EveryTagAppearsOnceAcrossPages) {
  const std::vector<std::string> stored = {"v1", "h", "b", "f", "a",
                                           "c",  "g", "e", "d"};
  std::vector<std::string> seen;
  std::string last;
  for (int pages = 0; pages < 10; ++pages) {
    TagPage page = Page(stored);
    ApplyTagPaging(3, last, page);
    seen.insert(seen.end(), page.tags.begin(), page.tags.end());
    if (page.next_last.empty()) {
      break;
    }
    last = page.next_last;
  }
  EXPECT_THAT(seen, ElementsAre("a", "b", "c", "d", "e", "f", "g", "h", "v1"));
}

TEST(TagPagingTest, DropsRepeatedTags) {
  TagPage page = Page({"b", "a", "b"});
  ApplyTagPaging(0, "", page);
  EXPECT_THAT(page.tags, ElementsAre("a", "b"));
}

}  // namespace
}  // namespace tributary::registry
