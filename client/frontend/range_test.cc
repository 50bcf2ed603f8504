#include "client/frontend/range.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::frontend {
namespace {

using Kind = ByteRange::Kind;

struct RangeCase {
  std::string header;
  int64_t size;
  Kind kind;
  int64_t first;
  int64_t last;
};

TEST(RangeTest, InterpretsRangeHeadersPerRfc9110) {
  const RangeCase cases[] = {
      {"", 100, Kind::kWhole, 0, 0},
      {"bytes=0-9", 100, Kind::kPartial, 0, 9},
      {"bytes=10-", 100, Kind::kPartial, 10, 99},
      {"bytes=90-200", 100, Kind::kPartial, 90, 99},
      {"bytes=-5", 100, Kind::kPartial, 95, 99},
      {"bytes=-500", 100, Kind::kPartial, 0, 99},
      {" bytes=0-0 ", 100, Kind::kPartial, 0, 0},
      {"bytes=99-99", 100, Kind::kPartial, 99, 99},
      // Unsatisfiable: starts at or past the end, empty suffix, empty blob.
      {"bytes=100-", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=100-200", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=-0", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=0-", 0, Kind::kUnsatisfiable, 0, 0},
      // Ignored: another unit, several ranges, nonsense, b < a.
      {"items=0-9", 100, Kind::kWhole, 0, 0},
      {"bytes=0-9,20-29", 100, Kind::kWhole, 0, 0},
      {"bytes=abc", 100, Kind::kWhole, 0, 0},
      {"bytes=9-0", 100, Kind::kWhole, 0, 0},
      {"bytes=-", 100, Kind::kWhole, 0, 0},
      {"bytes=99999999999999999999-", 100, Kind::kWhole, 0, 0},
  };
  for (const RangeCase& c : cases) {
    const ByteRange range = ParseRange(c.header, c.size);
    EXPECT_EQ(range.kind, c.kind) << c.header;
    if (c.kind == Kind::kPartial) {
      EXPECT_EQ(range.first, c.first) << c.header;
      EXPECT_EQ(range.last, c.last) << c.header;
      EXPECT_EQ(range.length(), c.last - c.first + 1) << c.header;
    }
  }
}

}  // namespace
}  // namespace tributary::frontend
