// tributary: resolves OCI registry content against ordered upstream registries.
//
//   tributary --config deploy/config/tributary.yaml
//   tributary --check-config FILE    (or --check-config=FILE)
//
// --check-config validates FILE and exits: 0 printing "FILE: ok", or 1 with the
// reason (file, field, why) on stderr; for CI pipelines and init containers.
//
// SIGTERM or SIGINT drains (see Server::Shutdown) and exits 0.

#include <signal.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "service/config/config.h"
#include "service/server.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, config, "deploy/config/tributary.yaml",
          "Path of the YAML config file.");
ABSL_FLAG(bool, check_config, false,
          "Only load and validate the config, then exit 0 (valid) or 1.");

namespace {

constexpr char kCheckConfigFlag[] = "--check-config";

// Loads and validates the config at `path`; prints the verdict. Returns the
// process exit code.
int CheckConfig(const std::string& path) {
  auto config = tributary::config::LoadConfigFile(path);
  if (!config.ok()) {
    std::fprintf(stderr, "tributary: bad config: %s\n",
                 std::string(config.status().message()).c_str());
    return 1;
  }
  std::printf("%s: ok (%d upstreams)\n", path.c_str(),
              config->upstreams_size());
  return 0;
}

// Abseil flag names cannot contain '-', so `--check-config FILE` and
// `--check-config=FILE` are found here, before absl::ParseCommandLine. Returns
// the exit code when argv asks for a check, nullopt otherwise. The check is
// the whole command: any other argument is an error rather than ignored.
std::optional<int> MaybeCheckConfig(int argc, char** argv) {
  const size_t flag_length = std::strlen(kCheckConfigFlag);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kCheckConfigFlag, flag_length) != 0) {
      continue;
    }
    const char* rest = argv[i] + flag_length;
    std::optional<std::string> path;
    int used = 1;
    if (*rest == '=') {
      path = rest + 1;
    } else if (*rest == '\0' && i + 1 < argc) {
      path = argv[i + 1];
      used = 2;
    } else if (*rest != '\0') {
      continue;  // Some other flag that starts with the same letters.
    }
    if (!path.has_value() || path->empty()) {
      std::fprintf(stderr, "tributary: %s needs a FILE\n", kCheckConfigFlag);
      return 1;
    }
    if (argc != 1 + used) {
      std::fprintf(stderr, "tributary: %s FILE takes no other arguments\n",
                   kCheckConfigFlag);
      return 1;
    }
    return CheckConfig(*path);
  }
  return std::nullopt;
}

// Blocks the shutdown signals in every thread (threads inherit the mask), so
// that only the sigwait() in main receives them.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int main(int argc, char** argv) {
  if (std::optional<int> checked = MaybeCheckConfig(argc, argv)) {
    return *checked;
  }
  absl::SetProgramUsageMessage(
      "Resolves OCI registry content against ordered upstream registries.\n"
      "Usage: tributary --config FILE [--check_config]\n"
      "       tributary --check-config FILE");
  absl::ParseCommandLine(argc, argv);
  spdlog::set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v",
                      spdlog::pattern_time_type::utc);

  const std::string path = absl::GetFlag(FLAGS_config);
  auto config = tributary::config::LoadConfigFile(path);
  if (!config.ok()) {
    std::fprintf(stderr, "tributary: bad config: %s\n",
                 std::string(config.status().message()).c_str());
    return 1;
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    std::printf("%s: ok (%d upstreams)\n", path.c_str(),
                config->upstreams_size());
    return 0;
  }

  sigset_t signals = BlockShutdownSignals();
  auto server = tributary::Server::Start(*std::move(config));
  if (!server.ok()) {
    spdlog::error("cannot start: {}: {}", path,
                  std::string(server.status().message()));
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal={} shutting down", signal);
  (*server)->Shutdown();
  return 0;
}
