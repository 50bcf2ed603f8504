#include "service/config/config.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "service/config/defaults.h"
#include "service/config/validate.h"
#include "service/config/yaml_documents.h"
#include "service/config/yaml_json.h"
#include "service/util/files.h"
#include "yaml-cpp/yaml.h"

namespace tributary::config {
namespace {

absl::Status SourceError(absl::string_view source, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", message));
}

// "source:line:column: reason", or "source: reason" when yaml-cpp has no
// position.
absl::Status YamlError(absl::string_view source, const YAML::Mark& mark,
                       absl::string_view reason) {
  if (mark.is_null()) {
    return SourceError(source, reason);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      source, ":", mark.line + 1, ":", mark.column + 1, ": ", reason));
}

// yaml-cpp reports errors by exception; they stop here.
absl::StatusOr<YAML::Node> ParseYaml(absl::string_view yaml,
                                     absl::string_view source) {
  internal::YamlDocuments documents;
  try {
    documents = internal::LoadYamlDocuments(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return YamlError(source, e.mark, absl::StrCat("invalid YAML: ", e.msg));
  }
  if (documents.count > 1) {
    return YamlError(
        source, documents.second,
        absl::StrCat("expected one YAML document, found ", documents.count));
  }
  if (documents.first.IsNull()) {
    return SourceError(source,
                       "config is empty; at least \"upstreams\" is required");
  }
  return documents.first;
}

// The converter catches nearly everything first; this is the backstop. Protobuf
// 3.21 says "(upstreams[0]) bar: Cannot find field." or
// "(server.io_threads): invalid value ..."; make both "path: reason".
std::string ProtobufJsonError(absl::string_view message) {
  if (absl::ConsumePrefix(&message, "(")) {
    const size_t close = message.find(')');
    if (close != absl::string_view::npos) {
      absl::string_view location = message.substr(0, close);
      message.remove_prefix(close + 1);
      if (absl::ConsumePrefix(&message, " ")) {
        return absl::StrCat(location, ".", message);  // "loc.field: reason"
      }
      absl::ConsumePrefix(&message, ":");
      return absl::StrCat(location, ":", message);
    }
  }
  return std::string(message);
}

absl::StatusOr<v1::Config> JsonToConfig(const nlohmann::json& json,
                                        absl::string_view source) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::Config config;
  const auto status = google::protobuf::util::JsonStringToMessage(
      json.dump(), &config, options);
  if (!status.ok()) {
    return SourceError(
        source, ProtobufJsonError(absl::string_view(status.message().data(),
                                                    status.message().size())));
  }
  return config;
}

}  // namespace

absl::StatusOr<v1::Config> ParseConfig(std::string_view yaml,
                                       std::string_view source_name) {
  const absl::string_view source(source_name.data(), source_name.size());
  absl::StatusOr<YAML::Node> document =
      ParseYaml(absl::string_view(yaml.data(), yaml.size()), source);
  if (!document.ok()) {
    return document.status();
  }
  absl::StatusOr<nlohmann::json> json =
      internal::YamlToJson(*document, *v1::Config::descriptor());
  if (!json.ok()) {
    return absl::Status(json.status().code(),
                        absl::StrCat(source, ": ", json.status().message()));
  }
  absl::StatusOr<v1::Config> config = JsonToConfig(*json, source);
  if (!config.ok()) {
    return config.status();
  }
  ApplyDefaults(*config);
  const std::vector<std::string> errors = internal::Validate(*config);
  if (!errors.empty()) {
    return SourceError(source,
                       absl::StrJoin(errors, absl::StrCat("\n", source, ": ")));
  }
  return config;
}

absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path) {
  // The error already reads "<path>: <reason>", like every config error.
  absl::StatusOr<std::string> text = util::ReadFileToString(path);
  if (!text.ok()) {
    return text.status();
  }
  return ParseConfig(*text, path);
}

}  // namespace tributary::config
