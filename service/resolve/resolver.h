#ifndef TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_
#define TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "service/cache/read_through.h"
#include "service/metrics/metrics.h"
#include "service/registry/registry_client.h"
#include "service/registry/types.h"
#include "service/resolve/blob_stream.h"
#include "service/resolve/blob_streamer.h"
#include "service/resolve/upstream.h"
#include "service/util/clock.h"

namespace tributary::resolve {

// An answer, the upstream that gave it and whether it came from the cache.
template <class T>
using Resolved = cache::Answer<T>;

template <class T>
using Done = std::function<void(absl::StatusOr<Resolved<T>>)>;

// The ordered fan-out: asks each enabled upstream in configured order until one
// succeeds (see fall_through.h for what moves on and what the final error is).
// An upstream whose scope excludes the repository, or whose circuit is open,
// is skipped without network I/O; a retryable failure is retried on the same
// upstream per its retry policy (retry_policy.h) before the next is asked.
// The callback API keeps Asio out of callers; `done` runs exactly once, on an
// I/O thread. Thread-safe; `metrics` and `clock` must outlive every call.
class Resolver {
 public:
  Resolver(std::vector<std::unique_ptr<registry::RegistryClient>> upstreams,
           boost::asio::any_io_executor executor, metrics::Metrics& metrics,
           BlobStreamOptions blob_options,
           const util::Clock& clock = util::RealClock());
  ~Resolver();

  void GetManifest(registry::ManifestQuery query,
                   Done<registry::Manifest> done);
  void HeadManifest(registry::ManifestQuery query,
                    Done<registry::ManifestHead> done);
  void HeadBlob(registry::BlobQuery query, Done<registry::BlobHead> done);
  void ListTags(registry::TagsQuery query, Done<registry::TagPage> done);

  // A blob stream feeding `consumer` (see blob_stream.h and, for
  // `continuation`, blob_streamer.h); call Start on the handle once it is kept.
  std::shared_ptr<BlobStreamHandle> NewBlobStream(
      BlobRequest request, BlobConsumer* consumer,
      std::optional<BlobContinuation> continuation = std::nullopt);

  const boost::asio::any_io_executor& executor() const { return executor_; }
  const BlobStreamOptions& blob_options() const { return blob_options_; }

  // Every upstream's health, in configured order.
  std::vector<UpstreamSnapshot> UpstreamSnapshots() const;

 private:
  // What asking one upstream (with its retries) came to.
  template <class T>
  struct Asked {
    absl::StatusOr<T> result;
    bool skipped = false;  // its circuit was open: not asked at all
  };

  template <class T, class Call>
  void Start(std::string subject, std::string repository, absl::Time deadline,
             Call call, Done<T> done);
  template <class T, class Call>
  boost::asio::awaitable<absl::StatusOr<Resolved<T>>> FanOut(
      std::string subject, std::string repository, absl::Time deadline,
      Call call);
  template <class T, class Call>
  boost::asio::awaitable<Asked<T>> Ask(Upstream& upstream, Call& call,
                                       absl::Time deadline);

  const std::vector<std::unique_ptr<Upstream>> upstreams_;
  const boost::asio::any_io_executor executor_;
  metrics::Metrics& metrics_;
  const BlobStreamOptions blob_options_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_
