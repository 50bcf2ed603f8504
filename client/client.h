#ifndef TRIBUTARY_CLIENT_CLIENT_H_
#define TRIBUTARY_CLIENT_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/blob_receiver.h"
#include "client/blob_sink.h"
#include "client/channel.h"
#include "grpcpp/channel.h"
#include "tributary/v1/admin.grpc.pb.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::client {

// Per-call settings. Plain value type.
struct CallOptions {
  // Deadline from the start of the call; unset uses the client's default.
  std::optional<absl::Duration> timeout;
  // How the call uses Tributary's cache: set, it replaces the request's own
  // cache_mode (every request but ListUpstreams has one); unset leaves the
  // request as it is. Where each answer came from is in the response's
  // `cache` (CacheInfo).
  std::optional<v1::CacheMode> cache_mode;
  // The source registry ("ghcr.io"): set, it replaces the request's own
  // `registry` (every request but ListUpstreams has one), so ListAllTags and
  // DownloadBlob reach it too; empty leaves the request as it is (the
  // server's default registry unless the request names one).
  std::string registry;
};

// Every tag of a repository, gathered page by page.
struct TagList {
  std::string name;  // The repository as the upstream named it.
  std::vector<std::string> tags;
  std::string upstream;  // Upstream of the last page.
  int pages = 0;
  // Of all pages together: a hit only when every page was, stale when any
  // page was, and the age of the oldest page.
  v1::CacheInfo cache;
};

// A typed client for Tributary's ResolverService and AdminService, for C++
// code such as a registry frontend. Every call has a deadline (the default
// timeout unless CallOptions says otherwise) and returns an absl::Status with
// the server's gRPC code and message. Thread-safe: calls may run concurrently
// from any number of threads over the one channel.
class Client {
 public:
  // Default deadline of each call.
  static constexpr absl::Duration kDefaultTimeout = absl::Seconds(30);

  // Creates the channel (see CreateChannel); connects on the first call.
  static absl::StatusOr<std::unique_ptr<Client>> Create(
      const ChannelOptions& options, absl::Duration timeout = kDefaultTimeout);
  Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

  absl::StatusOr<v1::GetManifestResponse> GetManifest(
      const v1::GetManifestRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::HeadManifestResponse> HeadManifest(
      const v1::HeadManifestRequest& request,
      const CallOptions& call = {}) const;
  absl::StatusOr<v1::HeadBlobResponse> HeadBlob(
      const v1::HeadBlobRequest& request, const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListTagsResponse> ListTags(
      const v1::ListTagsRequest& request, const CallOptions& call = {}) const;
  absl::StatusOr<v1::ListUpstreamsResponse> ListUpstreams(
      const CallOptions& call = {}) const;

  // Follows ListTags pages (`page_size` tags each; 0 lets the upstream choose)
  // until the last one. Each page is a call with its own deadline. A server
  // whose next page would not advance is INTERNAL rather than a loop.
  absl::StatusOr<TagList> ListAllTags(const std::string& repository,
                                      int page_size,
                                      const CallOptions& call = {}) const;

  // Streams the whole blob `digest` of `repository` into `sink`, verifying the
  // digest while bytes arrive (see BlobReceiver): the sink is committed only
  // for a complete, matching blob and aborted otherwise. The deadline covers
  // the whole download. A malformed digest is INVALID_ARGUMENT before any call.
  // The descriptor's `cache` tells whether the bytes came from the server's
  // disk store.
  absl::StatusOr<v1::BlobDescriptor> DownloadBlob(
      const std::string& repository, const std::string& digest, BlobSink& sink,
      const ProgressCallback& progress = nullptr,
      const CallOptions& call = {}) const;

  grpc::Channel& channel() const { return *channel_; }

 private:
  // A context whose deadline follows `call` or the default timeout.
  std::unique_ptr<grpc::ClientContext> Context(const CallOptions& call) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ResolverService::Stub> resolver_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  absl::Duration timeout_;
};

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_CLIENT_H_
