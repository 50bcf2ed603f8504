#include "client/cli/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace tributary::client::cli {
namespace {

using ::testing::HasSubstr;

TEST(HumanBytesTest, PicksTheLargestUnitBelow1024) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(3 * 1024 * 1024), "3.0 MiB");
  EXPECT_EQ(HumanBytes(int64_t{5} << 30), "5.0 GiB");
}

TEST(RenderProgressTest, DrawsABarWithPercentAndSizes) {
  EXPECT_EQ(RenderProgress(1536, 3072),
            "[##########          ]  50%  1.5 KiB / 3.0 KiB");
  EXPECT_EQ(RenderProgress(10, 10), "[####################] 100%  10 B / 10 B");
}

TEST(RenderProgressTest, ShowsBytesAloneWithoutATotal) {
  EXPECT_EQ(RenderProgress(2048, 0), "2.0 KiB");
}

TEST(RenderProgressTest, ClampsMoreThanTheTotal) {
  EXPECT_THAT(RenderProgress(20, 10), HasSubstr("100%"));
}

TEST(ProgressBarTest, IsSilentWhenDisabled) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/false);
  bar.Update(5, 10);
  bar.Finish();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBarTest, RedrawsInPlaceAndEndsTheLine) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/true);
  bar.Update(5, 10);
  bar.Update(10, 10);  // Within 100 ms: not drawn until Finish.
  bar.Finish();
  EXPECT_THAT(out.str(), HasSubstr("\r[##########          ]  50%"));
  EXPECT_THAT(out.str(), HasSubstr("100%  10 B / 10 B\x1b[K\n"));
}

}  // namespace
}  // namespace tributary::client::cli
