#include "service/resolve/fanout/attempt_loop.h"

#include <exception>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "boost/asio/experimental/awaitable_operators.hpp"
#include "service/resolve/fanout/retry_policy.h"
#include "service/resolve/fanout/wait.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator||;

constexpr absl::string_view kCircuitOpened = "its circuit opened";

// The last failure of an upstream, saying how often it was tried and, when
// it was not retried for a reason of its own, why.
absl::Status Described(const absl::Status& status, int attempts,
                       absl::string_view not_retried) {
  std::string message(status.message());
  if (attempts > 1) {
    absl::StrAppend(&message, " after ", attempts, " attempts");
  }
  if (!not_retried.empty()) {
    absl::StrAppend(&message, "; not retried: ", not_retried);
  }
  return absl::Status(status.code(), message);
}

// `work`, with an exception it throws kept in `thrown` instead of escaping:
// a parallel group waiting for one success would otherwise go on waiting for
// the cancel.
asio::awaitable<absl::Status> Guarded(asio::awaitable<absl::Status> work,
                                      std::exception_ptr* thrown) {
  try {
    co_return co_await std::move(work);
  } catch (...) {
    *thrown = std::current_exception();
  }
  co_return absl::InternalError("the exchange threw");
}

// `work`'s result, or nullopt when the caller cancelled first (the work is
// then cancelled too, which closes the connection it was on). An exception
// from `work` propagates.
asio::awaitable<std::optional<absl::Status>> UnlessCancelled(
    asio::awaitable<absl::Status> work, Cancellation* cancellation) {
  if (cancellation == nullptr) {
    co_return co_await std::move(work);
  }
  std::exception_ptr thrown;
  std::variant<absl::Status, std::monostate> raced =
      co_await (Guarded(std::move(work), &thrown) || cancellation->Wait());
  if (raced.index() == 1) {
    co_return std::nullopt;  // what the cut-off work threw does not matter
  }
  if (thrown) {
    std::rethrow_exception(thrown);
  }
  co_return std::get<0>(std::move(raced));
}

}  // namespace

AttemptLoop::AttemptLoop(
    const std::vector<std::unique_ptr<Upstream>>& upstreams,
    metrics::Metrics& metrics, AttemptLimits limits)
    : upstreams_(upstreams), metrics_(metrics), limits_(std::move(limits)) {}

asio::awaitable<Upstream*> AttemptLoop::Next(const Exchange& exchange) {
  while (current_ < upstreams_.size() && requests_ < limits_.max_requests &&
         !cancelled()) {
    Upstream& upstream = *upstreams_[current_];
    if (!upstream.enabled() || !upstream.Serves(limits_.source_registry)) {
      MoveOn();
      continue;
    }
    if (!upstream.InScope(limits_.repository)) {
      RememberSkipped(upstream, absl::NotFoundError("not in its scope"));
      MoveOn();
      continue;
    }
    if (tries_here_ == 0 && absl::Now() >= limits_.deadline) {
      Remember(upstream, absl::DeadlineExceededError(
                             "not asked: the deadline had passed"));
      break;
    }
    if (co_await AskCurrent(exchange)) {
      co_return &upstream;
    }
    MoveOn();
  }
  co_return nullptr;
}

asio::awaitable<bool> AttemptLoop::AskCurrent(const Exchange& exchange) {
  Upstream& upstream = *upstreams_[current_];
  while (!cancelled()) {
    std::optional<absl::Status> sent = co_await SendOnce(upstream, exchange);
    if (!sent.has_value()) {
      // Its circuit is open: skipped, or, when it opened while this call
      // waited to retry, its last failure stands.
      if (tries_here_ == 0) {
        RememberSkipped(upstream,
                        absl::UnavailableError(upstream.SkipReason()));
      } else {
        Remember(upstream, Described(last_here_, tries_here_, kCircuitOpened));
      }
      co_return false;
    }
    if (sent->ok()) {
      co_return true;
    }
    if (cancelled()) {
      co_return false;
    }
    const RetryDecision decision = DecideRetry(upstream.retry_policy(), *sent,
                                               {.attempts = tries_here_,
                                                .first_attempt = first_here_,
                                                .now = absl::Now(),
                                                .deadline = limits_.deadline,
                                                .jitter = RandomJitter()});
    if (!decision.retry || requests_ >= limits_.max_requests) {
      Remember(upstream, Described(*sent, tries_here_, decision.not_retried));
      co_return false;
    }
    retrying_ = RetryableReason(*sent);
    last_here_ = *sent;
    co_await Backoff(decision.wait);
  }
  co_return false;
}

asio::awaitable<std::optional<absl::Status>> AttemptLoop::SendOnce(
    Upstream& upstream, const Exchange& exchange) {
  std::optional<Upstream::Permit> permit = upstream.Admit();
  if (!permit.has_value()) {
    co_return std::nullopt;
  }
  if (retrying_.has_value()) {
    metrics_.RecordRetry(upstream.index(), *retrying_);
    retrying_.reset();
  }
  const absl::Time start = absl::Now();
  if (tries_here_ == 0) {
    first_here_ = start;
  }
  ++tries_here_;
  ++requests_;
  std::optional<absl::Status> status = co_await UnlessCancelled(
      exchange(upstream.client()), limits_.cancellation);
  if (!status.has_value()) {
    // The caller left: the permit, destroyed unrecorded, counts as neutral.
    co_return absl::CancelledError("the caller cancelled");
  }
  const absl::Time end = absl::Now();
  metrics_.RecordUpstream(upstream.index(), metrics::ClassifyOutcome(*status),
                          end - start);
  permit->Record(*status, end >= limits_.deadline);
  co_return status;
}

asio::awaitable<void> AttemptLoop::Backoff(absl::Duration wait) {
  if (limits_.cancellation == nullptr) {
    co_await Pause(wait);
    co_return;
  }
  // A cancel is seen by the caller's next step.
  std::variant<std::monostate, std::monostate> waited =
      co_await (Pause(wait) || limits_.cancellation->Wait());
  (void)waited;
}

void AttemptLoop::FailedAfterAnswer(const absl::Status& status,
                                    bool progressed) {
  Upstream& upstream = *upstreams_[current_];
  Remember(upstream, status);
  upstream.Observe(status, absl::Now() >= limits_.deadline);
  // Resume where the bytes stopped: once more here if this upstream made
  // progress, otherwise on the next one.
  if (!progressed || tries_here_ >= 2) {
    MoveOn();
  }
}

// Built here, outside the coroutines: GCC 12 miscompiles string literals
// inside aggregates in coroutines.
void AttemptLoop::Remember(const Upstream& upstream, absl::Status status) {
  failures_.push_back({upstream.name(), std::move(status)});
}

void AttemptLoop::RememberSkipped(const Upstream& upstream, absl::Status why) {
  failures_.push_back({upstream.name(), std::move(why), /*skipped=*/true});
}

void AttemptLoop::MoveOn() {
  ++current_;
  tries_here_ = 0;
  last_here_ = absl::OkStatus();
  retrying_.reset();
}

}  // namespace tributary::resolve
