#include "service/registry/tag_list_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/registry/tag_paging.h"

namespace tributary::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// limits.max_tag_list_bytes' default: the largest list an upstream may send.
constexpr size_t kLargestList = 8 << 20;

int64_t PeakRssBytes() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

// First in the file, so the peak is not already raised by other tests.
TEST(TagListJsonTest, TheLargestAllowedListOfOneTagCostsNoMoreThanItsBytes) {
  std::string body = R"({"name":"demo","tags":[)";
  while (body.size() < kLargestList - 8) {
    body += R"("a",)";
  }
  body += R"("a"]})";
  const int64_t before = PeakRssBytes();

  absl::StatusOr<TagListBody> list = ParseTagListJson(body, 0, "");

  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->tags, ElementsAre("a"));
  // A DOM of it costs over 100 MiB (bench/tag_list_rss.sh); the parser keeps
  // a few pruned tags.
  EXPECT_LT(PeakRssBytes() - before, 4 << 20);
}

TEST(TagListJsonTest, KeepsTheNameAndTheTags) {
  absl::StatusOr<TagListBody> list = ParseTagListJson(
      R"({"name": "demo/app", "tags": ["v2", "v1", "latest"]})", 0, "");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->name, "demo/app");
  EXPECT_THAT(list->tags, UnorderedElementsAre("v1", "v2", "latest"));
}

TEST(TagListJsonTest, DropsEntriesThatAreNotTags) {
  absl::StatusOr<TagListBody> list = ParseTagListJson(
      R"({"tags": ["ok", 5, null, ["nested"], {"a": "b"}, "-bad", "fine"]})", 0,
      "");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->tags, UnorderedElementsAre("ok", "fine"));
}

TEST(TagListJsonTest, DropsANameThatIsNotARepositoryName) {
  absl::StatusOr<TagListBody> list =
      ParseTagListJson(R"({"name": "Not/A/Repo!", "tags": ["a"]})", 0, "");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->name, "");
  EXPECT_THAT(list->tags, ElementsAre("a"));
}

TEST(TagListJsonTest, NullOrMissingTagsIsAnEmptyList) {
  for (const char* body : {R"({"name": "demo", "tags": null})", "{}"}) {
    absl::StatusOr<TagListBody> list = ParseTagListJson(body, 0, "");
    ASSERT_TRUE(list.ok()) << body << ": " << list.status();
    EXPECT_THAT(list->tags, IsEmpty()) << body;
  }
}

TEST(TagListJsonTest, OnlyTheTopLevelKeysCount) {
  absl::StatusOr<TagListBody> list = ParseTagListJson(
      R"({"meta": {"tags": 5, "name": ["x"]}, "tags": ["a"], "extra": [1]})", 0,
      "");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(list->tags, ElementsAre("a"));
}

TEST(TagListJsonTest, TagsThatAreNotAnArrayAreDataLoss) {
  for (const char* body :
       {R"({"tags": "a"})", R"({"tags": {"a": 1}})", R"({"tags": 3})"}) {
    absl::StatusOr<TagListBody> list = ParseTagListJson(body, 0, "");
    EXPECT_EQ(list.status().code(), absl::StatusCode::kDataLoss) << body;
    EXPECT_EQ(list.status().message(), "tag list \"tags\" is not an array")
        << body;
  }
}

TEST(TagListJsonTest, ABodyThatIsNotAJsonObjectIsDataLoss) {
  for (const char* body :
       {R"(["a"])", "\"a\"", "3", "", R"({"tags": ["a")", "{} {}"}) {
    absl::StatusOr<TagListBody> list = ParseTagListJson(body, 0, "");
    EXPECT_EQ(list.status().code(), absl::StatusCode::kDataLoss) << body;
    EXPECT_EQ(list.status().message(), "tag list is not a JSON object") << body;
  }
}

TEST(TagListJsonTest, KeepsOnlyWhatThePageCanShowAndPagesTheSame) {
  std::vector<std::string> all;
  for (int i = 0; i < 5000; ++i) {
    all.push_back(absl::StrCat("t", i));
    all.push_back(absl::StrCat("t", i));  // repeats, too
  }
  std::shuffle(all.begin(), all.end(), std::mt19937(7));
  std::string body = R"({"tags": [)";
  for (const std::string& tag : all) {
    absl::StrAppend(&body, "\"", tag, "\",");
  }
  body.back() = ']';
  body += "}";

  for (const auto& [page_size, last] : std::vector<std::pair<int, std::string>>{
           {3, ""}, {3, "t2500"}, {100, "t1"}, {0, "t9990"}, {3, "t9998"}}) {
    absl::StatusOr<TagListBody> list = ParseTagListJson(body, page_size, last);
    ASSERT_TRUE(list.ok()) << list.status();
    if (page_size > 0) {
      EXPECT_LE(list->tags.size(), std::max<size_t>(2048, 2 * page_size + 2));
    }
    TagPage parsed{.tags = list->tags};
    TagPage whole{.tags = all};
    ApplyTagPaging(page_size, last, parsed);
    ApplyTagPaging(page_size, last, whole);
    EXPECT_EQ(parsed.tags, whole.tags) << page_size << " " << last;
    EXPECT_EQ(parsed.next_last, whole.next_last) << page_size << " " << last;
  }
}

}  // namespace
}  // namespace tributary::registry
