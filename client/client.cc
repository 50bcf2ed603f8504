#include "client/client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/raw_blob_stream.h"
#include "client/status.h"
#include "service/oci/digest.h"

namespace tributary::client {
namespace {

template <class Response, class Call>
absl::StatusOr<Response> Unary(std::unique_ptr<grpc::ClientContext> context,
                               Call call) {
  Response response;
  const grpc::Status status = call(context.get(), &response);
  if (!status.ok()) {
    return FromGrpcStatus(status);
  }
  return response;
}

// `request` with the call's cache mode and source registry, when it has them.
template <class Request>
Request WithCallOptions(Request request, const CallOptions& call) {
  if (call.cache_mode.has_value()) {
    request.set_cache_mode(*call.cache_mode);
  }
  if (!call.registry.empty()) {
    request.set_registry(call.registry);
  }
  return request;
}

absl::Duration ToDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) +
         absl::Nanoseconds(duration.nanos());
}

// Folds a later page's CacheInfo into that of the pages before it. As for one
// answer, the age is zero unless every page was a hit.
void AddPageCache(const v1::CacheInfo& page, v1::CacheInfo& all) {
  all.set_hit(all.hit() && page.hit());
  all.set_stale(all.stale() || page.stale());
  if (!all.hit()) {
    all.clear_age();
  } else if (ToDuration(page.age()) > ToDuration(all.age())) {
    *all.mutable_age() = page.age();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(
    const ChannelOptions& options, absl::Duration timeout) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateChannel(options);
  if (!channel.ok()) {
    return channel.status();
  }
  return std::make_unique<Client>(*std::move(channel), timeout);
}

Client::Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : channel_(std::move(channel)),
      resolver_(v1::ResolverService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      timeout_(timeout) {}

std::unique_ptr<grpc::ClientContext> Client::Context(
    const CallOptions& call) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(
      absl::ToChronoTime(absl::Now() + call.timeout.value_or(timeout_)));
  return context;
}

absl::StatusOr<v1::GetManifestResponse> Client::GetManifest(
    const v1::GetManifestRequest& request, const CallOptions& call) const {
  return Unary<v1::GetManifestResponse>(
      Context(call), [&](grpc::ClientContext* context, auto* response) {
        return resolver_->GetManifest(context, WithCallOptions(request, call),
                                      response);
      });
}

absl::StatusOr<v1::HeadManifestResponse> Client::HeadManifest(
    const v1::HeadManifestRequest& request, const CallOptions& call) const {
  return Unary<v1::HeadManifestResponse>(
      Context(call), [&](grpc::ClientContext* context, auto* response) {
        return resolver_->HeadManifest(context, WithCallOptions(request, call),
                                       response);
      });
}

absl::StatusOr<v1::HeadBlobResponse> Client::HeadBlob(
    const v1::HeadBlobRequest& request, const CallOptions& call) const {
  return Unary<v1::HeadBlobResponse>(
      Context(call), [&](grpc::ClientContext* context, auto* response) {
        return resolver_->HeadBlob(context, WithCallOptions(request, call),
                                   response);
      });
}

absl::StatusOr<v1::ListTagsResponse> Client::ListTags(
    const v1::ListTagsRequest& request, const CallOptions& call) const {
  return Unary<v1::ListTagsResponse>(
      Context(call), [&](grpc::ClientContext* context, auto* response) {
        return resolver_->ListTags(context, WithCallOptions(request, call),
                                   response);
      });
}

absl::StatusOr<v1::ListUpstreamsResponse> Client::ListUpstreams(
    const CallOptions& call) const {
  return Unary<v1::ListUpstreamsResponse>(
      Context(call), [&](grpc::ClientContext* context, auto* response) {
        return admin_->ListUpstreams(context, v1::ListUpstreamsRequest(),
                                     response);
      });
}

absl::StatusOr<TagList> Client::ListAllTags(const std::string& repository,
                                            int page_size,
                                            const CallOptions& call) const {
  TagList all;
  v1::ListTagsRequest request;
  request.set_repository(repository);
  request.set_page_size(page_size);
  while (true) {
    absl::StatusOr<v1::ListTagsResponse> page = ListTags(request, call);
    if (!page.ok()) {
      return page.status();
    }
    ++all.pages;
    all.name = page->name();
    all.upstream = page->upstream().name();
    all.tags.insert(all.tags.end(), page->tags().begin(), page->tags().end());
    if (all.pages == 1) {
      all.cache = page->cache();
    } else {
      AddPageCache(page->cache(), all.cache);
    }
    if (page->next_last().empty()) {
      return all;
    }
    if (page->next_last() == request.last()) {
      return absl::InternalError(absl::StrCat(
          "ListTags for ", repository, " did not advance past tag ",
          request.last(), " on page ", all.pages));
    }
    request.set_last(page->next_last());
  }
}

absl::StatusOr<v1::BlobDescriptor> Client::DownloadBlob(
    const std::string& repository, const std::string& digest, BlobSink& sink,
    const ProgressCallback& progress, const CallOptions& call) const {
  absl::StatusOr<oci::Digest> expected = oci::Digest::Parse(digest);
  if (!expected.ok()) {
    sink.Abort(expected.status());
    return expected.status();
  }
  v1::GetBlobRequest request;
  request.set_repository(repository);
  request.set_digest(digest);
  request = WithCallOptions(std::move(request), call);
  std::unique_ptr<grpc::ClientContext> context = Context(call);
  // Raw reads: chunk bytes go from gRPC's buffers to the sink uncopied.
  RawBlobStream stream(*channel_, *context, request);
  BlobReceiver receiver(*std::move(expected), sink, progress);
  BlobMessage message;
  while (stream.Next(message)) {
    if (!receiver.Receive(message).ok()) {
      context->TryCancel();
      break;
    }
  }
  return receiver.Finish(stream.Finish());
}

}  // namespace tributary::client
