#include "service/resolve/resolver.h"

#include <exception>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/strand.hpp"
#include "service/resolve/fanout/attempt_loop.h"
#include "service/resolve/fanout/exceptions.h"
#include "service/resolve/fanout/fall_through.h"
#include "service/resolve/fanout/upstream.h"
#include "service/resolve/make_resolver.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;

// "ghcr.io/org/app": how errors name a repository, with its source registry.
std::string Qualified(const std::string& source_registry,
                      const std::string& repository) {
  if (source_registry.empty()) {
    return repository;
  }
  return absl::StrCat(source_registry, "/", repository);
}

std::string ManifestSubject(const ManifestQuery& query) {
  return absl::StrCat(Qualified(query.source_registry, query.repository),
                      query.reference.is_digest() ? "@" : ":",
                      query.reference.str());
}

// Who is asked, and until when.
template <class Query>
AttemptLimits LimitsOf(const Query& query) {
  return AttemptLimits{
      .source_registry = query.source_registry,
      .repository = query.repository,
      .deadline = query.deadline,
  };
}

// Built outside the coroutine (GCC 12 and string literals, see
// AttemptLoop::Remember).
absl::Status Cancelled() {
  return absl::CancelledError("the caller cancelled; no upstream is asked");
}

std::vector<std::unique_ptr<Upstream>> MakeUpstreams(
    std::vector<std::unique_ptr<registry::Registry>> clients,
    const util::Clock& clock, metrics::Metrics& metrics) {
  std::vector<std::unique_ptr<Upstream>> upstreams;
  for (size_t i = 0; i < clients.size(); ++i) {
    upstreams.push_back(std::make_unique<Upstream>(
        static_cast<int>(i), std::move(clients[i]), clock, metrics));
  }
  return upstreams;
}

}  // namespace

// The upstreams, the executor and the one fan-out coroutine every unary call
// runs.
class Resolver::Impl {
 public:
  Impl(std::vector<std::unique_ptr<registry::Registry>> upstreams,
       asio::any_io_executor executor, metrics::Metrics& metrics,
       BlobStreamOptions blob_options, const util::Clock& clock)
      : upstreams_(MakeUpstreams(std::move(upstreams), clock, metrics)),
        executor_(std::move(executor)),
        metrics_(metrics),
        blob_streams_(executor_, upstreams_, metrics, std::move(blob_options)) {
  }

  // Runs the fan-out for one call, `call` asking one upstream; `done` gets
  // the answer.
  template <class T, class Call>
  void Start(std::string subject, AttemptLimits limits, Call call, Done<T> done,
             CallCancel cancel) {
    // Each call gets its own strand: its I/O objects (timers that cancel
    // lookups, pooled connections) are then never touched by two threads at
    // once.
    auto strand = asio::make_strand(executor_);
    // The caller's cancel, as the attempt loop races it. Shared with the
    // subscription, which may run on another thread after the call ended.
    auto cancellation = std::make_shared<Cancellation>(strand);
    uint64_t subscription = 0;
    if (cancel != nullptr) {
      limits.cancellation = cancellation.get();
      subscription =
          cancel->Subscribe([cancellation] { cancellation->Cancel(); });
    }
    asio::co_spawn(
        strand,
        FanOut<T>(std::move(subject), std::move(limits), std::move(call)),
        [done = std::move(done), cancel = std::move(cancel),
         cancellation = std::move(cancellation), subscription](
            std::exception_ptr error, absl::StatusOr<Resolved<T>> result) {
          if (cancel != nullptr) {
            cancel->Unsubscribe(subscription);
          }
          // `done` runs once whatever happens.
          if (error) {
            result = StatusOfException(error);
          }
          done(std::move(result));
        });
  }

  const std::vector<std::unique_ptr<Upstream>>& upstreams() const {
    return upstreams_;
  }
  const BlobStreams& blob_streams() const { return blob_streams_; }

