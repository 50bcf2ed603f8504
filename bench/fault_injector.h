#ifndef TRIBUTARY_BENCH_FAULT_INJECTOR_H_
#define TRIBUTARY_BENCH_FAULT_INJECTOR_H_

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "bench/soak_catalog.h"
#include "tests/support/fake_upstream.h"

namespace tributary::bench {

// What a registry request asks for, as far as faults go.
enum class RequestKind { kManifest, kBlob, kTags };

// The faults a FaultInjector can inject, for its counts.
enum class Fault {
  kNone,
  kResetMidBody,
  kResetInsteadOfAnswer,
  kBurst503,
  kRetryAfterShort,  // 429, Retry-After: 1
  kRetryAfterLong,   // 429, Retry-After: 3600 (past Tributary's cap)
  kWrongBytes,
  kHangBeforeAnswer,
  kHangMidBody,
};
inline constexpr int kFaultCount = 9;
absl::string_view FaultName(Fault fault);

// Turns a real registry's answer into what the soak's fault upstream sends:
// for a repository in FaultMode `mode`, some answers are replaced by the
// mode's fault (see soak_catalog.h), chosen by a seeded generator so a run
// can be repeated. 503s come in bursts (the first kBurst of every kCycle
// requests of that mode), the rest at random. HEADs and tag lists are never
// given wrong bytes. Thread-safe.
class FaultInjector {
 public:
  static constexpr int kBurst = 6;
  static constexpr int kCycle = 20;
  // How long a hang lasts: far past any upstream timeout of the soak's
  // config, and cut short when Tributary closes the connection.
  static constexpr absl::Duration kHang = absl::Seconds(60);

  explicit FaultInjector(uint64_t seed) : random_(seed) {}

  testing::FakeResponse Apply(FaultMode mode, RequestKind kind,
                              absl::string_view method,
                              testing::FakeResponse answer)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Requests answered with each Fault so far.
  std::array<int64_t, kFaultCount> counts() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Picks the fault for one request (kNone: answer as the registry did).
  Fault Pick(FaultMode mode, RequestKind kind, bool head)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Chance(double probability) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  size_t Below(size_t bound) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
  int64_t unavailable_requests_ ABSL_GUARDED_BY(mu_) = 0;
  std::array<int64_t, kFaultCount> counts_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_FAULT_INJECTOR_H_
