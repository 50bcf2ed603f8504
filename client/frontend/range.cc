#include "client/frontend/range.h"

#include <charconv>
#include <optional>

namespace tributary::frontend {
namespace {

// A non-empty decimal that fits in int64; nullopt otherwise.
std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

ByteRange Partial(int64_t first, int64_t last) {
  return ByteRange{ByteRange::Kind::kPartial, first, last};
}

constexpr ByteRange kWhole{};
constexpr ByteRange kUnsatisfiable{ByteRange::Kind::kUnsatisfiable, 0, 0};

// `text` without surrounding spaces and tabs.
std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

ByteRange ParseRange(std::string_view header, int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  std::string_view spec = Trim(header);
  if (spec.substr(0, kUnit.size()) != kUnit ||
      spec.find(',') != std::string_view::npos) {
    return kWhole;
  }
  spec = Trim(spec.substr(kUnit.size()));
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) {
    return kWhole;
  }
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // suffix: the last n bytes
    const std::optional<int64_t> n = ParseCount(last_text);
    if (!n.has_value()) {
      return kWhole;
    }
    if (*n == 0 || size == 0) {
      return kUnsatisfiable;
    }
    return Partial(*n >= size ? 0 : size - *n, size - 1);
  }
  const std::optional<int64_t> first = ParseCount(first_text);
  if (!first.has_value()) {
    return kWhole;
  }
  std::optional<int64_t> last = size - 1;
  if (!last_text.empty()) {
    last = ParseCount(last_text);
    if (!last.has_value() || *last < *first) {
      return kWhole;
    }
  }
  if (*first >= size) {
    return kUnsatisfiable;
  }
  return Partial(*first, *last >= size ? size - 1 : *last);
}

}  // namespace tributary::frontend
