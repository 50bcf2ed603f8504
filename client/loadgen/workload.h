#ifndef TRIBUTARY_CLIENT_LOADGEN_WORKLOAD_H_
#define TRIBUTARY_CLIENT_LOADGEN_WORKLOAD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::client::loadgen {

// The unary RPCs the load generator can send.
enum class Rpc { kGetManifest, kHeadManifest, kHeadBlob, kListTags };

// One request to send over and over, parsed from text such as
// "GetManifest demo/app:v1". Only the request of `rpc` is set. Immutable after
// parsing; calls in flight point into it.
struct CallSpec {
  Rpc rpc;
  std::string text;  // As given, for the report.
  v1::GetManifestRequest get_manifest;
  v1::HeadManifestRequest head_manifest;
  v1::HeadBlobRequest head_blob;
  v1::ListTagsRequest list_tags;
};

// Parses "GetManifest REF", "HeadManifest REF", "HeadBlob REPO DIGEST" or
// "ListTags REPO" (words separated by spaces; REF and REPO as tributaryctl
// reads them: a registry host, "ghcr.io/org/app", sets the request's
// `registry`). Errors are InvalidArgument naming the problem.
absl::StatusOr<CallSpec> ParseCallSpec(const std::string& text);

}  // namespace tributary::client::loadgen

#endif  // TRIBUTARY_CLIENT_LOADGEN_WORKLOAD_H_
