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

absl::StatusOr<ImageReference> Reference(const std::string& text,
                                         const std::string& word) {
  absl::StatusOr<ImageReference> reference = ParseImageReference(word);
  if (!reference.ok()) {
    return reference.status();
  }
  if (!reference->registry_host.empty()) {
    return Malformed(text, absl::StrCat("drop the registry host \"",
                                        reference->registry_host,
                                        "\": Tributary uses its upstreams"));
  }
  return reference;
}

absl::StatusOr<std::string> Repository(const std::string& text,
                                       const std::string& word) {
  absl::StatusOr<RepositoryName> name = ParseRepositoryName(word);
  if (!name.ok()) {
    return name.status();
  }
  if (!name->registry_host.empty()) {
    return Malformed(
        text, absl::StrCat("drop the registry host \"", name->registry_host,
                           "\": Tributary uses its upstreams"));
  }
  return name->repository;
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
    absl::StatusOr<ImageReference> reference = Reference(text, words[1]);
    if (!reference.ok()) {
      return reference.status();
    }
    if (method == "GetManifest") {
      spec.rpc = Rpc::kGetManifest;
      spec.get_manifest.set_repository(reference->repository);
      spec.get_manifest.set_reference(reference->manifest_reference());
    } else {
      spec.rpc = Rpc::kHeadManifest;
      spec.head_manifest.set_repository(reference->repository);
      spec.head_manifest.set_reference(reference->manifest_reference());
    }
    return spec;
  }
  if (method == "HeadBlob") {
    if (operands != 2) {
      return Malformed(text, "HeadBlob takes REPO DIGEST");
    }
    absl::StatusOr<std::string> repository = Repository(text, words[1]);
    if (!repository.ok()) {
      return repository.status();
    }
    spec.rpc = Rpc::kHeadBlob;
    spec.head_blob.set_repository(*repository);
    spec.head_blob.set_digest(words[2]);
    return spec;
  }
  if (method == "ListTags") {
    if (operands != 1) {
      return Malformed(text, "ListTags takes one REPO");
    }
    absl::StatusOr<std::string> repository = Repository(text, words[1]);
    if (!repository.ok()) {
      return repository.status();
    }
    spec.rpc = Rpc::kListTags;
    spec.list_tags.set_repository(*repository);
    return spec;
  }
  return Malformed(text, absl::StrCat("unknown RPC \"", method, "\""));
}

}  // namespace tributary::client::loadgen
