#include "service/api/resolver_service.h"

#include "absl/strings/str_cat.h"
#include "service/api/blob_reactor.h"
#include "service/api/requests.h"
#include "service/api/status.h"
#include "service/api/unary_call.h"

namespace tributary::api {
namespace {

template <class Response>
void SetUpstream(Response* response, const std::string& upstream) {
  response->mutable_upstream()->set_name(upstream);
}

}  // namespace

ResolverService::ResolverService(resolve::Resolver& resolver,
                                 metrics::Metrics& metrics,
                                 absl::Duration default_deadline,
                                 int max_blob_streams)
    : resolver_(resolver),
      metrics_(metrics),
      default_deadline_(default_deadline),
      blob_streams_(max_blob_streams, metrics) {}

grpc::ServerUnaryReactor* ResolverService::GetManifest(
    grpc::CallbackServerContext* context, const v1::GetManifestRequest* request,
    v1::GetManifestResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kGetManifest,
                 absl::StrCat(request->repository(), " ", request->reference()),
                 default_deadline_);
  auto query =
      ToManifestQuery(request->repository(), request->reference(),
                      request->accepted_media_types(), call.deadline());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  resolver_.GetManifest(
      *std::move(query),
      [call, response](absl::StatusOr<resolve::Resolved<registry::Manifest>>
                           result) mutable {
        if (!result.ok()) {
          call.Finish(result.status());
          return;
        }
        registry::Manifest& manifest = result->value;
        response->set_size(static_cast<int64_t>(manifest.content.size()));
        response->set_content(std::move(manifest.content));
        response->set_media_type(manifest.media_type);
        response->set_digest(manifest.digest.str());
        SetUpstream(response, result->upstream);
        call.Finish(absl::OkStatus(), result->upstream);
      });
  return call.reactor();
}

grpc::ServerUnaryReactor* ResolverService::HeadManifest(
    grpc::CallbackServerContext* context,
    const v1::HeadManifestRequest* request,
    v1::HeadManifestResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kHeadManifest,
                 absl::StrCat(request->repository(), " ", request->reference()),
                 default_deadline_);
  auto query =
      ToManifestQuery(request->repository(), request->reference(),
                      request->accepted_media_types(), call.deadline());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  resolver_.HeadManifest(
      *std::move(query),
      [call, response](absl::StatusOr<resolve::Resolved<registry::ManifestHead>>
                           result) mutable {
        if (!result.ok()) {
          call.Finish(result.status());
          return;
        }
        response->set_media_type(result->value.media_type);
        response->set_digest(result->value.digest);
        response->set_size(result->value.size);
        SetUpstream(response, result->upstream);
        call.Finish(absl::OkStatus(), result->upstream);
      });
  return call.reactor();
}

grpc::ServerUnaryReactor* ResolverService::HeadBlob(
    grpc::CallbackServerContext* context, const v1::HeadBlobRequest* request,
    v1::HeadBlobResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kHeadBlob,
                 absl::StrCat(request->repository(), " ", request->digest()),
                 default_deadline_);
  auto query =
      ToBlobQuery(request->repository(), request->digest(), call.deadline());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  resolver_.HeadBlob(
      *std::move(query),
      [call, response](absl::StatusOr<resolve::Resolved<registry::BlobHead>>
                           result) mutable {
        if (!result.ok()) {
          call.Finish(result.status());
          return;
        }
        response->set_size(result->value.size);
        SetUpstream(response, result->upstream);
        call.Finish(absl::OkStatus(), result->upstream);
      });
  return call.reactor();
}

grpc::ServerWriteReactor<v1::GetBlobResponse>* ResolverService::GetBlob(
    grpc::CallbackServerContext* context, const v1::GetBlobRequest* request) {
  return StartBlobStream(context, *request, resolver_, metrics_, blob_streams_);
}

grpc::ServerUnaryReactor* ResolverService::ListTags(
    grpc::CallbackServerContext* context, const v1::ListTagsRequest* request,
    v1::ListTagsResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kListTags,
                 request->repository(), default_deadline_);
  auto query = ToTagsQuery(*request, call.deadline());
  if (!query.ok()) {
    return call.Finish(query.status());
  }
  resolver_.ListTags(
      *std::move(query),
      [call, response](
          absl::StatusOr<resolve::Resolved<registry::TagPage>> result) mutable {
        if (!result.ok()) {
          call.Finish(result.status());
          return;
        }
        registry::TagPage& page = result->value;
        response->set_name(page.name);
        for (std::string& tag : page.tags) {
          response->add_tags(std::move(tag));
        }
        response->set_next_last(page.next_last);
        SetUpstream(response, result->upstream);
        call.Finish(absl::OkStatus(), result->upstream);
      });
  return call.reactor();
}

}  // namespace tributary::api