 private:
  template <class T, class Call>
  asio::awaitable<absl::StatusOr<Resolved<T>>> FanOut(std::string subject,
                                                      AttemptLimits limits,
                                                      Call call) {
    AttemptLoop loop(upstreams_, metrics_, std::move(limits));
    absl::StatusOr<T> answer = absl::UnknownError("no upstream answered");
    Upstream* answered = co_await loop.Next(
        [&](registry::Registry& upstream) -> asio::awaitable<absl::Status> {
          answer = co_await call(upstream);
          co_return answer.status();
        });
    if (answered == nullptr && loop.cancelled()) {
      co_return Cancelled();
    }
    if (answered == nullptr) {
      co_return CombineFailures(subject, loop.failures());
    }
    co_return Resolved<T>{*std::move(answer), answered->name()};
  }

  const std::vector<std::unique_ptr<Upstream>> upstreams_;
  const asio::any_io_executor executor_;
  metrics::Metrics& metrics_;
  const BlobStreams blob_streams_;
};

std::unique_ptr<Resolver> MakeResolver(
    std::vector<std::unique_ptr<registry::Registry>> upstreams,
    asio::any_io_executor executor, metrics::Metrics& metrics,
    BlobStreamOptions blob_options, const util::Clock& clock) {
  return std::make_unique<Resolver>(std::make_unique<Resolver::Impl>(
      std::move(upstreams), std::move(executor), metrics,
      std::move(blob_options), clock));
}

Resolver::Resolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Resolver::~Resolver() = default;

std::vector<UpstreamSnapshot> Resolver::UpstreamSnapshots() const {
  std::vector<UpstreamSnapshot> snapshots;
  for (const auto& upstream : impl_->upstreams()) {
    snapshots.push_back(upstream->Snapshot());
  }
  return snapshots;
}

std::shared_ptr<BlobStreamHandle> Resolver::NewBlobStream(
    BlobRequest request, BlobConsumer* consumer) {
  return impl_->blob_streams().New(std::move(request), consumer);
}

const BlobStreams& Resolver::blob_streams() const {
  return impl_->blob_streams();
}

void Resolver::GetManifest(ManifestQuery query, Done<Manifest> done,
                           CallCancel cancel) {
  std::string subject = ManifestSubject(query);
  AttemptLimits limits = LimitsOf(query);
  impl_->Start<Manifest>(
      std::move(subject), std::move(limits),
      [query = std::move(query)](registry::Registry& upstream) {
        return upstream.GetManifest(query);
      },
      std::move(done), std::move(cancel));
}

void Resolver::HeadManifest(ManifestQuery query, Done<ManifestHead> done,
                            CallCancel cancel) {
  std::string subject = ManifestSubject(query);
  AttemptLimits limits = LimitsOf(query);
  impl_->Start<ManifestHead>(
      std::move(subject), std::move(limits),
      [query = std::move(query)](registry::Registry& upstream) {
        return upstream.HeadManifest(query);
      },
      std::move(done), std::move(cancel));
}

void Resolver::HeadBlob(BlobQuery query, Done<BlobHead> done,
                        CallCancel cancel) {
  std::string subject =
      absl::StrCat(Qualified(query.source_registry, query.repository), "@",
                   query.digest.str());
  AttemptLimits limits = LimitsOf(query);
  impl_->Start<BlobHead>(
      std::move(subject), std::move(limits),
      [query = std::move(query)](registry::Registry& upstream) {
        return upstream.HeadBlob(query);
      },
      std::move(done), std::move(cancel));
}

void Resolver::ListTags(TagsQuery query, Done<TagPage> done,
                        CallCancel cancel) {
  std::string subject =
      absl::StrCat(Qualified(query.source_registry, query.repository), " tags");
  AttemptLimits limits = LimitsOf(query);
  impl_->Start<TagPage>(
      std::move(subject), std::move(limits),
      [query = std::move(query)](registry::Registry& upstream) {
        return upstream.ListTags(query);
      },
      std::move(done), std::move(cancel));
}

}  // namespace tributary::resolve
