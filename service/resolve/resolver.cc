#include "service/resolve/resolver.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/strand.hpp"
#include "service/resolve/attempt_loop.h"
#include "service/resolve/exceptions.h"
#include "service/resolve/fall_through.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;

std::string ManifestSubject(const registry::ManifestQuery& query) {
  return absl::StrCat(query.repository, query.reference.is_digest() ? "@" : ":",
                      query.reference.str());
}

std::vector<std::unique_ptr<Upstream>> MakeUpstreams(
    std::vector<std::unique_ptr<registry::Registry>> clients,
    const cache::Clock& clock, metrics::Metrics& metrics) {
  std::vector<std::unique_ptr<Upstream>> upstreams;
  for (size_t i = 0; i < clients.size(); ++i) {
    upstreams.push_back(std::make_unique<Upstream>(
        static_cast<int>(i), std::move(clients[i]), clock, metrics));
  }
  return upstreams;
}

}  // namespace

Resolver::Resolver(std::vector<std::unique_ptr<registry::Registry>> upstreams,
                   asio::any_io_executor executor, metrics::Metrics& metrics,
                   BlobStreamOptions blob_options, const cache::Clock& clock)
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
                   // `done` runs once whatever happens.
                   if (error) {
                     result = StatusOfException(error);
                   }
                   done(std::move(result));
                 });
}

template <class T, class Call>
asio::awaitable<absl::StatusOr<Resolved<T>>> Resolver::FanOut(
    std::string subject, std::string repository, absl::Time deadline,
    Call call) {
  AttemptLoop loop(upstreams_, metrics_,
                   {.repository = std::move(repository), .deadline = deadline});
  absl::StatusOr<T> answer = absl::UnknownError("no upstream answered");
  Upstream* answered = co_await loop.Next(
      [&](registry::Registry& upstream) -> asio::awaitable<absl::Status> {
        answer = co_await call(upstream);
        co_return answer.status();
      });
  if (answered == nullptr) {
    co_return CombineFailures(subject, loop.failures());
  }
  co_return Resolved<T>{*std::move(answer), answered->name()};
}

void Resolver::GetManifest(registry::ManifestQuery query,
                           Done<registry::Manifest> done) {
  std::string subject = ManifestSubject(query);
  std::string repository = query.repository;
  const absl::Time deadline = query.deadline;
  Start<registry::Manifest>(
      std::move(subject), std::move(repository), deadline,
      [query = std::move(query)](registry::Registry& upstream) {
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
      [query = std::move(query)](registry::Registry& upstream) {
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
      [query = std::move(query)](registry::Registry& upstream) {
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
      [query = std::move(query)](registry::Registry& upstream) {
        return upstream.ListTags(query);
      },
      std::move(done));
}

}  // namespace tributary::resolve
