#ifndef TRIBUTARY_SERVICE_CONFIG_YAML_DOCUMENTS_H_
#define TRIBUTARY_SERVICE_CONFIG_YAML_DOCUMENTS_H_

// Internal to //service/config: the documents of a YAML stream without
// YAML::LoadAll, which in yaml-cpp 0.7 (Debian 12) loops forever on some
// ill-formed streams (a stray ",": jbeder/yaml-cpp#1040), adding a null
// document each turn, at the same place, until memory runs out (fixed
// upstream in 2024, #1319). Here the stream ends when an empty document comes
// where the last empty one was; otherwise the documents are LoadAll's.

#include <string>

#include "yaml-cpp/yaml.h"

namespace tributary::config::internal {

struct YamlDocuments {
  YAML::Node first;   // null when the stream has no document
  int count = 0;      // how many
  YAML::Mark second;  // where the second one starts, when count > 1
};

// Throws YAML::Exception on a syntax error, as YAML::LoadAll does.
YamlDocuments LoadYamlDocuments(const std::string& yaml);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_YAML_DOCUMENTS_H_
