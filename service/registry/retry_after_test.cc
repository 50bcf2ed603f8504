#include "service/registry/retry_after.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
absl::Time RfcExampleTime() {
  return absl::FromCivil(absl::CivilSecond(1994, 11, 6, 8, 49, 37),
                         absl::UTCTimeZone());
}

struct Case {
  std::string test_name;
  std::string value;
  std::optional<absl::Duration> expected;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.test_name; }

class ParseRetryAfterTest : public testing::TestWithParam<Case> {};

TEST_P(ParseRetryAfterTest, GivesTheDelayFromNow) {
  // "Now" is 37 seconds before the example date.
  const absl::Time now = RfcExampleTime() - absl::Seconds(37);
  EXPECT_EQ(ParseRetryAfter(GetParam().value, now), GetParam().expected)
      << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseRetryAfterTest,
    testing::ValuesIn(std::vector<Case>{
        {"ReadsDelaySeconds", "120", absl::Seconds(120)},
        {"ReadsZeroSeconds", "0", absl::ZeroDuration()},
        {"IgnoresSurroundingSpace", "  7 ", absl::Seconds(7)},
        {"ReadsAnHour", "3600", absl::Hours(1)},
        {"ReadsImfFixdate", "Sun, 06 Nov 1994 08:49:37 GMT", absl::Seconds(37)},
        {"ReadsRfc850Date", "Sunday, 06-Nov-94 08:49:37 GMT",
         absl::Seconds(37)},
        {"ReadsAsctimeDate", "Sun Nov  6 08:49:37 1994", absl::Seconds(37)},
        {"TreatsAPastDateAsNoWait", "Sun, 06 Nov 1994 08:48:00 GMT",
         absl::ZeroDuration()},
        {"IgnoresAnEmptyValue", "", std::nullopt},
        {"IgnoresANegativeNumber", "-5", std::nullopt},
        {"IgnoresAFraction", "1.5", std::nullopt},
        {"IgnoresTrailingGarbage", "10s", std::nullopt},
        {"IgnoresAnAbsurdlyLargeNumber", "99999999999999999999", std::nullopt},
        {"IgnoresADateWithoutGmt", "Sun, 06 Nov 1994 08:49:37", std::nullopt},
        {"IgnoresText", "soon", std::nullopt},
    }),
    [](const auto& info) { return info.param.test_name; });

}  // namespace
}  // namespace tributary::registry
