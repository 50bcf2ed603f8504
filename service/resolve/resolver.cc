#include "service/resolve/resolver.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/strand.hpp"
#include "service/resolve/fall_through.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;

std::string ManifestSubject(const registry::ManifestQuery& query) {
  return absl::StrCat(query.repository, query.reference.is_digest() ? "@" : ":",
                      query.reference.str());
}

}  // namespace

Resolver::Resolver(
    std::vector<std::unique_ptr<registry::RegistryClient>> upstreams,
    asio::any_io_executor executor, metrics::Metrics& metrics,
    BlobStreamOptions blob_options)
    : upstreams_(std::move(upstreams)),
      executor_(std::move(executor)),
      metrics_(metrics),
      blob_options_(blob_options) {}

std::shared_ptr<BlobStreamHandle> Resolver::NewBlobStream(
    BlobRequest request, BlobConsumer* consumer) {
  return resolve::NewBlobStream(executor_, upstreams_, metrics_, blob_options_,
                                std::move(request), consumer);
}

Resolver::~Resolver() = default;

template <class T, class Call>
void Resolver::Start(std::string subject, absl::Time deadline, Call call,
                     Done<T> done) {
  // Each call gets its own strand: its I/O objects (timers that cancel
  // lookups, pooled connections) are then never touched by two threads at once.
  asio::co_spawn(asio::make_strand(executor_),
                 FanOut<T>(std::move(subject), deadline, std::move(call)),
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
    std::string subject, absl::Time deadline, Call call) {
  std::vector<Attempt> attempts;
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    registry::RegistryClient& upstream = *upstreams_[i];
    if (upstream.upstream().has_enabled() && !upstream.upstream().enabled()) {
      continue;
    }
    if (absl::Now() >= deadline) {
      attempts.push_back(
          {upstream.name(),
           absl::DeadlineExceededError("not asked: the deadline had passed")});
      break;
    }
    const absl::Time start = absl::Now();
    absl::StatusOr<T> result = co_await call(upstream);
    metrics_.RecordUpstream(static_cast<int>(i),
                            metrics::ClassifyOutcome(result.status()),
                            absl::Now() - start);
    if (result.ok()) {
      co_return Resolved<T>{*std::move(result), upstream.name()};
    }
    if (!ShouldAskNextUpstream(result.status())) {
      co_return result.status();
    }
    attempts.push_back({upstream.name(), result.status()});
  }
  co_return CombineFailures(subject, attempts);
}

void Resolver::GetManifest(registry::ManifestQuery query,
                           Done<registry::Manifest> done) {
  std::string subject = ManifestSubject(query);
  const absl::Time deadline = query.deadline;
  Start<registry::Manifest>(
      std::move(subject), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.GetManifest(query);
      },
      std::move(done));
}

void Resolver::HeadManifest(registry::ManifestQuery query,
                            Done<registry::ManifestHead> done) {
  std::string subject = ManifestSubject(query);
  const absl::Time deadline = query.deadline;
  Start<registry::ManifestHead>(
      std::move(subject), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.HeadManifest(query);
      },
      std::move(done));
}

void Resolver::HeadBlob(registry::BlobQuery query,
                        Done<registry::BlobHead> done) {
  std::string subject = absl::StrCat(query.repository, "@", query.digest.str());
  const absl::Time deadline = query.deadline;
  Start<registry::BlobHead>(
      std::move(subject), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.HeadBlob(query);
      },
      std::move(done));
}

void Resolver::ListTags(registry::TagsQuery query,
                        Done<registry::TagPage> done) {
  std::string subject = absl::StrCat(query.repository, " tags");
  const absl::Time deadline = query.deadline;
  Start<registry::TagPage>(
      std::move(subject), deadline,
      [query = std::move(query)](registry::RegistryClient& upstream) {
        return upstream.ListTags(query);
      },
      std::move(done));
}

}  // namespace tributary::resolve
