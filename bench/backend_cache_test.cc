#include "bench/backend_cache.h"

#include <atomic>
#include <string>

#include "gtest/gtest.h"

namespace tributary::bench {
namespace {

using testing::FakeResponse;
using testing::RecordedRequest;

FakeResponse Whole(std::string body) {
  FakeResponse response;
  response.headers = {{"Docker-Content-Digest", "sha256:x"}};
  response.body = std::move(body);
  return response;
}

RecordedRequest Get(std::string target, std::string range = "") {
  RecordedRequest request{.method = "GET", .target = std::move(target)};
  if (!range.empty()) {
    request.headers.emplace_back("Range", std::move(range));
  }
  return request;
}

std::string HeaderOf(const FakeResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

TEST(RangeOfTest, CutsTheRangeAskedFor) {
  const FakeResponse part = RangeOf(Whole("0123456789"), "bytes=4-");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "456789");
  EXPECT_EQ(HeaderOf(part, "Content-Range"), "bytes 4-9/10");
  EXPECT_EQ(HeaderOf(part, "Docker-Content-Digest"), "sha256:x");

  const FakeResponse bounded = RangeOf(Whole("0123456789"), "bytes=2-3");
  EXPECT_EQ(bounded.body, "23");
  EXPECT_EQ(HeaderOf(bounded, "Content-Range"), "bytes 2-3/10");
}

TEST(RangeOfTest, ARangePastTheEndIs416) {
  const FakeResponse part = RangeOf(Whole("0123"), "bytes=4-");
  EXPECT_EQ(part.status, 416);
  EXPECT_EQ(HeaderOf(part, "Content-Range"), "bytes */4");
}

TEST(RangeOfTest, AnythingElseGetsTheWholeAnswer) {
  for (const char* range : {"items=1-", "bytes=-5", "bytes=a-", "bytes=1"}) {
    EXPECT_EQ(RangeOf(Whole("0123"), range).status, 200) << range;
  }
}

TEST(BackendCacheTest, FetchesEachAnswerOnceWithoutItsRange) {
  std::atomic<int> fetches = 0;
  BackendCache cache([&](const RecordedRequest& request) {
    ++fetches;
    EXPECT_EQ(request.Header("Range"), "");
    return Whole("0123456789");
  });
  EXPECT_EQ(cache.Answer(Get("/v2/a/blobs/x")).body, "0123456789");
  EXPECT_EQ(cache.Answer(Get("/v2/a/blobs/x", "bytes=8-")).body, "89");
  EXPECT_EQ(cache.Answer(Get("/v2/a/blobs/x")).body, "0123456789");
  EXPECT_EQ(fetches, 1);
}

TEST(BackendCacheTest, KeepsNoFailure) {
  std::atomic<int> fetches = 0;
  BackendCache cache([&](const RecordedRequest&) {
    FakeResponse failed;
    failed.status = ++fetches == 1 ? 502 : 200;
    return failed;
  });
  EXPECT_EQ(cache.Answer(Get("/v2/a/tags/list")).status, 502);
  EXPECT_EQ(cache.Answer(Get("/v2/a/tags/list")).status, 200);
  EXPECT_EQ(cache.Answer(Get("/v2/a/tags/list")).status, 200);
  EXPECT_EQ(fetches, 2);
}

}  // namespace
}  // namespace tributary::bench
