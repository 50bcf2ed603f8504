#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_ATTEMPT_LOOP_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_ATTEMPT_LOOP_H_

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "service/metrics/metrics.h"
#include "service/resolve/fanout/cancellation.h"
#include "service/resolve/fanout/fall_through.h"
#include "service/resolve/fanout/upstream.h"

namespace tributary::resolve {

// One request to one upstream (a manifest GET, a blob open, ...). It keeps
// what it got and returns its status; the loop decides what follows.
using Exchange =
    std::function<boost::asio::awaitable<absl::Status>(registry::Registry&)>;

struct AttemptLimits {
  // Only upstreams serving it are asked; the others are passed over like a
  // disabled one (they were never candidates, so errors do not name them).
  std::string source_registry;
  std::string repository;  // for the upstreams' scope rules
  absl::Time deadline = absl::InfiniteFuture();  // the caller's
  // Requests over all upstreams (a blob stream caps its resumes so).
  int max_requests = std::numeric_limits<int>::max();
  // Ends waits and requests early; may be null.
  Cancellation* cancellation = nullptr;
};

// The one walk over the ordered upstreams, shared by manifests, HEADs, tag
// lists and blobs. For each upstream in order: pass it over when disabled or
// not serving the source registry; skip it when out of scope or its circuit
// is open (no network I/O); stop at the caller's
// deadline; send the exchange under a circuit-breaker permit and record the
// outcome (breaker, status, metrics); retry a retryable failure per the
// upstream's retry policy after a backoff that a cancel cuts short; else
// remember the failure and move on. Used by one coroutine at a time;
// `upstreams`, `metrics` and the cancellation must outlive it.
class AttemptLoop {
 public:
  AttemptLoop(const std::vector<std::unique_ptr<Upstream>>& upstreams,
              metrics::Metrics& metrics, AttemptLimits limits);

  // Sends `exchange` to the upstreams from where the loop stands until one
  // succeeds, and returns that upstream (the loop stays on it). nullptr when
  // none did: failures() says why, or cancelled() that the caller left.
  boost::asio::awaitable<Upstream*> Next(const Exchange& exchange);

  // The upstream Next returned failed after its answer (a blob body cut
  // short): the failure is recorded against it, and the next call to Next
  // resumes on the same upstream once more when this answer `progressed`,
  // otherwise on the next one.
  void FailedAfterAnswer(const absl::Status& status, bool progressed);

  const std::vector<Attempt>& failures() const { return failures_; }
  int requests() const { return requests_; }
  bool cancelled() const {
    return limits_.cancellation != nullptr && limits_.cancellation->cancelled();
  }

 private:
  // Asks the current upstream, with its retries; true when it succeeded.
  boost::asio::awaitable<bool> AskCurrent(const Exchange& exchange);
  // Sends one request under a breaker permit; nullopt when the circuit is
  // open.
  boost::asio::awaitable<std::optional<absl::Status>> SendOnce(
      Upstream& upstream, const Exchange& exchange);
  // Waits `wait` unless the caller cancels first.
  boost::asio::awaitable<void> Backoff(absl::Duration wait);
  void Remember(const Upstream& upstream, absl::Status status);
  // Not asked at all (out of scope, circuit open); `why` says why.
  void RememberSkipped(const Upstream& upstream, absl::Status why);
  void MoveOn();

  const std::vector<std::unique_ptr<Upstream>>& upstreams_;
  metrics::Metrics& metrics_;
  const AttemptLimits limits_;
  std::vector<Attempt> failures_;
  size_t current_ = 0;
  int requests_ = 0;
  // On the current upstream: requests sent, since when, the failure being
  // retried and why the next request is a retry (counted once sent).
  int tries_here_ = 0;
  absl::Time first_here_;
  absl::Status last_here_;
  std::optional<metrics::RetryReason> retrying_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_ATTEMPT_LOOP_H_
