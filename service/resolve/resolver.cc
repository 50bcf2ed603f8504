#include "service/resolve/resolver.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/strand.hpp"
#include "service/resolve/fall_through.h"
#include "service/resolve/retry_policy.h"
#include "service/resolve/wait.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;

std::string ManifestSubject(const registry::ManifestQuery& query) {
  return absl::StrCat(query.repository, query.reference.is_digest() ? "@" : ":",
                      query.reference.str());
}

std::vector<std::unique_ptr<Upstream>> MakeUpstreams(
    std::vector<std::unique_ptr<registry::RegistryClient>> clients,
    const util::Clock& clock, metrics::Metrics& metrics) {
  std::vector<std::unique_ptr<Upstream>> upstreams;
  for (size_t i = 0; i < clients.size(); ++i) {
    upstreams.push_back(std::make_unique<Upstream>(
        static_cast<int>(i), std::move(clients[i]), clock, metrics));
  }
  return upstreams;
}

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

}  // namespace

Resolver::Resolver(
    std::vector<std::unique_ptr<registry::RegistryClient>> upstreams,
    asio::any_io_executor executor, metrics::Metrics& metrics,
    BlobStreamOptions blob_options, const util::Clock& clock)
    : upstreams_(MakeUpstreams(std::move(upstreams), clock, metrics)),
      executor_(std::move(executor)),
      metrics_(metrics),
      blob_options_(blob_options) {}

std::vector<UpstreamSnapshot> Resolver::UpstreamSnapshots() const {
  std::vector<UpstreamSnapshot> snapshots;
  for (const auto& upstream : upstreams_) {
    snapshots.push_back(upstream->Snapshot());
  }
  return snapshots;
}

std::shared_ptr<BlobStreamHandle> Resolver::NewBlobStream(
    BlobRequest request, BlobConsumer* consumer,
    std::optional<BlobContinuation> continuation) {
  return resolve::NewBlobStream(executor_, upstreams_, metrics_, blob_options_,
                                std::move(request), consumer,
                                std::move(continuation));
}

Resolver::~Resolver() = default;

template <class T, class Call>
void Resolver::Start(std::string subject, std::string repository,
                     absl::Time deadline, Call call, Done<T> done) {
  // Each call gets its own strand: its I/O objects (timers that cancel
  // lookups, pooled connections) are then never touched by two threads at once.
  asio::co_spawn(asio::make_strand(executor_),
                 FanOut<T>(std::move(subject), std::move(repository), deadline,
                           std::move(call)),
                 [done = std::move(done)](std::exception_ptr error,
                                          absl::StatusOr<Resolved<T>> result) {
                   // Nothing on the request path throws; this only guards the
                   // contract that `done` runs once whatever happens.
                   if (error) {
                     result = absl::InternalError("resolver coroutine threw");
                   }
                   done(std::move(result));
                 });
}

template <class T, class Call>
asio::awaitable<absl::StatusOr<Resolved<T>>> Resolver::FanOut(
    std::string subject, std::string repository, absl::Time deadline,
    Call call) {
  std::vector<Attempt> attempts;
  for (const std::unique_ptr<Upstream>& upstream : upstreams_) {
    if (!upstream->enabled()) {
      continue;
    }
    if (!upstream->InScope(repository)) {
      attempts.push_back(
          {upstream->name(), absl::NotFoundError("not in its scope"), true});
      continue;
    }
    if (absl::Now() >= deadline) {
      attempts.push_back(
          {upstream->name(),
           absl::DeadlineExceededError("not asked: the deadline had passed")});
      break;
    }
    Asked<T> asked = co_await Ask<T>(*upstream, call, deadline);
    if (asked.result.ok()) {
      co_return Resolved<T>{*std::move(asked.result), upstream->name()};
    }
    if (!ShouldAskNextUpstream(asked.result.status())) {
      co_return asked.result.status();
    }
    attempts.push_back(
        {upstream->name(), asked.result.status(), asked.skipped});
  }
  co_return CombineFailures(subject, attempts);
}

template <class T, class Call>
asio::awaitable<Resolver::Asked<T>> Resolver::Ask(Upstream& upstream,
                                                  Call& call,
                                                  absl::Time deadline) {
  const absl::Time first_attempt = absl::Now();
  absl::Status last;
  // Why the attempt about to go is a retry; counted once it is really sent.
  std::optional<metrics::RetryReason> retrying;
  for (int attempt = 1;; ++attempt) {
    std::optional<Upstream::Permit> permit = upstream.Admit();
    if (!permit.has_value()) {
      // (Statuses built before the aggregate: GCC 12 miscompiles string
      // literals inside aggregates in coroutines.)
      Asked<T> skipped;
      if (attempt == 1) {
        skipped.result = absl::UnavailableError(upstream.SkipReason());
        skipped.skipped = true;
      } else {
        skipped.result = Described(last, attempt - 1, kCircuitOpened);
      }
      co_return skipped;
    }
    if (retrying.has_value()) {
      metrics_.RecordRetry(upstream.index(), *retrying);
    }
    const absl::Time start = absl::Now();
    absl::StatusOr<T> result = co_await call(upstream.client());
    const absl::Time end = absl::Now();
    metrics_.RecordUpstream(upstream.index(),
                            metrics::ClassifyOutcome(result.status()),
                            end - start);
    permit->Record(result.status(), end >= deadline);
    if (result.ok()) {
      co_return Asked<T>{std::move(result)};
    }
    const RetryDecision decision =
        DecideRetry(upstream.retry_policy(), result.status(),
                    {.attempts = attempt,
                     .first_attempt = first_attempt,
                     .now = end,
                     .deadline = deadline,
                     .jitter = RandomJitter()});
    if (!decision.retry) {
      co_return Asked<T>{
          Described(result.status(), attempt, decision.not_retried)};
    }
    retrying = RetryableReason(result.status());
    last = result.status();
    co_await Pause(decision.wait);
  }
}

void Resolver::GetManifest(registry::ManifestQuery query,
                           Done<registry::Manifest> done) {
  std::string subject = ManifestSubject(query);
  std::string repository = query.repository;
  const absl::Time deadline = query.deadline;
  Start<registry::Manifest>(
      std::move(subject), std::move(repository), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.GetManifest(query);
      },
      std::move(done));
}

void Resolver::HeadManifest(registry::ManifestQuery query,
                            Done<registry::ManifestHead> done) {
  std::string subject = ManifestSubject(query);
  std::string repository = query.repository;
  const absl::Time deadline = query.deadline;
  Start<registry::ManifestHead>(
      std::move(subject), std::move(repository), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.HeadManifest(query);
      },
      std::move(done));
}

void Resolver::HeadBlob(registry::BlobQuery query,
                        Done<registry::BlobHead> done) {
  std::string subject = absl::StrCat(query.repository, "@", query.digest.str());
  std::string repository = query.repository;
  const absl::Time deadline = query.deadline;
  Start<registry::BlobHead>(
      std::move(subject), std::move(repository), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.HeadBlob(query);
      },
      std::move(done));
}

void Resolver::ListTags(registry::TagsQuery query,
                        Done<registry::TagPage> done) {
  std::string subject = absl::StrCat(query.repository, " tags");
  std::string repository = query.repository;
  const absl::Time deadline = query.deadline;
  Start<registry::TagPage>(
      std::move(subject), std::move(repository), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.ListTags(query);
      },
      std::move(done));
}

}  // namespace tributary::resolve
