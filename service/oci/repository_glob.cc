#include "service/oci/repository_glob.h"

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/oci/names.h"
#include "service/oci/quote.h"

namespace tributary::oci {
namespace {

enum class Kind {
  kLiteral,        // one given character
  kOne,            // ?
  kStar,           // *
  kGlobStar,       // ** at the end: anything
  kGlobStarSlash,  // **/ : nothing, or anything that ends in '/'
};

struct Token {
  Kind kind;
  char c = 0;
};

bool IsPatternChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
         c == '_' || c == '-' || c == '/' || c == '*' || c == '?';
}

absl::Status GlobError(std::string_view pattern, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("pattern ", QuoteForError(pattern), ": ", reason));
}

// Assumes a valid pattern.
std::vector<Token> Tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      if (i + 2 < pattern.size()) {  // followed by '/'
        tokens.push_back({Kind::kGlobStarSlash});
        i += 2;
      } else {
        tokens.push_back({Kind::kGlobStar});
        i += 1;
      }
    } else if (c == '*') {
      tokens.push_back({Kind::kStar});
    } else if (c == '?') {
      tokens.push_back({Kind::kOne});
    } else {
      tokens.push_back({Kind::kLiteral, c});
    }
  }
  return tokens;
}

}  // namespace

absl::Status ValidateRepositoryGlob(std::string_view pattern) {
  if (pattern.empty()) {
    return absl::InvalidArgumentError("pattern is empty");
  }
  if (pattern.size() > kMaxRepositoryLength) {
    return GlobError(
        pattern, absl::StrCat("longer than ", kMaxRepositoryLength, " bytes"));
  }
  for (char c : pattern) {
    if (!IsPatternChar(c)) {
      return GlobError(pattern, absl::StrCat("character ", QuoteCharForError(c),
                                             " is not allowed (use lower-case "
                                             "a-z, 0-9, . _ - / * ?)"));
    }
  }
  size_t start = 0;
  while (true) {
    const size_t slash = pattern.find('/', start);
    const std::string_view component = pattern.substr(
        start, slash == std::string_view::npos ? std::string_view::npos
                                               : slash - start);
    if (component.empty()) {
      return GlobError(pattern,
                       "empty path component (leading, trailing or double "
                       "'/')");
    }
    if (component.find("**") != std::string_view::npos && component != "**") {
      return GlobError(pattern, "\"**\" must be a whole path component");
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return absl::OkStatus();
}

bool MatchRepositoryGlob(std::string_view pattern,
                         std::string_view repository) {
  const std::vector<Token> tokens = Tokenize(pattern);
  const size_t n = repository.size();
  // next[j]: tokens[i+1..] match repository[j..]; here[j]: tokens[i..] do.
  std::vector<char> next(n + 1, 0);
  std::vector<char> here(n + 1, 0);
  next[n] = 1;  // no tokens match only the empty rest
  for (size_t t = tokens.size(); t-- > 0;) {
    const Token& token = tokens[t];
    // Filled from the end: here[j] may depend on here[j + 1].
    here[n] = (token.kind == Kind::kStar || token.kind == Kind::kGlobStar ||
               token.kind == Kind::kGlobStarSlash) &&
              next[n];
    // For "**/": whether some '/' at k >= j has next[k + 1].
    bool slash_then_rest = false;
    for (size_t j = n; j-- > 0;) {
      const char c = repository[j];
      switch (token.kind) {
        case Kind::kLiteral:
          here[j] = c == token.c && next[j + 1];
          break;
        case Kind::kOne:
          here[j] = c != '/' && next[j + 1];
          break;
        case Kind::kStar:
          here[j] = next[j] || (c != '/' && here[j + 1]);
          break;
        case Kind::kGlobStar:
          here[j] = next[j] || here[j + 1];
          break;
        case Kind::kGlobStarSlash:
          slash_then_rest = slash_then_rest || (c == '/' && next[j + 1]);
          here[j] = next[j] || slash_then_rest;
          break;
      }
    }
    next.swap(here);
  }
  return next[0] != 0;
}

}  // namespace tributary::oci
