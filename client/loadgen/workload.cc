#include "client/loadgen/workload.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/image_reference.h"

namespace tributary::client::loadgen {
namespace {

constexpr char kForms[] =
    "GetManifest REF | HeadManifest REF | HeadBlob REPO DIGEST | ListTags REPO";

absl::Status Malformed(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("call \"", text, "\": ", why, " (one of: ", kForms, ")"));
}

}  // namespace

absl::StatusOr<CallSpec> ParseCallSpec(const std::string& text) {
  const std::vector<std::string> words =
      absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.empty()) {
    return Malformed(text, "it is empty");
  }
  CallSpec spec;
  spec.text = text;
  const std::string& method = words[0];
  const size_t operands = words.size() - 1;
  if (method == "GetManifest" || method == "HeadManifest") {
    if (operands != 1) {
      return Malformed(text, absl::StrCat(method, " takes one REF"));
    }
    absl::StatusOr<ImageReference> reference = ParseImageReference(words[1]);
    if (!reference.ok()) {
      return reference.status();
    }
    if (method == "GetManifest") {
      spec.rpc = Rpc::kGetManifest;
      spec.get_manifest.set_registry(reference->registry_host);
      spec.get_manifest.set_repository(reference->repository);
      spec.get_manifest.set_reference(reference->manifest_reference());
    } else {
      spec.rpc = Rpc::kHeadManifest;
      spec.head_manifest.set_registry(reference->registry_host);
      spec.head_manifest.set_repository(reference->repository);
      spec.head_manifest.set_reference(reference->manifest_reference());
    }
    return spec;
  }
  if (method == "HeadBlob") {
    if (operands != 2) {
      return Malformed(text, "HeadBlob takes REPO DIGEST");
    }
    absl::StatusOr<RepositoryName> name = ParseRepositoryName(words[1]);
    if (!name.ok()) {
      return name.status();
    }
    spec.rpc = Rpc::kHeadBlob;
    spec.head_blob.set_registry(name->registry_host);
    spec.head_blob.set_repository(name->repository);
    spec.head_blob.set_digest(words[2]);
    return spec;
  }
  if (method == "ListTags") {
    if (operands != 1) {
      return Malformed(text, "ListTags takes one REPO");
    }
    absl::StatusOr<RepositoryName> name = ParseRepositoryName(words[1]);
    if (!name.ok()) {
      return name.status();
    }
    spec.rpc = Rpc::kListTags;
    spec.list_tags.set_registry(name->registry_host);
    spec.list_tags.set_repository(name->repository);
    return spec;
  }
  return Malformed(text, absl::StrCat("unknown RPC \"", method, "\""));
}

}  // namespace tributary::client::loadgen
