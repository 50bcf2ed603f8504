#include "service/oci/quote.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::oci {
namespace {

struct Case {
  std::string test_name;
  std::string input;
  std::string quoted;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.test_name; }

class QuoteForErrorTest : public testing::TestWithParam<Case> {};

TEST_P(QuoteForErrorTest, QuotesSafely) {
  EXPECT_EQ(QuoteForError(GetParam().input), GetParam().quoted);
}

INSTANTIATE_TEST_SUITE_P(
    Quote, QuoteForErrorTest,
    testing::ValuesIn(std::vector<Case>{
        {"QuotesEmptyInput", "", R"("")"},
        {"KeepsPrintableAscii", "library/alpine", R"("library/alpine")"},
        {"EscapesCarriageReturnAndLineFeed", "a\r\nb", R"("a\r\nb")"},
        {"EscapesNulByte", std::string("a\0z", 3), R"("a\x00z")"},
        // CHexEscape keeps "\x00b" from reading as one escape, 0x00b.
        {"EscapesHexDigitsAfterHexEscape", std::string("a\0b", 3),
         R"("a\x00\x62")"},
        {"EscapesOtherControlCharacters", "\x1b[31m", R"("\x1b[31m")"},
        {"EscapesDoubleQuote", "a\"b", R"("a\"b")"},
        {"EscapesNonAsciiBytes", "\xc3\xa9", R"("\xc3\xa9")"},
        {"KeepsInputOfExactly80Bytes", std::string(80, 'x'),
         "\"" + std::string(80, 'x') + "\""},
        {"TruncatesInputLongerThan80Bytes", std::string(81, 'x'),
         "\"" + std::string(80, 'x') + "\"..."},
        {"TruncatesBeforeEscaping", std::string(79, 'x') + "\n\n",
         "\"" + std::string(79, 'x') + "\\n\"..."},
    }),
    [](const testing::TestParamInfo<Case>& info) {
      return info.param.test_name;
    });

TEST(QuoteCharForErrorTest, QuotesPrintableCharacter) {
  EXPECT_EQ(QuoteCharForError('%'), "'%'");
}

TEST(QuoteCharForErrorTest, EscapesControlCharacter) {
  EXPECT_EQ(QuoteCharForError('\r'), R"('\r')");
  EXPECT_EQ(QuoteCharForError('\0'), R"('\x00')");
}

}  // namespace
}  // namespace tributary::oci
