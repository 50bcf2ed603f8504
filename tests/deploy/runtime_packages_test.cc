// scripts/packages-runtime.txt — the one list of Debian packages the image's
// binaries (tributary, tributary-frontend) need at run time, installed by
// scripts/setup.sh and by the runtime stage of deploy/docker/Dockerfile —
// against what the built binaries really link; and what the Dockerfile and
// scripts/image.sh put in the image.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Both binaries of the image: the service and its frontend container.
constexpr const char* kBinaries[] = {"service/tributary",
                                     "client/frontend/tributary-frontend"};
constexpr char kList[] = "scripts/packages-runtime.txt";
constexpr char kDockerfile[] = "deploy/docker/Dockerfile";
constexpr char kImageScript[] = "scripts/image.sh";
constexpr char kShippedConfig[] = "deploy/config/tributary.yaml";

std::set<std::string> ListedPackages() {
  std::set<std::string> packages;
  auto text = ReadFile(kList);
  EXPECT_TRUE(text.ok()) << text.status();
  for (absl::string_view line : absl::StrSplit(text.value_or(""), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty() && line[0] != '#') {
      packages.emplace(line);
    }
  }
  return packages;
}

// The shared libraries the dynamic loader resolves for `binary`.
std::vector<std::string> LinkedLibraries(const std::string& binary) {
  std::vector<std::string> libraries;
  auto ldd = RunCommand({"ldd", binary}, absl::Seconds(30));
  EXPECT_TRUE(ldd.ok()) << ldd.status();
  if (!ldd.ok()) {
    return libraries;
  }
  EXPECT_EQ(ldd->exit_code, 0) << ldd->output;
  EXPECT_THAT(ldd->output, Not(HasSubstr("not found")));
  for (absl::string_view line : absl::StrSplit(ldd->output, '\n')) {
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (parts[i] == "=>" && absl::StartsWith(parts[i + 1], "/")) {
        libraries.emplace_back(parts[i + 1]);
      }
    }
  }
  return libraries;
}

// Both names of a library: Debian 12 merges /lib into /usr/lib, and dpkg knows
// each file under only one of the two.
std::vector<std::string> PathVariants(const std::string& path) {
  return {path,
          absl::StartsWith(path, "/usr/") ? path.substr(4) : "/usr" + path};
}

// The Debian package owning each of `paths` that has one, from one `dpkg -S`
// (it is slow to start, and a binary links ~80 libraries).
std::map<std::string, std::string> OwningPackages(
    const std::vector<std::string>& paths) {
  std::vector<std::string> argv = {"dpkg", "-S"};
  for (const std::string& path : paths) {
    for (std::string& variant : PathVariants(path)) {
      argv.push_back(std::move(variant));
    }
  }
  std::map<std::string, std::string> owners;
  auto result = RunCommand(argv, absl::Seconds(60));
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) {
    return owners;
  }
  // "libssl3:amd64: /usr/lib/x86_64-linux-gnu/libssl.so.3"; files of no
  // package give "dpkg-query: no path found matching pattern ...".
  for (absl::string_view line : absl::StrSplit(result->output, '\n')) {
    const size_t separator = line.find(": /");
    if (absl::StartsWith(line, "dpkg-query:") ||
        separator == absl::string_view::npos) {
      continue;
    }
    absl::string_view package = line.substr(0, separator);
    package = package.substr(0, package.find(','));
    package = package.substr(0, package.find(':'));
    owners[std::string(line.substr(separator + 2))] = std::string(package);
  }
  return owners;
}

class LinkedLibrariesTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LinkedLibrariesTest, EveryLinkedLibraryComesFromAListedPackage) {
  const std::set<std::string> listed = ListedPackages();
  const std::vector<std::string> libraries = LinkedLibraries(GetParam());
  ASSERT_GT(libraries.size(), 10u) << "ldd found too little to be right";
  const std::map<std::string, std::string> owners = OwningPackages(libraries);
  std::vector<std::string> unlisted;
  for (const std::string& library : libraries) {
    std::string package;
    for (const std::string& variant : PathVariants(library)) {
      if (auto it = owners.find(variant); it != owners.end()) {
        package = it->second;
      }
    }
    if (package.empty()) {
      ADD_FAILURE() << library << " belongs to no Debian package";
    } else if (!listed.contains(package)) {
      unlisted.push_back(package + " (" + library + ")");
    }
  }
  EXPECT_TRUE(unlisted.empty()) << GetParam() << ": add to " << kList << ": "
                                << absl::StrJoin(unlisted, ", ");
}

INSTANTIATE_TEST_SUITE_P(ImageBinaries, LinkedLibrariesTest,
                         ::testing::ValuesIn(kBinaries),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return info.index == 0 ? std::string("Tributary")
                                                  : std::string("Frontend");
                         });

// A typo in the list would only show when the image is built.
TEST(RuntimePackagesTest, EveryListedPackageIsInstalledHere) {
  for (const std::string& package : ListedPackages()) {
    auto status = RunCommand({"dpkg-query", "-W", "-f=${Status}", package},
                             absl::Seconds(30));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->output, "install ok installed") << package;
  }
}

