// tributary: resolves OCI registry content against ordered upstream registries.
//
//   tributary --config deploy/config/tributary.yaml
//
// SIGTERM or SIGINT drains (see Server::Shutdown) and exits 0.

#include <signal.h>

#include <cstdio>

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
  absl::SetProgramUsageMessage(
      "Resolves OCI registry content against ordered upstream registries.\n"
      "Usage: tributary --config FILE [--check_config]");
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
    spdlog::error("cannot start: {}", std::string(server.status().message()));
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal={} shutting down", signal);
  (*server)->Shutdown();
  return 0;
}
