#include "service/util/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace tributary::util {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3"));
}

TEST(Utf8Test, RefusesWhatAProtobufParserWouldRefuse) {
  for (const std::string& bad : {
           std::string("\xC3"),              // cut short
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong, 3 bytes
           std::string("\xED\xA0\x80"),      // a surrogate
           std::string("\xF4\x90\x80\x80"),  // past U+10FFFF
           std::string("\xFF"),              // never a lead byte
           std::string("\x80"),              // a lone continuation
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad.size();
  }
}

TEST(Utf8Test, ReplacesEachBadByteWithTheReplacementCharacter) {
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xC3\x28\xED\xA0\x80")));
}

TEST(Utf8Test, APrefixNeverCutsASequence) {
  const std::string text = "ab\xE2\x82\xAC";  // "ab€"
  EXPECT_EQ(Utf8Prefix(text, 10), text);
  EXPECT_EQ(Utf8Prefix(text, 4), "ab");
  EXPECT_EQ(Utf8Prefix(text, 3), "ab");
  EXPECT_EQ(Utf8Prefix(text, 2), "ab");
  EXPECT_EQ(Utf8Prefix(text, 5), text);
}

}  // namespace
}  // namespace tributary::util
