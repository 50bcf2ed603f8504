#ifndef TRIBUTARY_CLIENT_CLI_OUTPUT_H_
#define TRIBUTARY_CLIENT_CLI_OUTPUT_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tributary/v1/resolver.pb.h"

namespace tributary::client::cli {

// How tributaryctl prints results (--output).
enum class Format { kText, kJson };

// Parses "text" or "json"; anything else is InvalidArgument.
absl::StatusOr<Format> ParseFormat(const std::string& text);

// An ordered set of named values: the one shape every result takes.
using Record = nlohmann::ordered_json;

// Prints `record` as one JSON object on one line (kJson), or as "key: value"
// lines with strings unquoted (kText). Nested values print as JSON.
void PrintRecord(std::ostream& out, Format format, const Record& record);

// Manifest bytes for a person: pretty-printed JSON (two-space indent) when
// they parse as JSON, else unchanged. Always ends with a newline.
std::string PrettyManifest(const std::string& content);

// Manifest bytes inside a JSON record: the parsed document when they parse,
// else the bytes as a string.
nlohmann::ordered_json ManifestJson(const std::string& content);

// Where an answer came from, for a person: "miss", "hit (age 12s)" or
// "hit, stale (age 2h5m3s)". Ages under a second print in milliseconds.
std::string CacheText(const v1::CacheInfo& cache);

// `cache` as the value of a record's "cache" field: CacheText for kText; for
// kJson the proto's JSON mapping with every field, e.g.
// {"hit":true,"stale":false,"age":"12.500s"}.
Record CacheValue(Format format, const v1::CacheInfo& cache);

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_OUTPUT_H_
