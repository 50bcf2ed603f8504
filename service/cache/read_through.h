#ifndef TRIBUTARY_SERVICE_CACHE_READ_THROUGH_H_
#define TRIBUTARY_SERVICE_CACHE_READ_THROUGH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/cache/memory_cache.h"
#include "service/cache/single_flight.h"
#include "service/metrics/metrics.h"
#include "service/util/cancel_signal.h"
#include "service/util/clock.h"

namespace tributary::cache {

// What a request asks of the cache.
enum class CacheMode {
  kDefault,       // fresh from the cache, else fetch (stale rules apply)
  kRefresh,       // skip the lookup, fetch, store what comes back
  kOnlyIfCached,  // never fetch: FAILED_PRECONDITION when nothing is cached
};

// Whether an answer came from the cache, and how old it was.
struct Provenance {
  bool from_cache = false;
  // Past its TTL: served while a refresh runs, or because the upstreams failed.
  bool stale = false;
  absl::Duration age = absl::ZeroDuration();
};

// An answer, the upstream that gave it and where it came from.
template <class T>
struct Answer {
  T value;
  std::string upstream;
  Provenance cache;
};

// How long one kind of answer is good for, counted from when it was fetched.
struct Policy {
  // Served from the cache without asking; InfiniteDuration() for content
  // addressed by digest.
  absl::Duration fresh_for = absl::ZeroDuration();
  // Past fresh_for, still served for this long while one background fetch
  // refreshes it.
  absl::Duration stale_while_revalidate = absl::ZeroDuration();
  // Past fresh_for, served for this long when every upstream fails.
  absl::Duration stale_if_error = absl::ZeroDuration();
  // How long a NOT_FOUND is remembered.
  absl::Duration negative_for = absl::ZeroDuration();
};

// Failures that a stale answer may stand in for: the upstreams are down, slow
// or rate-limiting. A NOT_FOUND is an answer, not a failure, and so is a 401 or
// 403: access revoked upstream must not be papered over by a cached copy.
inline bool IsUpstreamFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

// A read-through cache of one kind of answer over a shared MemoryCache, with
// single-flight fetches: a lookup serves a fresh answer, or a stale one while
// one background fetch refreshes it; a miss joins the fetch in flight for the
// same key or starts one. Answers are stored on success; NOT_FOUND is stored
// as a negative entry; a refusal (PERMISSION_DENIED, UNAUTHENTICATED) drops
// the entry; other failures leave the old entry, which then serves within
// stale_if_error.
//
// `done` runs exactly once: on the calling thread for a cache hit, else on the
// thread that completes the fetch. Thread-safe; `store`, `clock` and `metrics`
// must outlive it, and it must outlive every fetch it started.
template <class T>
class ReadThrough {
 public:
  using Result = absl::StatusOr<Answer<T>>;
  using Done = std::function<void(Result)>;
  // Fetches from the upstreams; calls `done` exactly once. `cancel` fires
  // when no caller waits for the answer any more: the fetch should stop
  // asking upstreams (and may then answer CANCELLED).
  using Fetch = std::function<void(Done done,
                                   std::shared_ptr<util::CancelSignal> cancel)>;
  // What a value costs in memory, roughly.
  using SizeOf = int64_t (*)(const T&);

  ReadThrough(metrics::CacheKind kind, MemoryCache& store,
              const util::Clock& clock, metrics::Metrics& metrics,
              SizeOf size_of)
      : kind_(kind),
        prefix_(absl::StrCat(metrics::CacheKindName(kind), "\n")),
        store_(store),
        clock_(clock),
        metrics_(metrics),
        size_of_(size_of) {}

  ReadThrough(const ReadThrough&) = delete;
  ReadThrough& operator=(const ReadThrough&) = delete;

  // `caller` (may be null) fires when the caller cancels: it is answered
  // CANCELLED at once and leaves the fetch it waits for, which is cancelled
  // when no other caller shares it.
  void Get(const std::string& key, CacheMode mode, const Policy& policy,
           Fetch fetch, Done done,
           std::shared_ptr<util::CancelSignal> caller = nullptr) {
    std::string full_key = prefix_ + key;
    if (mode != CacheMode::kRefresh) {
      std::optional<Entry> entry = store_.Lookup(full_key);
      if (entry.has_value() &&
          ServeFromCache(full_key, *entry, mode, policy, fetch, done)) {
        return;
      }
    }
    if (mode == CacheMode::kOnlyIfCached) {
      Record(metrics::CacheResult::kMiss);
      done(absl::FailedPreconditionError(
          "not in the cache (the request asked for cached answers only)"));
      return;
    }
    const bool allow_stale = mode == CacheMode::kDefault;
    auto waiter = [this, full_key, policy, allow_stale,
                   done = std::move(done)](const Result& result) {
      Deliver(full_key, policy, allow_stale, result, done);
    };
    typename Flights::Joined joined =
        flights_.Join(full_key, std::move(waiter));
    if (joined.leader) {
      Record(mode == CacheMode::kRefresh ? metrics::CacheResult::kBypass
                                         : metrics::CacheResult::kMiss);
      Launch(full_key, joined, fetch);
    } else {
      Record(metrics::CacheResult::kCoalesced);
    }
    if (caller != nullptr) {
      // Subscribed after the launch: a fetch that answers at once leaves
      // nothing to leave. The subscription may outlive the answer (the
      // signal belongs to the call); Leave then finds nothing.
      caller->Subscribe([this, full_key, waiter_id = joined.waiter] {
        Abandon(full_key, waiter_id);
      });
    }
  }

