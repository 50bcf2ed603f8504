#include "service/registry/link_header.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

// A Link header value and the `last` of its next link, if any.
struct Case {
  std::string header;
  std::optional<std::string> last;
};

void ExpectNextPageLast(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(NextPageLast(c.header), c.last) << "Link: " << c.header;
  }
}

TEST(NextPageLastTest, ReadsLastFromStandardNextLink) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?n=10&last=v9>; rel="next")", "v9"},
      {R"(</v2/foo/tags/list?last=v9&n=10>; rel="next")", "v9"},
      {R"(</v2/library/alpine/tags/list?last=3.20_rc-1>;rel="next")",
       "3.20_rc-1"},
      {R"(  </v2/foo/tags/list?n=10&last=v9>  ;  rel = "next"  )", "v9"},
  });
}

TEST(NextPageLastTest, AcceptsAbsoluteTargetUrl) {
  ExpectNextPageLast({
      {R"(<https://registry.example.com/v2/foo/tags/list?n=10&last=v9>; rel="next")",
       "v9"},
  });
}

TEST(NextPageLastTest, AcceptsRelWithoutQuotes) {
  ExpectNextPageLast({
      {"</v2/foo/tags/list?n=10&last=v9>; rel=next", "v9"},
      {"</v2/foo/tags/list?n=10&last=v9>;rel=next", "v9"},
  });
}

TEST(NextPageLastTest, MatchesRelNameAndValueCaseInsensitively) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?last=v9>; REL="NEXT")", "v9"},
      {R"(</v2/foo/tags/list?last=v9>; Rel=Next)", "v9"},
  });
}

TEST(NextPageLastTest, AcceptsRelListingSeveralTypes) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?last=v9>; rel="prefetch next")", "v9"},
      {R"(</v2/foo/tags/list?last=v9>; type="text/plain"; rel="next")", "v9"},
  });
}

TEST(NextPageLastTest, FindsNextLinkListedSecond) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?last=a>; rel="prev", </v2/foo/tags/list?n=10&last=v9>; rel="next")",
       "v9"},
      {R"(</v2/foo/tags/list?last=a>; rel=prev, </v2/foo/tags/list?last=v9>; rel=next)",
       "v9"},
  });
}

// RFC 8288 section 3 allows links in any order; a next link followed by
// another must not be missed because of the comma that separates them.
TEST(NextPageLastTest, FindsNextLinkListedFirst) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?n=10&last=v9>; rel="next", </v2/foo/tags/list?last=a>; rel="prev")",
       "v9"},
      {R"(</v2/foo/tags/list?n=10&last=v9>; rel=next, </v2/foo/tags/list?last=a>; rel=prev)",
       "v9"},
      {R"(</v2/foo/tags/list?n=10&last=v9>; rel="next",</v2/foo/tags/list?last=a>; rel="prev")",
       "v9"},
  });
}

TEST(NextPageLastTest, ReturnsNulloptWithoutNextLink) {
  ExpectNextPageLast({
      {"", std::nullopt},
      {R"(</v2/foo/tags/list?last=a>; rel="prev")", std::nullopt},
      {R"(</v2/foo/tags/list?last=a>; rel="nextpage")", std::nullopt},
      {R"(</v2/foo/tags/list?last=a>; title="next")", std::nullopt},
      {R"(</v2/foo/tags/list?last=a>)", std::nullopt},
      {R"(</v2/foo/tags/list?last=a>; rel="prev", </v2/foo/tags/list?last=b>; rel="first")",
       std::nullopt},
  });
}

TEST(NextPageLastTest, ReturnsNulloptWhenNextLinkHasNoLast) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?n=10>; rel="next")", std::nullopt},
      {R"(</v2/foo/tags/list>; rel="next")", std::nullopt},
      {R"(</v2/foo/tags/list?n=10&lastx=v9>; rel="next")", std::nullopt},
      {R"(</v2/foo/tags/list?n=10&last>; rel="next")", std::nullopt},
      {R"(<>; rel="next")", std::nullopt},
  });
}

TEST(NextPageLastTest, DecodesPercentEncodedLast) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?n=10&last=v1%2E0%2Drc>; rel="next")", "v1.0-rc"},
      {R"(</v2/foo/tags/list?last=a%5Fb>; rel="next")", "a_b"},
  });
}

TEST(NextPageLastTest, RejectsTargetThatIsNotAUri) {
  ExpectNextPageLast({
      {R"(</v2/foo/tags/list?last=%zz>; rel="next")", std::nullopt},
      {R"(</v2/foo bar/tags/list?last=v9>; rel="next")", std::nullopt},
  });
}

// Garbage has no next link with a `last`: NextPageLast returns nullopt for all
// of it (and neither crashes nor trips a sanitizer getting there).
TEST(NextPageLastTest, NeverCrashesOnGarbage) {
  std::vector<std::string> inputs = {
      "<",
      ">",
      "<>",
      "><",
      "<<<>>>",
      ";;;",
      ",,,",
      "rel=next",
      "<x>; rel=",
      "<x>; rel=\"",
      "<x>; rel=\"\"",
      "<x>; =next",
      "<?&&&=last=&last>; rel=next",
      "<%>; rel=next",
      std::string("<a?last=\0b>; rel=next", 21),
      std::string(100000, '<'),
      std::string(100000, ';'),
  };
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) {
    all_bytes.push_back(static_cast<char>(b));
  }
  inputs.push_back(all_bytes);
  // Deterministic pseudo-random strings over the characters the parser cares
  // about. There is no 's' in the alphabet, so none can name `last`.
  constexpr char kAlphabet[] = "<>;=,\" \tnextrl?&%2Fa\\";
  uint32_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string input;
    const int length = static_cast<int>(state % 40);
    for (int j = 0; j < length; ++j) {
      state = state * 1664525u + 1013904223u;
      input.push_back(kAlphabet[(state >> 16) % (sizeof(kAlphabet) - 1)]);
    }
    state = state * 1664525u + 1013904223u;
    inputs.push_back(std::move(input));
  }
  for (const std::string& input : inputs) {
    EXPECT_EQ(NextPageLast(input), std::nullopt)
        << "Link: " << input.substr(0, 80);
  }
}

TEST(NextPageLastTest, ReadsAnEmptyLastAsEmpty) {
  ExpectNextPageLast({{"<x?last=>; rel=next", ""}});
}

}  // namespace
}  // namespace tributary::registry
