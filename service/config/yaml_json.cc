#include "service/config/yaml_json.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "service/config/errors.h"
#include "service/config/yaml_scalar.h"

namespace tributary::config::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

std::string FieldPath(absl::string_view parent, absl::string_view name) {
  return parent.empty() ? std::string(name) : absl::StrCat(parent, ".", name);
}

absl::StatusOr<json> MessageValue(const YAML::Node& node,
                                  const Descriptor& descriptor,
                                  absl::string_view path);

absl::StatusOr<json> SingularValue(const YAML::Node& node,
                                   const FieldDescriptor& field,
                                   absl::string_view path) {
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (field.message_type()->full_name() == "google.protobuf.Duration") {
      return DurationValue(node, path);
    }
    if (!node.IsMap()) {
      return Expected(path, "a mapping", node);
    }
    return MessageValue(node, *field.message_type(), path);
  }
  return ScalarValue(node, field, path);
}

absl::StatusOr<json> FieldValue(const YAML::Node& node,
                                const FieldDescriptor& field,
                                absl::string_view path) {
  if (field.is_map()) {
    // config.proto has no map fields; add them here when it does.
    return absl::UnimplementedError(
        absl::StrCat(path, ": map fields are not supported"));
  }
  if (!field.is_repeated()) {
    return SingularValue(node, field, path);
  }
  if (!node.IsSequence()) {
    return Expected(path, "a list", node);
  }
  json elements = json::array();
  size_t index = 0;
  for (const YAML::Node& element : node) {
    absl::StatusOr<json> value =
        SingularValue(element, field, absl::StrCat(path, "[", index++, "]"));
    if (!value.ok()) {
      return value.status();
    }
    elements.push_back(*std::move(value));
  }
  return elements;
}

absl::Status UnknownField(const Descriptor& descriptor, absl::string_view name,
                          absl::string_view path) {
  // Proto JSON also knows fields by lowerCamelCase; YAML configs use
  // snake_case.
  if (const FieldDescriptor* field =
          descriptor.FindFieldByCamelcaseName(std::string(name))) {
    return FieldError(path, absl::StrCat("unknown field; did you mean \"",
                                         field->name(), "\"?"));
  }
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    names.push_back(descriptor.field(i)->name());
  }
  return FieldError(path, absl::StrCat("unknown field; expected one of ",
                                       absl::StrJoin(names, ", ")));
}

absl::StatusOr<json> MessageValue(const YAML::Node& node,
                                  const Descriptor& descriptor,
                                  absl::string_view path) {
  json object = json::object();
  std::set<std::string> seen;
  std::map<const google::protobuf::OneofDescriptor*, std::string> oneof_fields;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      return Expected(path, "field names as keys", entry.first);
    }
    const std::string& name = entry.first.Scalar();
    const std::string field_path = FieldPath(path, name);
    const FieldDescriptor* field = descriptor.FindFieldByName(name);
    if (field == nullptr) {
      return UnknownField(descriptor, name, field_path);
    }
    if (!seen.insert(name).second) {
      return FieldError(field_path, "set more than once");
    }
    if (entry.second.IsNull()) {
      continue;  // `key:` or `key: ~` leaves the field unset.
    }
    // Fields of a oneof (auth: basic or bearer) exclude each other.
    if (const auto* oneof = field->real_containing_oneof()) {
      const auto [first, inserted] = oneof_fields.emplace(oneof, name);
      if (!inserted) {
        return FieldError(field_path,
                          absl::StrCat("cannot be set together with \"",
                                       first->second, "\"; keep one"));
      }
    }
    absl::StatusOr<json> value = FieldValue(entry.second, *field, field_path);
    if (!value.ok()) {
      return value.status();
    }
    object[name] = *std::move(value);
  }
  return object;
}

}  // namespace

absl::StatusOr<json> YamlToJson(const YAML::Node& document,
                                const Descriptor& descriptor) {
  if (!document.IsMap()) {
    return Expected("", "a mapping of config fields at the top level",
                    document);
  }
  return MessageValue(document, descriptor, "");
}

}  // namespace tributary::config::internal
