#ifndef TRIBUTARY_SERVICE_CONFIG_YAML_JSON_H_
#define TRIBUTARY_SERVICE_CONFIG_YAML_JSON_H_

// Internal to //service/config: turns a parsed YAML document into the proto3
// JSON form of a message, guided by the message's descriptor, so that mistakes
// are reported with the field path before protobuf's JSON parser sees them.

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace tributary::config::internal {

// `document` must be a YAML mapping. Keys are proto field names (snake_case);
// unknown and repeated keys are errors. A null value (`key:`, `key: ~`) leaves
// the field unset. Scalars convert as yaml_scalar.h says. Errors are
// INVALID_ARGUMENT "field.path: reason", e.g. "upstreams[0].timeout: unknown
// field; ...".
absl::StatusOr<nlohmann::json> YamlToJson(
    const YAML::Node& document, const google::protobuf::Descriptor& descriptor);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_YAML_JSON_H_
