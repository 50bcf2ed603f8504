#include "service/config/yaml_scalar.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "service/config/duration.h"
#include "service/config/errors.h"
#include "service/util/utf8.h"

namespace tributary::config::internal {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

// What a node is, for the "(got ...)" part of an error.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

// yaml-cpp tags plain scalars "?" and quoted ones "!".
bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }
bool IsString(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

bool LooksLikeInteger(absl::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    text.remove_prefix(1);
  }
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

// [-+]? (digits [. digits] | . digits) ([eE] [-+]? digits)?
bool LooksLikeFloat(absl::string_view text) {
  size_t i = 0;
  auto skip_sign = [&] {
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      ++i;
    }
  };
  auto skip_digits = [&] {
    const size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(text[i])) {
      ++i;
    }
    return i - start;
  };
  skip_sign();
  size_t mantissa_digits = skip_digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa_digits += skip_digits();
  }
  if (mantissa_digits == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    skip_sign();
    if (skip_digits() == 0) {
      return false;
    }
  }
  return i == text.size();
}

absl::StatusOr<json> BoolValue(const YAML::Node& node, absl::string_view path) {
  const std::string& text = node.Scalar();
  if (IsPlain(node) && (text == "true" || text == "True" || text == "TRUE")) {
    return true;
  }
  if (IsPlain(node) &&
      (text == "false" || text == "False" || text == "FALSE")) {
    return false;
  }
  return Expected(path, "true or false", node);
}

template <typename Int>
absl::StatusOr<Int> ParseInteger(const YAML::Node& node, absl::string_view path,
                                 absl::string_view type_name) {
  Int value = 0;
  if (!LooksLikeInteger(node.Scalar())) {
    return Expected(path, "an integer", node);
  }
  if (!absl::SimpleAtoi(node.Scalar(), &value)) {
    return Expected(path, absl::StrCat("an integer that fits ", type_name),
                    node);
  }
  return value;
}

// 64-bit integers become JSON strings, proto3 JSON's form that keeps all
// digits.
absl::StatusOr<json> IntegerValue(const YAML::Node& node,
                                  const FieldDescriptor& field,
                                  absl::string_view path) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      auto value = ParseInteger<int32_t>(node, path, "int32");
      return value.ok() ? absl::StatusOr<json>(*value) : value.status();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      auto value = ParseInteger<uint32_t>(node, path, "uint32");
      return value.ok() ? absl::StatusOr<json>(*value) : value.status();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      auto value = ParseInteger<int64_t>(node, path, "int64");
      return value.ok() ? absl::StatusOr<json>(absl::StrCat(*value))
                        : value.status();
    }
    default: {
      auto value = ParseInteger<uint64_t>(node, path, "uint64");
      return value.ok() ? absl::StatusOr<json>(absl::StrCat(*value))
                        : value.status();
    }
  }
}

absl::StatusOr<json> FloatValue(const YAML::Node& node,
                                absl::string_view path) {
  double value;
  if (!LooksLikeFloat(node.Scalar()) ||
      !absl::SimpleAtod(node.Scalar(), &value)) {
    return Expected(path, "a number", node);
  }
  return value;
}

absl::StatusOr<json> EnumValue(const YAML::Node& node,
                               const EnumDescriptor& type,
                               absl::string_view path) {
  if (type.FindValueByName(node.Scalar()) != nullptr) {
    return node.Scalar();
  }
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
  }
  return Expected(path, absl::StrCat("one of ", absl::StrJoin(names, ", ")),
                  node);
}

}  // namespace

absl::Status Expected(absl::string_view path, absl::string_view what,
                      const YAML::Node& node) {
  return FieldError(
      path, absl::StrCat("expected ", what, " (got ", Describe(node), ")"));
}

absl::StatusOr<json> ScalarValue(const YAML::Node& node,
                                 const FieldDescriptor& field,
                                 absl::string_view path) {
  if (!node.IsScalar()) {
    return Expected(path, "a single value", node);
  }
  if (!IsPlain(node) && !IsString(node)) {
    return FieldError(path, absl::StrCat("unsupported YAML tag ", node.Tag()));
  }
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      // A proto string is UTF-8; nlohmann's dump would throw on anything else.
      if (!util::IsValidUtf8(node.Scalar())) {
        return FieldError(path, "is not valid UTF-8");
      }
      return node.Scalar();
    case FieldDescriptor::CPPTYPE_BOOL:
      return BoolValue(node, path);
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumValue(node, *field.enum_type(), path);
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FloatValue(node, path);
    default:
      return IntegerValue(node, field, path);
  }
}

// proto3 JSON wants "<seconds>[.<fraction>]s"; people write "250ms" or "1m30s".
absl::StatusOr<json> DurationValue(const YAML::Node& node,
                                   absl::string_view path) {
  absl::Duration duration;
  if (!node.IsScalar() || !absl::ParseDuration(node.Scalar(), &duration)) {
    return Expected(path, "a duration such as \"2s\", \"250ms\" or \"1m30s\"",
                    node);
  }
  if (absl::AbsDuration(duration) > kMaxProtoDuration) {
    return Expected(path, "a duration of at most 10000 years", node);
  }
  const google::protobuf::Duration proto = ToProtoDuration(duration);
  return absl::StrFormat("%s%d.%09ds",
                         duration < absl::ZeroDuration() ? "-" : "",
                         std::abs(proto.seconds()), std::abs(proto.nanos()));
}

}  // namespace tributary::config::internal
