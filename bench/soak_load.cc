// The soak's load generator (bench/soak.sh): --workers threads, each a
// SoakWorker with its own seed (--seed + its index), send mixed calls to
// Tributary for --seconds, checking every answer against --catalog; then
// prints the tally (calls by operation and code, unexpected ones, bytes and
// blobs verified). Exit status 0 when no call was unexpected, 1 otherwise,
// 2 for bad flags. Usage, all on one command line:
//
//   soak_load --addr 127.0.0.1:50051 --catalog catalog.txt --seconds 600
//             --workers 8 --seed 1 --stall 5s

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "bench/soak_catalog.h"
#include "bench/soak_tally.h"
#include "bench/soak_worker.h"
#include "client/client.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "Tributary's gRPC address.");
ABSL_FLAG(std::string, catalog, "", "The soak's catalog file.");
ABSL_FLAG(int, seconds, 600, "How long to send calls.");
ABSL_FLAG(int, workers, 8, "Concurrent workers (one call in flight each).");
ABSL_FLAG(uint64_t, seed, 1, "Seed; worker i uses seed + i.");
ABSL_FLAG(absl::Duration, stall, absl::Seconds(5),
          "How long a stalling reader stops: more than the server's "
          "limits.blob_write_stall.");

namespace tributary::bench {
namespace {

constexpr absl::Duration kConnectTimeout = absl::Seconds(30);

int Run() {
  absl::StatusOr<Catalog> catalog = ReadCatalog(absl::GetFlag(FLAGS_catalog));
  if (!catalog.ok()) {
    std::fprintf(stderr, "soak_load: --catalog: %s\n",
                 catalog.status().ToString().c_str());
    return 2;
  }
  const int workers = absl::GetFlag(FLAGS_workers);
  if (workers < 1 || absl::GetFlag(FLAGS_seconds) < 1 ||
      catalog->images.empty() || catalog->blobs.empty()) {
    std::fprintf(stderr,
                 "soak_load: --workers and --seconds must be positive and "
                 "the catalog must hold images and blobs\n");
    return 2;
  }
  // Tributary opens its metrics port before its gRPC port, so a script that
  // waited for the first may start this before the second listens: calls
  // would fail fast (UNAVAILABLE) until then.
  absl::StatusOr<std::unique_ptr<client::Client>> probe =
      client::Client::Create({.address = absl::GetFlag(FLAGS_addr)});
  if (!probe.ok() || !(*probe)->channel().WaitForConnected(
                         absl::ToChronoTime(absl::Now() + kConnectTimeout))) {
    std::fprintf(stderr, "soak_load: cannot connect to %s within %s\n",
                 absl::GetFlag(FLAGS_addr).c_str(),
                 absl::FormatDuration(kConnectTimeout).c_str());
    return 2;
  }
  WorkerOptions options;
  options.stall = absl::GetFlag(FLAGS_stall);
  SoakTally tally;
  const absl::Time end =
      absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      // A client (and channel) per worker, as separate callers would have.
      absl::StatusOr<std::unique_ptr<client::Client>> client =
          client::Client::Create({.address = absl::GetFlag(FLAGS_addr)});
      if (!client.ok()) {
        std::fprintf(stderr, "soak_load: %s\n",
                     client.status().ToString().c_str());
        return;
      }
      SoakWorker worker(**client, *catalog, tally,
                        absl::GetFlag(FLAGS_seed) + static_cast<uint64_t>(i),
                        options);
      worker.RunUntil(end);
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  std::printf("%s", tally.Report().c_str());
  return tally.unexpected() == 0 && tally.calls() > 0 ? 0 : 1;
}

}  // namespace
}  // namespace tributary::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tributary::bench::Run();
}
