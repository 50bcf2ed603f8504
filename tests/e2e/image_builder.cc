// BuildAndPushImage from registry_harness.h: umoci builds, skopeo pushes.

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/registry_harness.h"
#include "tests/support/files.h"
#include "tests/support/loopback_http.h"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

constexpr absl::Duration kToolTimeout = absl::Seconds(60);
constexpr absl::Duration kFetchTimeout = absl::Seconds(10);

// Where one image gets built, and the private HOME/TMPDIR its tools use so
// they never touch the real ones (read-only or shared inside the sandbox).
struct BuildDirs {
  std::string root;
  std::string layout;  // OCI image layout written by umoci.
  std::string bundle;  // umoci's unpacked runtime bundle; rootfs/ inside.
  std::string policy;  // containers-policy.json accepting anything.
  std::string tmp;
  EnvOverrides env;
};

absl::StatusOr<BuildDirs> MakeBuildDirs(const std::string& work_dir) {
  absl::StatusOr<std::string> root = MakeTempDir(work_dir, "image-");
  if (!root.ok()) {
    return root.status();
  }
  BuildDirs dirs;
  dirs.root = *root;
  dirs.layout = absl::StrCat(dirs.root, "/layout");
  dirs.bundle = absl::StrCat(dirs.root, "/bundle");
  dirs.policy = absl::StrCat(dirs.root, "/policy.json");
  absl::StatusOr<std::string> home = MakeTempDir(dirs.root, "home-");
  absl::StatusOr<std::string> tmp = MakeTempDir(dirs.root, "tmp-");
  absl::StatusOr<std::string> runtime = MakeTempDir(dirs.root, "run-");
  for (const auto* made : {&home, &tmp, &runtime}) {
    if (!made->ok()) {
      return made->status();
    }
  }
  dirs.tmp = *tmp;
  dirs.env = {{"HOME", *home},
              {"TMPDIR", *tmp},
              {"XDG_RUNTIME_DIR", *runtime},
              {"XDG_CONFIG_HOME", absl::StrCat(*home, "/.config")}};
  if (absl::Status written = WriteFile(
          dirs.policy, R"({"default":[{"type":"insecureAcceptAnything"}]})");
      !written.ok()) {
    return written;
  }
  return dirs;
}

absl::Status Run(const std::vector<std::string>& argv,
                 const EnvOverrides& env) {
  absl::StatusOr<CommandResult> result =
      RunCommandWithEnv(argv, env, kToolTimeout);
  if (!result.ok()) {
    return result.status();
  }
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat("`", FormatArgv(argv),
                                            "` exited with ", result->exit_code,
                                            ": ", result->output));
  }
  return absl::OkStatus();
}

absl::Status BuildImage(const BuildDirs& dirs, const std::string& repository,
                        const std::string& tag) {
  const std::string image = absl::StrCat(dirs.layout, ":", tag);
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{
           {"umoci", "init", "--layout", dirs.layout},
           {"umoci", "new", "--image", image},
           {"umoci", "unpack", "--rootless", "--image", image, dirs.bundle}}) {
    if (absl::Status status = Run(argv, dirs.env); !status.ok()) {
      return status;
    }
  }
  const std::string file_dir = absl::StrCat(dirs.bundle, "/rootfs/tributary");
  std::error_code error;
  std::filesystem::create_directories(file_dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("create ", file_dir, ": ", error.message()));
  }
  if (absl::Status written = WriteFile(
          absl::StrCat(file_dir, "/image.txt"),
          absl::StrCat("tributary test image ", repository, ":", tag, "\n"));
      !written.ok()) {
    return written;
  }
  return Run({"umoci", "repack", "--image", image, dirs.bundle}, dirs.env);
}

absl::Status Push(const BuildDirs& dirs, const std::string& host_port,
                  const std::string& repository, const std::string& tag) {
  return Run({"skopeo", "--policy", dirs.policy, "--tmpdir", dirs.tmp, "copy",
              "--dest-tls-verify=false", "--format", "oci", "--quiet",
              absl::StrCat("oci:", dirs.layout, ":", tag),
              absl::StrCat("docker://", host_port, "/", repository, ":", tag)},
             dirs.env);
}

absl::Status BadManifest(absl::string_view why, const HttpResponse& response) {
  return absl::DataLossError(
      absl::StrCat("registry served a manifest ", why, ": ", response.body));
}

// Fills `image` from the registry's answer to GET /v2/<repo>/manifests/<tag>.
absl::Status Describe(const HttpResponse& response, PushedImage& image) {
  image.manifest_bytes = response.body;
  image.manifest_digest = Sha256Digest(response.body);
  image.manifest_media_type = response.Header("content-type");
  std::string served_digest = response.Header("docker-content-digest");
  if (!served_digest.empty() && served_digest != image.manifest_digest) {
    return BadManifest(
        absl::StrCat("whose digest is ", image.manifest_digest,
                     " but Docker-Content-Digest says ", served_digest),
        response);
  }
  nlohmann::json manifest =
      nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded() || !manifest.is_object()) {
    return BadManifest("that is no JSON object", response);
  }
  const nlohmann::json config = manifest.value("config", nlohmann::json());
  const nlohmann::json layers = manifest.value("layers", nlohmann::json());
  if (!config.is_object() ||
      !config.value("digest", nlohmann::json()).is_string() ||
      !layers.is_array()) {
    return BadManifest("without config.digest or layers[]", response);
  }
  image.config_digest = config["digest"].get<std::string>();
  for (const nlohmann::json& layer : layers) {
    if (!layer.is_object() ||
        !layer.value("digest", nlohmann::json()).is_string() ||
        !layer.value("size", nlohmann::json()).is_number_integer()) {
      return BadManifest("with a layer lacking digest or size", response);
    }
    image.layer_digests.push_back(layer["digest"].get<std::string>());
    image.layer_sizes.push_back(layer["size"].get<int64_t>());
  }
  return absl::OkStatus();
}

absl::StatusOr<PushedImage> FetchPushedImage(const std::string& host_port,
                                             const std::string& repository,
                                             const std::string& tag) {
  HttpRequest request;
  request.path = absl::StrCat("/v2/", repository, "/manifests/", tag);
  request.headers = {{"Accept", kManifestAcceptHeader}};
  absl::StatusOr<HttpResponse> response =
      SendHttpRequest(host_port, request, kFetchTimeout);
  if (!response.ok()) {
    return response.status();
  }
  if (response->status != 200) {
    return absl::InternalError(absl::StrCat("GET ", request.path,
                                            " after push: ", response->status,
                                            " ", response->body));
  }
  PushedImage image;
  if (absl::Status described = Describe(*response, image); !described.ok()) {
    return described;
  }
  return image;
}

}  // namespace

absl::StatusOr<PushedImage> BuildAndPushImage(
    const std::string& work_dir, const std::string& registry_host_port,
    const std::string& repository, const std::string& tag) {
  if (work_dir.find(':') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("work_dir ", work_dir,
                     " contains ':', which skopeo's oci: cannot take"));
  }
  absl::StatusOr<BuildDirs> dirs = MakeBuildDirs(work_dir);
  if (!dirs.ok()) {
    return dirs.status();
  }
  if (absl::Status built = BuildImage(*dirs, repository, tag); !built.ok()) {
    return built;
  }
  if (absl::Status pushed = Push(*dirs, registry_host_port, repository, tag);
      !pushed.ok()) {
    return pushed;
  }
  return FetchPushedImage(registry_host_port, repository, tag);
}

}  // namespace tributary::testing
