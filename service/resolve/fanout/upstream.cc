#include "service/resolve/fanout/upstream.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/util/utf8.h"
#include "spdlog/spdlog.h"

namespace tributary::resolve {
namespace {

constexpr size_t kMaxErrorLength = 256;

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

}  // namespace

std::string RedactForStatus(absl::string_view message) {
  std::string out;
  bool in_query = false;
  for (char c : message) {
    if (in_query) {
      if (absl::ascii_isspace(c) || c == '"' || c == '\'') {
        in_query = false;
      } else {
        continue;
      }
    }
    if (c == '?') {
      in_query = true;
      out += "?...";
      continue;
    }
    out += c;
  }
  // Upstream bytes end up in a proto string field: valid UTF-8, never cut
  // inside a character.
  out = util::ToValidUtf8(out);
  if (out.size() > kMaxErrorLength) {
    out = absl::StrCat(util::Utf8Prefix(out, kMaxErrorLength), "...");
  }
  return out;
}

Upstream::Permit::Permit(Permit&& other) noexcept
    : upstream_(std::exchange(other.upstream_, nullptr)),
      probe_(other.probe_) {}

Upstream::Permit::~Permit() {
  if (upstream_ != nullptr) {
    upstream_->Record(absl::CancelledError("cut off"), Health::kNeutral,
                      probe_);
  }
}

void Upstream::Permit::Record(const absl::Status& status,
                              bool caller_deadline_passed) {
  if (upstream_ == nullptr) {
    return;
  }
  std::exchange(upstream_, nullptr)
      ->Record(status, ClassifyHealth(status, caller_deadline_passed), probe_);
}

Upstream::Upstream(int index, std::unique_ptr<registry::Registry> client,
                   const util::Clock& clock, metrics::Metrics& metrics)
    : index_(index),
      client_(std::move(client)),
      urls_(client_->upstream()),
      enabled_(!client_->upstream().has_enabled() ||
               client_->upstream().enabled()),
      scope_(Scope::FromConfig(client_->upstream().scope())),
      registries_(client_->upstream().registries().begin(),
                  client_->upstream().registries().end()),
      retry_policy_(RetryPolicy::FromConfig(client_->upstream().retry())),
      clock_(clock),
      metrics_(metrics),
      breaker_(BreakerPolicy::FromConfig(client_->upstream().circuit_breaker()),
               clock.Now()) {}

bool Upstream::InScope(absl::string_view repository) const {
  return scope_.Admits(repository, urls_.Repository(repository));
}

bool Upstream::Serves(absl::string_view name) const {
  return registries_.empty() ||
         std::find(registries_.begin(), registries_.end(), name) !=
             registries_.end();
}

std::optional<Upstream::Permit> Upstream::Admit() {
  absl::MutexLock lock(&mutex_);
  const BreakerState before = breaker_.state();
  const CircuitBreaker::Admission admission = breaker_.Admit(clock_.Now());
  Published(before);
  if (admission == CircuitBreaker::Admission::kReject) {
    metrics_.RecordBreakerSkip(index_);
    return std::nullopt;
  }
  ++requests_;
  return Permit(this, admission == CircuitBreaker::Admission::kProbe);
}

std::string Upstream::SkipReason() const {
  absl::MutexLock lock(&mutex_);
  const absl::Time now = clock_.Now();
  if (breaker_.state() == BreakerState::kHalfOpen) {
    return "circuit half-open, a probe request is out";
  }
  if (breaker_.state() == BreakerState::kClosed) {
    return "circuit was open";  // it closed since Admit refused
  }
  return absl::StrCat("circuit open since ", Rfc3339(breaker_.state_since()),
                      " after ", breaker_.consecutive_failures(),
                      " consecutive failures (last: ", last_error_,
                      "); next probe in ",
                      absl::FormatDuration(absl::Ceil(
                          breaker_.open_until() - now, absl::Seconds(1))));
}

void Upstream::Observe(const absl::Status& status,
                       bool caller_deadline_passed) {
  Record(status, ClassifyHealth(status, caller_deadline_passed), false);
}

void Upstream::Record(const absl::Status& status, Health health, bool probe) {
  absl::MutexLock lock(&mutex_);
  const absl::Time now = clock_.Now();
  const BreakerState before = breaker_.state();
  breaker_.Record(health, probe, now);
  if (health == Health::kFailure) {
    ++failures_;
  }
  if (status.ok()) {
    last_success_time_ = now;
  } else if (status.code() != absl::StatusCode::kNotFound &&
             !absl::IsCancelled(status)) {
    last_error_ = RedactForStatus(absl::StrCat(
        absl::StatusCodeToString(status.code()), ": ", status.message()));
    last_error_time_ = now;
  }
  Published(before);
}

void Upstream::Published(BreakerState before) {
  const BreakerState after = breaker_.state();
  if (after == before) {
    return;
  }
  metrics_.RecordBreakerState(index_, after);
  if (after == BreakerState::kOpen) {
    spdlog::warn(
        "circuit open upstream={} consecutive_failures={} open_for={} "
        "last_error=\"{}\"",
        name(), breaker_.consecutive_failures(),
        absl::FormatDuration(breaker_.open_until() - breaker_.state_since()),
        last_error_);
  } else {
    spdlog::info("circuit {} upstream={}",
                 std::string(metrics::BreakerStateName(after)), name());
  }
}

UpstreamSnapshot Upstream::Snapshot() const {
  absl::MutexLock lock(&mutex_);
  UpstreamSnapshot snapshot;
  snapshot.state = breaker_.state();
  snapshot.state_since = breaker_.state_since();
  if (snapshot.state == BreakerState::kOpen) {
    snapshot.open_until = breaker_.open_until();
  }
  snapshot.consecutive_failures = breaker_.consecutive_failures();
  snapshot.last_error = last_error_;
  snapshot.last_error_time = last_error_time_;
  snapshot.last_success_time = last_success_time_;
  snapshot.requests = requests_;
  snapshot.failures = failures_;
  return snapshot;
}

}  // namespace tributary::resolve