  // Stores an answer learnt another way (a manifest fetched by tag is also
  // the answer for its digest).
  void Put(const std::string& key, const Answer<T>& answer) {
    Store(prefix_ + key, Result(answer));
  }

  int in_flight() const { return flights_.in_flight(); }

 private:
  using Flights = SingleFlight<Result>;

  struct Stored {
    T value;
    std::string upstream;
  };

  // True when `entry` answered the request.
  bool ServeFromCache(const std::string& key, const Entry& entry,
                      CacheMode mode, const Policy& policy, const Fetch& fetch,
                      const Done& done) {
    const absl::Duration age = clock_.Now() - entry.stored_at;
    if (!entry.status.ok()) {
      if (age >= policy.negative_for) {
        return false;
      }
      Record(metrics::CacheResult::kNegative);
      done(entry.status);
      return true;
    }
    if (age < policy.fresh_for) {
      Record(metrics::CacheResult::kHit);
      done(FromEntry(entry, age, /*stale=*/false));
      return true;
    }
    const bool revalidate =
        age < policy.fresh_for + policy.stale_while_revalidate;
    const bool within_error_window =
        age < policy.fresh_for + policy.stale_if_error;
    if (revalidate && mode == CacheMode::kDefault) {
      Record(metrics::CacheResult::kStale);
      Revalidate(key, fetch);
      done(FromEntry(entry, age, /*stale=*/true));
      return true;
    }
    // Only-if-cached prefers any answer still inside a stale window to none.
    if (mode == CacheMode::kOnlyIfCached &&
        (revalidate || within_error_window)) {
      Record(metrics::CacheResult::kStale);
      done(FromEntry(entry, age, /*stale=*/true));
      return true;
    }
    return false;
  }

  // One background refresh per key: later stale hits join the one in flight.
  // Its waiter never leaves, so no caller's cancel stops the refresh.
  void Revalidate(const std::string& key, const Fetch& fetch) {
    typename Flights::Joined joined = flights_.Join(key, [](const Result&) {});
    if (joined.leader) {
      Launch(key, joined, fetch);
    }
  }

  void Launch(const std::string& key, const typename Flights::Joined& joined,
              const Fetch& fetch) {
    fetch(
        [this, key, flight = joined.flight](Result result) {
          Store(key, result);
          flights_.Complete(key, flight, result);
        },
        joined.cancel);
  }

  // The caller cancelled: it is answered now, whatever the fetch does next.
  void Abandon(const std::string& key, uint64_t waiter) {
    std::optional<typename Flights::Waiter> left = flights_.Leave(key, waiter);
    if (left.has_value()) {
      (*left)(Result(absl::CancelledError("the caller cancelled")));
    }
  }

  void Store(const std::string& key, const Result& result) {
    if (result.ok()) {
      store_.Insert(
          key, Entry{.value = std::make_shared<const Stored>(
                         Stored{result->value, result->upstream}),
                     .status = absl::OkStatus(),
                     .stored_at = clock_.Now(),
                     .bytes = size_of_(result->value) +
                              static_cast<int64_t>(result->upstream.size())});
    } else if (absl::IsPermissionDenied(result.status()) ||
               absl::IsUnauthenticated(result.status())) {
      // Access was revoked: no stale window may serve the old answer.
      store_.Erase(key);
    } else if (absl::IsNotFound(result.status())) {
      const int64_t bytes =
          static_cast<int64_t>(result.status().message().size());
      store_.Insert(key, Entry{.value = nullptr,
                               .status = result.status(),
                               .stored_at = clock_.Now(),
                               .bytes = bytes});
    }
  }

  void Deliver(const std::string& key, const Policy& policy, bool allow_stale,
               const Result& result, const Done& done) {
    if (!result.ok() && allow_stale && IsUpstreamFailure(result.status())) {
      std::optional<Entry> entry = store_.Lookup(key);
      if (entry.has_value() && entry->status.ok()) {
        const absl::Duration age = clock_.Now() - entry->stored_at;
        if (age < policy.fresh_for + policy.stale_if_error) {
          Record(metrics::CacheResult::kStaleIfError);
          done(FromEntry(*entry, age, /*stale=*/true));
          return;
        }
      }
    }
    done(result);
  }

  static Result FromEntry(const Entry& entry, absl::Duration age, bool stale) {
    const auto& stored = *static_cast<const Stored*>(entry.value.get());
    return Answer<T>{.value = stored.value,
                     .upstream = stored.upstream,
                     .cache = {.from_cache = true, .stale = stale, .age = age}};
  }

  void Record(metrics::CacheResult result) {
    metrics_.RecordCacheResult(kind_, result);
  }

  const metrics::CacheKind kind_;
  const std::string prefix_;  // keeps kinds apart in the shared store
  MemoryCache& store_;
  const util::Clock& clock_;
  metrics::Metrics& metrics_;
  const SizeOf size_of_;
  Flights flights_;
};

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_READ_THROUGH_H_
