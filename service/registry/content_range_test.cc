#include "service/registry/content_range.h"

#include <gtest/gtest.h>

namespace tributary::registry {
namespace {

TEST(ContentRangeTest, ParsesARangeWithTotal) {
  auto range = ParseContentRange("bytes 100-199/1000");
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->first, 100);
  EXPECT_EQ(range->last, 199);
  EXPECT_EQ(range->total, 1000);
}

TEST(ContentRangeTest, ParsesAnUnknownTotal) {
  auto range = ParseContentRange("bytes 0-9/*");
  ASSERT_TRUE(range.has_value());
  EXPECT_FALSE(range->total.has_value());
}

TEST(ContentRangeTest, RejectsMalformedOrInconsistentRanges) {
  for (const char* bad :
       {"", "bytes", "bytes 1-2", "items 0-1/2", "bytes 5-1/10",
        "bytes 0-10/10", "bytes -1-2/3", "bytes a-b/c", "bytes 0-1/2/3",
        "bytes +1-2/9", "bytes 0-99999999999999999999/1"}) {
    EXPECT_FALSE(ParseContentRange(bad).has_value()) << bad;
  }
}

TEST(ContentRangeTest, BuildsOpenAndClosedRangeHeaders) {
  EXPECT_EQ(RangeHeader(10, 0), "bytes=10-");
  EXPECT_EQ(RangeHeader(10, 20), "bytes=10-19");
}

}  // namespace
}  // namespace tributary::registry