// HTTPS upstreams need the CA bundle, which ldd cannot see.
TEST(RuntimePackagesTest, ListHasTheCaBundle) {
  EXPECT_TRUE(ListedPackages().contains("ca-certificates"));
}

// The Dockerfile's runtime stage installs this list, not a copy of it, and the
// build stage uses the project's own set-up script.
TEST(RuntimePackagesTest, DockerfileUsesTheListAndSetupScript) {
  auto dockerfile = ReadFile(kDockerfile);
  ASSERT_TRUE(dockerfile.ok()) << dockerfile.status();
  const size_t runtime_from = dockerfile->find("AS runtime\n");
  ASSERT_NE(runtime_from, std::string::npos);
  const std::string runtime_stage = dockerfile->substr(runtime_from);
  EXPECT_THAT(*dockerfile, HasSubstr("AS build\n"));
  EXPECT_THAT(*dockerfile, HasSubstr("./scripts/setup.sh"));
  EXPECT_THAT(*dockerfile, HasSubstr("bazel build -c opt //service:tributary "
                                     "//client/frontend:tributary-frontend"));
  EXPECT_THAT(runtime_stage, HasSubstr("COPY scripts/packages-runtime.txt"));
  EXPECT_THAT(runtime_stage, HasSubstr("USER 10001:10001"));
  for (const std::string& package : ListedPackages()) {
    EXPECT_THAT(runtime_stage, Not(HasSubstr(" " + package + "\n")))
        << package << " is named in the Dockerfile as well as in " << kList;
  }
}

// Base images come from build arguments (a digest pins them), defaulting to
// Debian 12.
TEST(RuntimePackagesTest, DockerfileTakesTheBaseImagesAsBuildArgs) {
  auto dockerfile = ReadFile(kDockerfile);
  ASSERT_TRUE(dockerfile.ok()) << dockerfile.status();
  EXPECT_THAT(*dockerfile, HasSubstr("ARG BUILD_IMAGE=debian:bookworm\n"));
  EXPECT_THAT(*dockerfile,
              HasSubstr("ARG RUNTIME_IMAGE=debian:bookworm-slim\n"));
  EXPECT_THAT(*dockerfile, HasSubstr("FROM ${BUILD_IMAGE} AS build\n"));
  EXPECT_THAT(*dockerfile, HasSubstr("FROM ${RUNTIME_IMAGE} AS runtime\n"));
}

// The apt layer depends on the set-up script and package lists only: they are
// copied and installed before the sources, so a source change reuses it.
TEST(RuntimePackagesTest, DockerfileInstallsPackagesBeforeCopyingSources) {
  auto dockerfile = ReadFile(kDockerfile);
  ASSERT_TRUE(dockerfile.ok()) << dockerfile.status();
  const size_t setup = dockerfile->find("RUN ./scripts/setup.sh\n");
  const size_t sources = dockerfile->find("COPY . .\n");
  ASSERT_NE(setup, std::string::npos);
  ASSERT_NE(sources, std::string::npos);
  EXPECT_LT(setup, sources) << "setup.sh runs after COPY . .";
  const size_t lists = dockerfile->find(
      "COPY scripts/setup.sh scripts/packages-build.txt "
      "scripts/packages-runtime.txt scripts/\n");
  ASSERT_NE(lists, std::string::npos);
  EXPECT_LT(lists, setup);
}

// One blob-store path: the shipped config's cache.blob_directory is the
// directory the image prepares for UID 10001.
TEST(RuntimePackagesTest, ImagePreparesTheConfiguredBlobDirectory) {
  auto dockerfile = ReadFile(kDockerfile);
  auto config = ReadFile(kShippedConfig);
  ASSERT_TRUE(dockerfile.ok()) << dockerfile.status();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(*config, HasSubstr("\n  blob_directory: /var/cache/tributary\n"));
  EXPECT_THAT(*dockerfile,
              HasSubstr("install -d -o 10001 -g 10001 /var/cache/tributary"));
}

// The frontend container runs /usr/local/bin/tributary-frontend from the same
// image (deploy/k8s/base/deployment.yaml): both ways of building the image
// put it there.
TEST(RuntimePackagesTest, DockerfileShipsTheFrontendBinary) {
  auto dockerfile = ReadFile(kDockerfile);
  ASSERT_TRUE(dockerfile.ok()) << dockerfile.status();
  EXPECT_THAT(*dockerfile,
              HasSubstr("COPY --from=build /out/tributary-frontend "
                        "/usr/local/bin/tributary-frontend\n"));
}

TEST(RuntimePackagesTest, ImageScriptShipsTheFrontendBinary) {
  auto script = ReadFile(kImageScript);
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_THAT(*script, HasSubstr("//client/frontend:tributary-frontend"));
  EXPECT_THAT(*script, HasSubstr("install -D -m 0755 '$frontend'"));
  EXPECT_THAT(*script, HasSubstr("/usr/local/bin/tributary-frontend"));
}

}  // namespace
}  // namespace tributary::testing
