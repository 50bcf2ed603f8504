#ifndef TRIBUTARY_BENCH_SOAK_TALLY_H_
#define TRIBUTARY_BENCH_SOAK_TALLY_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "bench/soak_expectations.h"

namespace tributary::bench {

// How one soak call ended, as the worker saw it. Plain value type.
struct CallOutcome {
  CallShape shape;
  absl::Status status;  // the call's, as the client library returned it
  // Set when the call succeeded with an answer that is wrong (a digest or
  // size that does not match the catalog, a blob whose bytes hash to
  // something else): always unexpected.
  std::string wrong_answer;
  int64_t blob_bytes = 0;  // GetBlob: bytes received, whatever the outcome
  // GetBlob: the complete blob hashed here to its digest.
  bool blob_verified = false;
};

inline constexpr int kCodeCount = 17;  // gRPC codes 0 (OK) to 16

// Counts of every soak call: by operation and code, by repository kind and
// code, the unexpected ones (with the first few messages), bytes received
// and blobs verified. Thread-safe.
class SoakTally {
 public:
  // Unexpected calls kept with their messages for the report.
  static constexpr size_t kExamples = 20;

  void Record(const CallOutcome& outcome) ABSL_LOCKS_EXCLUDED(mu_);

  int64_t calls() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t unexpected() const ABSL_LOCKS_EXCLUDED(mu_);

  // The report for people, in Markdown tables, ending with the line
  // "unexpected: N" that soak.sh reads.
  std::string Report() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Codes = std::array<int64_t, kCodeCount>;

  mutable absl::Mutex mu_;
  std::array<Codes, kOperationCount> by_operation_ ABSL_GUARDED_BY(mu_){};
  std::map<std::string, Codes> by_kind_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_action_ ABSL_GUARDED_BY(mu_);
  int64_t calls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t unexpected_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t wrong_answers_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> examples_ ABSL_GUARDED_BY(mu_);
  int64_t blob_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t blobs_complete_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t blobs_verified_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_SOAK_TALLY_H_
