#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_UPSTREAM_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_UPSTREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/metrics/metrics.h"
#include "service/registry/registry.h"
#include "service/registry/url_builder.h"
#include "service/resolve/fanout/circuit_breaker.h"
#include "service/resolve/fanout/retry_policy.h"
#include "service/resolve/fanout/scope.h"
#include "service/resolve/upstream_snapshot.h"
#include "service/util/clock.h"

namespace tributary::resolve {

// One upstream as the fan-out sees it: its registry client, scope, retry
// policy and circuit breaker, plus the counts ListUpstreams shows. Built once
// from the config; thread-safe. `clock` and `metrics` must outlive it.
class Upstream {
 public:
  // One request's pass through the circuit breaker. Move-only. Destroyed
  // without Record (its coroutine was cut off), it counts as neutral, so a
  // half-open circuit never waits for a probe that is gone.
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&&) = delete;
    ~Permit();

    bool probe() const { return probe_; }
    // The exchange's outcome; `caller_deadline_passed` as in ClassifyHealth.
    void Record(const absl::Status& status, bool caller_deadline_passed);

   private:
    friend class Upstream;
    Permit(Upstream* upstream, bool probe)
        : upstream_(upstream), probe_(probe) {}
    Upstream* upstream_;
    bool probe_;
  };

  Upstream(int index, std::unique_ptr<registry::Registry> client,
           const util::Clock& clock, metrics::Metrics& metrics);

  int index() const { return index_; }
  const std::string& name() const { return client_->name(); }
  bool enabled() const { return enabled_; }
  registry::Registry& client() const { return *client_; }
  const RetryPolicy& retry_policy() const { return retry_policy_; }

  // Whether the scope rules let this upstream be asked for `repository`.
  bool InScope(absl::string_view repository) const;
  // Whether it serves the source registry `name` (config `registries`). An
  // upstream configured without any (only where config/ did not fill in the
  // default: tests) serves every registry.
  bool Serves(absl::string_view name) const;

  // A permit to send one request, or nullopt when the circuit is open: skip
  // this upstream (the skip is counted in the metrics).
  std::optional<Permit> Admit() ABSL_LOCKS_EXCLUDED(mutex_);
  // Why Admit refused, for the caller's error message.
  std::string SkipReason() const ABSL_LOCKS_EXCLUDED(mutex_);
  // An outcome seen outside a permit: a blob body failing part-way.
  void Observe(const absl::Status& status, bool caller_deadline_passed)
      ABSL_LOCKS_EXCLUDED(mutex_);

  UpstreamSnapshot Snapshot() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  void Record(const absl::Status& status, Health health, bool probe)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Publishes and logs a state change since `before`.
  void Published(BreakerState before) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const int index_;
  const std::unique_ptr<registry::Registry> client_;
  const registry::UrlBuilder urls_;
  const bool enabled_;
  const Scope scope_;
  const std::vector<std::string> registries_;
  const RetryPolicy retry_policy_;
  const util::Clock& clock_;
  metrics::Metrics& metrics_;

  mutable absl::Mutex mutex_;
  CircuitBreaker breaker_ ABSL_GUARDED_BY(mutex_);
  std::string last_error_ ABSL_GUARDED_BY(mutex_);
  absl::Time last_error_time_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Time last_success_time_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  int64_t requests_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t failures_ ABSL_GUARDED_BY(mutex_) = 0;
};

// `message` fit for an operator's screen: query strings (a redirect's signed
// URL) are dropped and the length is capped. Pure.
std::string RedactForStatus(absl::string_view message);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_UPSTREAM_H_
