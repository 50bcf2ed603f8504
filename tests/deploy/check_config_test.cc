// `tributary --check-config FILE` (and --check-config=FILE), the real binary
// from the runfiles: 0 and "FILE: ok" on stdout for a valid config, 1 and the
// reason — file, field, why — on stderr for a broken one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kBinary[] = "service/tributary";
constexpr char kDefaultConfig[] = "deploy/config/tributary.yaml";

// What a run of the binary printed where.
struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the binary with `args`, stdout and stderr captured apart.
Outcome RunTributary(const std::vector<std::string>& args) {
  Outcome outcome;
  auto dir = MakeTempDir(TestTempDir(), "run");
  if (!dir.ok()) {
    ADD_FAILURE() << dir.status();
    return outcome;
  }
  const std::string out_path = *dir + "/stdout";
  const std::string err_path = *dir + "/stderr";
  std::vector<std::string> argv = {
      "/bin/sh", "-c",
      absl::StrCat("exec \"$@\" >'", out_path, "' 2>'", err_path, "'"), "sh",
      kBinary};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = RunCommand(argv, absl::Seconds(30));
  if (!result.ok()) {
    ADD_FAILURE() << result.status();
    return outcome;
  }
  outcome.exit_code = result->exit_code;
  outcome.out = ReadFile(out_path).value_or("<no stdout>");
  outcome.err = ReadFile(err_path).value_or("<no stderr>");
  return outcome;
}

// Writes `yaml` to a fresh file and returns its path.
std::string ConfigFile(const std::string& yaml) {
  auto dir = MakeTempDir(TestTempDir(), "config");
  EXPECT_TRUE(dir.ok()) << dir.status();
  const std::string path = dir.value_or(TestTempDir()) + "/tributary.yaml";
  EXPECT_TRUE(WriteFile(path, yaml).ok());
  return path;
}

TEST(CheckConfigTest, ValidConfigExitsZeroPrintingOk) {
  const Outcome outcome = RunTributary({"--check-config", kDefaultConfig});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, StartsWith(absl::StrCat(kDefaultConfig, ": ok")));
  EXPECT_THAT(outcome.err, IsEmpty());
}

TEST(CheckConfigTest, EqualsFormWorksToo) {
  const Outcome outcome =
      RunTributary({absl::StrCat("--check-config=", kDefaultConfig)});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, StartsWith(absl::StrCat(kDefaultConfig, ": ok")));
}

// The configs the deploy tree ships (ConfigMap sources of the base and every
// overlay) are valid; tests/deploy:manifests_test checks the rendered ones.
TEST(CheckConfigTest, EveryConfigUnderDeployPasses) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           "deploy",
           std::filesystem::directory_options::follow_directory_symlink)) {
    if (entry.path().filename() != "tributary.yaml") {
      continue;
    }
    ++checked;
    const Outcome outcome =
        RunTributary({"--check-config", entry.path().string()});
    EXPECT_EQ(outcome.exit_code, 0) << entry.path() << ": " << outcome.err;
  }
  EXPECT_GE(checked, 3) << "expected deploy/config, the k8s base and overlay";
}

TEST(CheckConfigTest, BrokenFieldExitsOneNamingFileAndField) {
  const std::string path = ConfigFile(
      "upstreams:\n"
      "  - name: hub\n"
      "    url: ftp://registry.example\n");
  const Outcome outcome = RunTributary({"--check-config", path});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_THAT(outcome.out, IsEmpty());
  EXPECT_THAT(outcome.err, HasSubstr(absl::StrCat(path,
                                                  ": upstreams[0].url: "
                                                  "scheme must be")));
}

TEST(CheckConfigTest, UnknownFieldIsNamed) {
  const std::string path = ConfigFile(
      "server:\n"
      "  listen_adress: \"0.0.0.0:50051\"\n"
      "upstreams:\n"
      "  - name: hub\n"
      "    url: https://registry.example\n");
  const Outcome outcome = RunTributary({absl::StrCat("--check-config=", path)});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_THAT(outcome.err, HasSubstr("server.listen_adress: unknown field"));
}

TEST(CheckConfigTest, YamlSyntaxErrorGivesLineAndColumn) {
  const std::string path = ConfigFile("upstreams:\n  - name: [hub\n");
  const Outcome outcome = RunTributary({"--check-config", path});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_THAT(outcome.err, HasSubstr(absl::StrCat(path, ":3:1: invalid YAML")));
}

TEST(CheckConfigTest, MissingFileIsNamed) {
  const Outcome outcome =
      RunTributary({"--check-config", "/nonexistent/tributary.yaml"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_THAT(outcome.err, HasSubstr("/nonexistent/tributary.yaml"));
}

TEST(CheckConfigTest, MissingFileArgumentIsAnError) {
  const Outcome bare = RunTributary({"--check-config"});
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_THAT(bare.err, HasSubstr("--check-config needs a FILE"));
  const Outcome empty = RunTributary({"--check-config="});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("--check-config needs a FILE"));
}

// The check is the whole command: a second flag would be silently ignored
// otherwise (is it the config to check or the one to serve?).
TEST(CheckConfigTest, OtherArgumentsAreRejected) {
  const Outcome outcome = RunTributary(
      {"--check-config", kDefaultConfig, "--config", kDefaultConfig});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_THAT(outcome.err, HasSubstr("takes no other arguments"));
}

// The older absl spelling keeps working.
TEST(CheckConfigTest, AbslCheckConfigFlagStillWorks) {
  const Outcome outcome =
      RunTributary({"--config", kDefaultConfig, "--check_config"});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, StartsWith(absl::StrCat(kDefaultConfig, ": ok")));
}

}  // namespace
}  // namespace tributary::testing
