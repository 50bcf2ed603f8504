#include "service/api/resolver_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/api/blob_reactor.h"
#include "service/api/requests.h"
#include "service/api/status.h"
#include "service/api/unary_call.h"

namespace tributary::api {
namespace {

// The completion of a unary call: a failure finishes the call with its
// status; a success is copied into `response` by `fill`, which also names the
// upstream that answered. The call is shared because resolve::Done must be
// copyable.
template <class T, class Response, class Fill>
resolve::Done<T> Reply(UnaryCall call, Response* response, Fill fill) {
  return [call = std::make_shared<UnaryCall>(std::move(call)), response,
          fill](absl::StatusOr<resolve::Resolved<T>> result) mutable {
    if (!result.ok()) {
      call->Finish(result.status());
      return;
    }
    fill(result->value, *response);
    response->mutable_upstream()->set_name(result->upstream);
    SetCacheInfo(result->cache, *response->mutable_cache());
    call->Finish(absl::OkStatus(), result->upstream);
  };
}

// How the RPC log names a repository: "ghcr.io/org/app" when the request
// names its source registry.
std::string LogName(const std::string& registry,
                    const std::string& repository) {
  return registry.empty() ? repository
                          : absl::StrCat(registry, "/", repository);
}

}  // namespace

ResolverService::ResolverService(resolve::CachingResolver& resolver,
                                 metrics::Metrics& metrics,
                                 const ServiceLimits& limits)
    : resolver_(resolver),
      metrics_(metrics),
      limits_(limits),
      unary_calls_(limits.max_unary_calls),
      blob_streams_(limits.max_blob_streams, limits.max_blob_streams_per_peer,
                    metrics),
      stall_watch_(limits.blob_write_stall) {}

grpc::ServerUnaryReactor* ResolverService::GetManifest(
    grpc::CallbackServerContext* context, const v1::GetManifestRequest* request,
    v1::GetManifestResponse* response) {
  UnaryCall call(
      context, metrics_, metrics::Rpc::kGetManifest,
      absl::StrCat(LogName(request->registry(), request->repository()), " ",
                   request->reference()),
      limits_.default_deadline, &unary_calls_);
  if (!call.admission().ok()) {
    return call.Finish(call.admission());
  }
  auto query =
      Routed(ToManifestQuery(request->repository(), request->reference(),
                             request->accepted_media_types(), call.deadline()),
             request->registry(), resolver_.registries());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  grpc::ServerUnaryReactor* reactor = call.reactor();
  resolve::CallCancel cancel = call.cancel();
  resolver_.GetManifest(
      *std::move(query), ToCacheMode(request->cache_mode()),
      Reply<resolve::Manifest>(
          std::move(call), response,
          [](resolve::Manifest& manifest, v1::GetManifestResponse& out) {
            out.set_size(static_cast<int64_t>(manifest.content.size()));
            out.set_content(std::move(manifest.content));
            out.set_media_type(manifest.media_type);
            out.set_digest(manifest.digest.str());
          }),
      std::move(cancel));
  return reactor;
}

grpc::ServerUnaryReactor* ResolverService::HeadManifest(
    grpc::CallbackServerContext* context,
    const v1::HeadManifestRequest* request,
    v1::HeadManifestResponse* response) {
  UnaryCall call(
      context, metrics_, metrics::Rpc::kHeadManifest,
      absl::StrCat(LogName(request->registry(), request->repository()), " ",
                   request->reference()),
      limits_.default_deadline, &unary_calls_);
  if (!call.admission().ok()) {
    return call.Finish(call.admission());
  }
  auto query =
      Routed(ToManifestQuery(request->repository(), request->reference(),
                             request->accepted_media_types(), call.deadline()),
             request->registry(), resolver_.registries());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  grpc::ServerUnaryReactor* reactor = call.reactor();
  resolve::CallCancel cancel = call.cancel();
  resolver_.HeadManifest(
      *std::move(query), ToCacheMode(request->cache_mode()),
      Reply<resolve::ManifestHead>(
          std::move(call), response,
          [](resolve::ManifestHead& head, v1::HeadManifestResponse& out) {
            out.set_media_type(head.media_type);
            out.set_digest(head.digest);
            out.set_size(head.size);
          }),
      std::move(cancel));
  return reactor;
}

grpc::ServerUnaryReactor* ResolverService::HeadBlob(
    grpc::CallbackServerContext* context, const v1::HeadBlobRequest* request,
    v1::HeadBlobResponse* response) {
  UnaryCall call(
      context, metrics_, metrics::Rpc::kHeadBlob,
      absl::StrCat(LogName(request->registry(), request->repository()), " ",
                   request->digest()),
      limits_.default_deadline, &unary_calls_);
  if (!call.admission().ok()) {
    return call.Finish(call.admission());
  }
  auto query = Routed(
      ToBlobQuery(request->repository(), request->digest(), call.deadline()),
      request->registry(), resolver_.registries());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  grpc::ServerUnaryReactor* reactor = call.reactor();
  resolve::CallCancel cancel = call.cancel();
  resolver_.HeadBlob(*std::move(query), ToCacheMode(request->cache_mode()),
                     Reply<resolve::BlobHead>(std::move(call), response,
                                              [](resolve::BlobHead& head,
                                                 v1::HeadBlobResponse& out) {
                                                out.set_size(head.size);
                                              }),
                     std::move(cancel));
  return reactor;
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* ResolverService::GetBlob(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return StartBlobStream(context, *request, resolver_, metrics_, blob_streams_,
                         stall_watch_);
}

grpc::ServerUnaryReactor* ResolverService::ListTags(
    grpc::CallbackServerContext* context, const v1::ListTagsRequest* request,
    v1::ListTagsResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kListTags,
                 LogName(request->registry(), request->repository()),
                 limits_.default_deadline, &unary_calls_);
  if (!call.admission().ok()) {
    return call.Finish(call.admission());
  }
  auto query = Routed(ToTagsQuery(*request, call.deadline()),
                      request->registry(), resolver_.registries());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  grpc::ServerUnaryReactor* reactor = call.reactor();
  resolve::CallCancel cancel = call.cancel();
  resolver_.ListTags(*std::move(query), ToCacheMode(request->cache_mode()),
                     Reply<resolve::TagPage>(
                         std::move(call), response,
                         [](resolve::TagPage& page, v1::ListTagsResponse& out) {
                           out.set_name(page.name);
                           for (std::string& tag : page.tags) {
                             out.add_tags(std::move(tag));
                           }
                           out.set_next_last(page.next_last);
                         }),
                     std::move(cancel));
  return reactor;
}

}  // namespace tributary::api
