#ifndef TRIBUTARY_SERVICE_CONFIG_CONFIG_H_
#define TRIBUTARY_SERVICE_CONFIG_CONFIG_H_

// Loading the service configuration: YAML text -> tributary.v1.Config.
//
// The YAML maps field by field onto config.proto (snake_case names; unknown
// fields are rejected), durations are strings such as "2s", "250ms" or "1m30s".
// The returned message has every default filled in (see defaults.h), so readers
// just read fields and never repeat a default constant.
//
// Every error is a single absl::Status whose message starts with the source
// (the file path) and names the field, e.g.
//   tributary.yaml: upstreams[1].url: scheme must be http or https (got "ftp")
// A YAML syntax error gives line and column instead of the field:
//   tributary.yaml:3:7: invalid YAML: illegal map value
// When several fields break validation rules, each gets its own line.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tributary/v1/config.pb.h"

namespace tributary::config {

// Reads the file at `path`, then ParseConfig()s it with `path` as the source
// name. An unreadable file gives the errno-derived code (e.g. NOT_FOUND);
// everything else is INVALID_ARGUMENT.
absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path);

// Parses `yaml`, applies defaults and validates the result. `source_name`
// starts every error message (the file path, or e.g. "<flag --config_yaml>").
absl::StatusOr<v1::Config> ParseConfig(std::string_view yaml,
                                       std::string_view source_name);

}  // namespace tributary::config

#endif  // TRIBUTARY_SERVICE_CONFIG_CONFIG_H_
