#include "service/oci/names.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/oci/quote.h"

namespace tributary::oci {
namespace {

bool IsLowerAlnum(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c);
}

bool IsSeparator(char c) { return c == '.' || c == '_' || c == '-'; }

bool IsTagChar(char c) { return absl::ascii_isalnum(c) || IsSeparator(c); }

absl::Status RepositoryError(std::string_view name, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("repository ", QuoteForError(name), ": ", reason));
}

absl::Status TagError(std::string_view tag, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("tag ", QuoteForError(tag), ": ", reason));
}

// The grammar allows exactly ".", "_", "__" or one or more '-' between
// alphanumeric runs; "a..b" and "a___b" are out.
bool IsAllowedSeparatorRun(std::string_view run) {
  if (run == "." || run == "_" || run == "__") {
    return true;
  }
  return std::all_of(run.begin(), run.end(), [](char c) { return c == '-'; });
}

// Checks every byte outside the path structure, so that components only hold
// [a-z0-9._-] afterwards and the first bad byte is the one reported.
absl::Status CheckRepositoryCharacters(std::string_view name) {
  for (char c : name) {
    if (c == '/' || IsLowerAlnum(c) || IsSeparator(c)) {
      continue;
    }
    if (absl::ascii_isupper(c)) {
      return RepositoryError(name, "upper-case letters are not allowed");
    }
    return RepositoryError(
        name,
        absl::StrCat("character ", QuoteCharForError(c), " is not allowed"));
  }
  return absl::OkStatus();
}

absl::Status CheckSeparators(std::string_view name,
                             std::string_view component) {
  std::size_t i = 0;
  while (i < component.size()) {
    if (!IsSeparator(component[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < component.size() && IsSeparator(component[i])) {
      ++i;
    }
    const std::string_view run = component.substr(start, i - start);
    if (!IsAllowedSeparatorRun(run)) {
      return RepositoryError(
          name, absl::StrCat("path component ", QuoteForError(component),
                             " has separator ", QuoteForError(run),
                             "; only \".\", \"_\", \"__\" or dashes may "
                             "join letters and digits"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckComponent(std::string_view name, std::string_view component) {
  if (component.empty()) {
    return RepositoryError(name, "empty path component");
  }
  // Named explicitly: these are path traversal attempts, not typos.
  if (component == "." || component == "..") {
    return RepositoryError(
        name, absl::StrCat("path component ", QuoteForError(component),
                           " is not allowed"));
  }
  if (!IsLowerAlnum(component.front()) || !IsLowerAlnum(component.back())) {
    return RepositoryError(
        name, absl::StrCat("path component ", QuoteForError(component),
                           " must start and end with a lower-case letter "
                           "or digit"));
  }
  return CheckSeparators(name, component);
}

absl::Status CheckComponents(std::string_view name) {
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string_view component = name.substr(start, slash - start);
    if (absl::Status status = CheckComponent(name, component); !status.ok()) {
      return status;
    }
    if (slash == std::string_view::npos) {
      return absl::OkStatus();
    }
    start = slash + 1;
  }
}

}  // namespace

absl::Status ValidateRepository(std::string_view name) {
  if (name.empty()) {
    return RepositoryError(name, "must not be empty");
  }
  if (name.size() > kMaxRepositoryLength) {
    return RepositoryError(name, absl::StrCat("is ", name.size(),
                                              " characters long; the limit is ",
                                              kMaxRepositoryLength));
  }
  if (absl::Status status = CheckRepositoryCharacters(name); !status.ok()) {
    return status;
  }
  return CheckComponents(name);
}

absl::Status ValidateTag(std::string_view tag) {
  if (tag.empty()) {
    return TagError(tag, "must not be empty");
  }
  if (tag.size() > kMaxTagLength) {
    return TagError(
        tag, absl::StrCat("is ", tag.size(), " characters long; the limit is ",
                          kMaxTagLength));
  }
  for (char c : tag) {
    if (!IsTagChar(c)) {
      return TagError(tag, absl::StrCat("character ", QuoteCharForError(c),
                                        " is not allowed"));
    }
  }
  if (!absl::ascii_isalnum(tag.front()) && tag.front() != '_') {
    return TagError(tag, "must start with a letter, digit or '_'");
  }
  return absl::OkStatus();
}

}  // namespace tributary::oci
