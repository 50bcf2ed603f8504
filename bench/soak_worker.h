#ifndef TRIBUTARY_BENCH_SOAK_WORKER_H_
#define TRIBUTARY_BENCH_SOAK_WORKER_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/soak_catalog.h"
#include "bench/soak_tally.h"
#include "client/client.h"

namespace tributary::bench {

// Settings shared by every worker. Plain value type.
struct WorkerOptions {
  // Deadlines of ordinary calls (short-deadline calls get far less).
  absl::Duration unary_timeout = absl::Seconds(30);
  absl::Duration blob_timeout = absl::Seconds(180);
  // How long a stalling reader stops reading: longer than the server's
  // limits.blob_write_stall, so the server cancels the stream.
  absl::Duration stall = absl::Seconds(5);
};

// One soak worker: picks calls at random with its own seeded generator
// (manifests by tag and digest, HEADs, tag pages, whole blobs; a few for
// content no upstream has; some with short deadlines, cancels mid-stream,
// slow or stalling reads), sends each with `client`, checks every answer
// against the catalog (manifest digests and sizes, tag pages, and the sha256
// of every blob's bytes, hashed here) and records the outcome in `tally`.
// Not thread-safe: one worker per thread; the client, catalog and tally may
// be shared.
class SoakWorker {
 public:
  SoakWorker(const client::Client& client, const Catalog& catalog,
             SoakTally& tally, uint64_t seed, WorkerOptions options);

  // Sends calls one after another until `end` (the last one may end later).
  void RunUntil(absl::Time end);

 private:
  struct Plan;  // one call, chosen

  Plan Pick();
  CallOutcome Run(const Plan& plan);
  CallOutcome GetManifest(const Plan& plan);
  CallOutcome HeadManifest(const Plan& plan);
  CallOutcome HeadBlob(const Plan& plan);
  CallOutcome ListTags(const Plan& plan);
  CallOutcome GetBlob(const Plan& plan);

  bool Chance(double probability);
  absl::Duration Between(absl::Duration low, absl::Duration high);
  size_t Below(size_t bound);
  std::string MadeUpDigest();

  const client::Client& client_;
  const Catalog& catalog_;
  SoakTally& tally_;
  std::mt19937_64 random_;
  WorkerOptions options_;
  // Where calls for missing content go: only the real registries serve these
  // repositories, so each answers 404 and the call NOT_FOUND.
  std::vector<const Image*> healthy_images_;
  std::vector<const Blob*> healthy_blobs_;
};

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_SOAK_WORKER_H_
