#ifndef TRIBUTARY_SERVICE_CONFIG_YAML_SCALAR_H_
#define TRIBUTARY_SERVICE_CONFIG_YAML_SCALAR_H_

// Internal to //service/config: YAML scalars -> proto3 JSON values, by the type
// of the field they land in. Errors are INVALID_ARGUMENT "path: reason".

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace tributary::config::internal {

// INVALID_ARGUMENT "path: expected <what> (got <what node is>)".
absl::Status Expected(absl::string_view path, absl::string_view what,
                      const YAML::Node& node);

// The value of a non-message `field`. Quoted scalars are strings; plain ones
// that look like a bool, integer or float (YAML 1.2 core schema) are that. A
// string field takes any scalar's text; an integer field also takes a quoted
// integer, as proto3 JSON does; 64-bit integers become JSON strings so no digit
// is lost.
absl::StatusOr<nlohmann::json> ScalarValue(
    const YAML::Node& node, const google::protobuf::FieldDescriptor& field,
    absl::string_view path);

// A google.protobuf.Duration: anything absl::ParseDuration() takes ("250ms",
// "2s", "1m30s"), emitted in proto3 JSON's "<seconds>.<nanos>s" form.
absl::StatusOr<nlohmann::json> DurationValue(const YAML::Node& node,
                                             absl::string_view path);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_YAML_SCALAR_H_
