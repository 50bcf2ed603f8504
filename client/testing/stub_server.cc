#include "client/testing/stub_server.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "service/oci/digest.h"
#include "tributary/v1/admin.grpc.pb.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::client {
namespace {

constexpr char kUpstream[] = "stub";
constexpr char kMediaType[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json",)"
    R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},)"
    R"("layers":[]})";
const char* const kTags[] = {"v1", "v2", "v3"};

bool IsMissing(const std::string& repository) {
  return absl::StartsWith(repository, "missing");
}

grpc::Status NotFound(const std::string& what) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND,
                      absl::StrCat("stub: ", what, " not found"));
}

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

// Sends the descriptor, then the blob in chunks, one write in flight.
class BlobStream final : public grpc::ServerWriteReactor<v1::GetBlobResponse> {
 public:
  BlobStream(const StubServerOptions& options, const std::string& digest)
      : blob_(options.blob),
        chunk_size_(std::max<size_t>(1, options.chunk_size)) {
    if (options.corrupt_blob && !blob_.empty()) {
      blob_.back() ^= 1;
    }
    v1::BlobDescriptor* descriptor = message_.mutable_blob();
    descriptor->set_digest(digest);
    descriptor->set_size(static_cast<int64_t>(blob_.size()));
    descriptor->set_media_type("application/octet-stream");
    descriptor->mutable_upstream()->set_name(kUpstream);
    StartWrite(&message_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    if (sent_ >= blob_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    const size_t n = std::min(chunk_size_, blob_.size() - sent_);
    message_.set_chunk(blob_.substr(sent_, n));
    sent_ += n;
    StartWrite(&message_);
  }

  void OnDone() override { delete this; }

 private:
  std::string blob_;
  const size_t chunk_size_;
  size_t sent_ = 0;
  v1::GetBlobResponse message_;
};

class StubResolver final : public v1::ResolverService::CallbackService {
 public:
  explicit StubResolver(StubServerOptions options)
      : options_(std::move(options)), blob_digest_(Sha256(options_.blob)) {}

  const std::string& blob_digest() const { return blob_digest_; }

  grpc::ServerUnaryReactor* GetManifest(
      grpc::CallbackServerContext* context,
      const v1::GetManifestRequest* request,
      v1::GetManifestResponse* response) override {
    if (IsMissing(request->repository())) {
      return Done(context, NotFound(request->repository()));
    }
    response->set_content(kManifest);
    response->set_media_type(kMediaType);
    response->set_digest(StubServer::manifest_digest());
    response->set_size(static_cast<int64_t>(sizeof(kManifest) - 1));
    response->mutable_upstream()->set_name(kUpstream);
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* HeadManifest(
      grpc::CallbackServerContext* context,
      const v1::HeadManifestRequest* request,
      v1::HeadManifestResponse* response) override {
    if (IsMissing(request->repository())) {
      return Done(context, NotFound(request->repository()));
    }
    response->set_media_type(kMediaType);
    response->set_digest(StubServer::manifest_digest());
    response->set_size(static_cast<int64_t>(sizeof(kManifest) - 1));
    response->mutable_upstream()->set_name(kUpstream);
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* HeadBlob(grpc::CallbackServerContext* context,
                                     const v1::HeadBlobRequest* request,
                                     v1::HeadBlobResponse* response) override {
    if (IsMissing(request->repository()) || request->digest() != blob_digest_) {
      return Done(context, NotFound(request->digest()));
    }
    response->set_size(static_cast<int64_t>(options_.blob.size()));
    response->mutable_upstream()->set_name(kUpstream);
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerWriteReactor<v1::GetBlobResponse>* GetBlob(
      grpc::CallbackServerContext* /*context*/,
      const v1::GetBlobRequest* request) override {
    if (IsMissing(request->repository()) || request->digest() != blob_digest_) {
      return new FailedStream(NotFound(request->digest()));
    }
    return new BlobStream(options_, blob_digest_);
  }

  grpc::ServerUnaryReactor* ListTags(grpc::CallbackServerContext* context,
                                     const v1::ListTagsRequest* request,
                                     v1::ListTagsResponse* response) override {
    if (IsMissing(request->repository())) {
      return Done(context, NotFound(request->repository()));
    }
    response->set_name(request->repository());
    response->mutable_upstream()->set_name(kUpstream);
    const int limit = request->page_size() > 0 ? request->page_size() : 1000;
    for (const char* tag : kTags) {
      if (tag <= request->last()) {
        continue;
      }
      if (response->tags_size() == limit) {
        response->set_next_last(response->tags(limit - 1));
        break;
      }
      response->add_tags(tag);
    }
    return Done(context, grpc::Status::OK);
  }

 private:
  class FailedStream final
      : public grpc::ServerWriteReactor<v1::GetBlobResponse> {
   public:
    explicit FailedStream(const grpc::Status& status) { Finish(status); }
    void OnDone() override { delete this; }
  };

  static grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                                        const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  const StubServerOptions options_;
  const std::string blob_digest_;
};

class StubAdmin final : public v1::AdminService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListUpstreams(
      grpc::CallbackServerContext* context,
      const v1::ListUpstreamsRequest* /*request*/,
      v1::ListUpstreamsResponse* response) override {
    v1::UpstreamStatus* upstream = response->add_upstreams();
    upstream->set_name(kUpstream);
    upstream->set_url("http://stub.invalid");
    upstream->set_enabled(true);
    upstream->set_api_prefix("/v2");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

struct StubServer::Parts {
  explicit Parts(StubServerOptions options) : resolver(std::move(options)) {}
  StubResolver resolver;
  StubAdmin admin;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

absl::StatusOr<std::unique_ptr<StubServer>> StubServer::Start(
    const StubServerOptions& options) {
  auto parts = std::make_unique<Parts>(options);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address,
                           options.credentials != nullptr
                               ? options.credentials
                               : grpc::InsecureServerCredentials(),
                           &parts->port);
  builder.RegisterService(&parts->resolver);
  builder.RegisterService(&parts->admin);
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || parts->port == 0) {
    return absl::UnavailableError(
        absl::StrCat("stub server cannot listen on ", options.address));
  }
  return std::unique_ptr<StubServer>(new StubServer(std::move(parts)));
}

StubServer::StubServer(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

StubServer::~StubServer() {
  parts_->server->Shutdown(std::chrono::system_clock::now());
  parts_->server->Wait();
}

int StubServer::port() const { return parts_->port; }

std::string StubServer::address() const {
  return absl::StrCat("127.0.0.1:", parts_->port);
}

const std::string& StubServer::manifest() {
  static const std::string* const manifest = new std::string(kManifest);
  return *manifest;
}

std::string StubServer::manifest_digest() {
  static const std::string* const digest = new std::string(Sha256(kManifest));
  return *digest;
}

const std::string& StubServer::blob_digest() const {
  return parts_->resolver.blob_digest();
}

}  // namespace tributary::client
