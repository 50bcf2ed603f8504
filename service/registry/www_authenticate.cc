#include "service/registry/www_authenticate.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tributary::registry {
namespace {

// RFC 9110 5.6.2 tchar.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-.^_`|~", c);
}

// RFC 9110 11.2 token68 characters, before its trailing '='s.
bool IsToken68Char(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("-._~+/", c);
}

bool IsWhiteSpace(char c) { return c == ' ' || c == '\t'; }

// A cursor over one field value. Not thread-safe; lives for one parse.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  std::vector<Challenge> Challenges() {
    std::vector<Challenge> challenges;
    while (true) {
      SkipWhile([](char c) { return c == ',' || IsWhiteSpace(c); });
      if (AtEnd()) {
        return challenges;
      }
      const absl::string_view scheme = Token();
      if (scheme.empty() ||
          (!AtEnd() && !IsWhiteSpace(Peek()) && Peek() != ',')) {
        SkipPastComma();  // not a challenge
        continue;
      }
      Challenge& challenge = challenges.emplace_back();
      challenge.scheme = absl::AsciiStrToLower(scheme);
      SkipWhile(IsWhiteSpace);
      if (!Token68(challenge.token68)) {
        Params(challenge);
      }
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  template <class Predicate>
  void SkipWhile(Predicate predicate) {
    while (!AtEnd() && predicate(Peek())) {
      ++pos_;
    }
  }

  void SkipPastComma() {
    SkipWhile([](char c) { return c != ','; });
  }

  absl::string_view Token() {
    const size_t start = pos_;
    SkipWhile(IsTokenChar);
    return text_.substr(start, pos_ - start);
  }

  // token68 followed by the end of the challenge; consumed only then.
  bool Token68(std::string& out) {
    const size_t start = pos_;
    SkipWhile(IsToken68Char);
    const size_t chars_end = pos_;
    SkipWhile([](char c) { return c == '='; });
    const size_t end = pos_;
    SkipWhile(IsWhiteSpace);
    if (chars_end == start || (!AtEnd() && Peek() != ',')) {
      pos_ = start;
      return false;
    }
    out = std::string(text_.substr(start, end - start));
    return true;
  }

  // At the opening quote. False when the closing quote never comes.
  bool QuotedString(std::string& out) {
    for (++pos_; !AtEnd(); ++pos_) {
      char c = Peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) {
        c = text_[++pos_];
      }
      out.push_back(c);
    }
    return false;
  }

  // Lenient: registries have been seen sending unquoted URLs, which are not
  // tokens; anything up to white space or a comma is taken.
  absl::string_view BareValue() {
    const size_t start = pos_;
    SkipWhile([](char c) { return c != ',' && c != '"' && !IsWhiteSpace(c); });
    return text_.substr(start, pos_ - start);
  }

  // name = value pairs until something that is not one: then the position is
  // left where the next challenge may start.
  void Params(Challenge& challenge) {
    while (true) {
      const size_t start = pos_;
      const absl::string_view name = Token();
      SkipWhile(IsWhiteSpace);
      if (name.empty() || AtEnd() || Peek() != '=') {
        pos_ = start;  // the next challenge's scheme, or garbage
        return;
      }
      ++pos_;
      SkipWhile(IsWhiteSpace);
      std::string value;
      if (!AtEnd() && Peek() == '"') {
        if (!QuotedString(value)) {
          return;  // unterminated: nothing after it can be trusted
        }
      } else {
        value = std::string(BareValue());
        if (value.empty()) {
          SkipPastComma();
          return;
        }
      }
      const std::string key = absl::AsciiStrToLower(name);
      if (!HasParam(challenge, key)) {
        challenge.params.emplace_back(key, std::move(value));
      }
      SkipWhile(IsWhiteSpace);
      if (!AtEnd() && Peek() != ',') {
        SkipPastComma();  // junk after the value ends the challenge
        return;
      }
      SkipWhile([](char c) { return c == ',' || IsWhiteSpace(c); });
    }
  }

  static bool HasParam(const Challenge& challenge, absl::string_view name) {
    for (const auto& [key, value] : challenge.params) {
      if (key == name) {
        return true;
      }
    }
    return false;
  }

  const absl::string_view text_;
  size_t pos_ = 0;
};

std::string Quoted(absl::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

absl::string_view Challenge::Param(absl::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

std::vector<Challenge> ParseWwwAuthenticate(absl::string_view value) {
  return Parser(value).Challenges();
}

std::string FormatWwwAuthenticate(const std::vector<Challenge>& challenges) {
  std::string out;
  for (const Challenge& challenge : challenges) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", challenge.scheme);
    if (!challenge.token68.empty()) {
      absl::StrAppend(&out, " ", challenge.token68);
      continue;
    }
    const char* separator = " ";
    for (const auto& [name, value] : challenge.params) {
      absl::StrAppend(&out, separator, name, "=", Quoted(value));
      separator = ", ";
    }
  }
  return out;
}

}  // namespace tributary::registry
