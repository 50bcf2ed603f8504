#include "client/frontend/testing/fake_tributary.h"

#include <algorithm>
#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "service/oci/digest.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::frontend::testing {
namespace {

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

// The status a repository asks for: "err/<code>", "missing...", or OK.
grpc::Status StatusFor(const std::string& repository) {
  static const std::pair<const char*, grpc::StatusCode> kCodes[] = {
      {"err/unavailable", grpc::StatusCode::UNAVAILABLE},
      {"err/resource_exhausted", grpc::StatusCode::RESOURCE_EXHAUSTED},
      {"err/deadline_exceeded", grpc::StatusCode::DEADLINE_EXCEEDED},
      {"err/permission_denied", grpc::StatusCode::PERMISSION_DENIED},
      {"err/invalid_argument", grpc::StatusCode::INVALID_ARGUMENT},
      {"err/internal", grpc::StatusCode::INTERNAL},
  };
  for (const auto& [name, code] : kCodes) {
    if (repository == name) {
      return grpc::Status(code, absl::StrCat("fake: ", name));
    }
  }
  if (absl::StartsWith(repository, "missing")) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "fake: not found");
  }
  return grpc::Status::OK;
}

// The size of what a GetBlob stream of `repository` reads from: the blob, or
// for "large/blob" the blob repeated up to large_blob_size().
std::size_t SourceSize(const std::string& repository) {
  return repository == "large/blob"
             ? static_cast<std::size_t>(FakeTributary::large_blob_size())
             : FakeTributary::blob().size();
}

// `n` bytes from `at` of the blob repeated without end, made per chunk so a
// large stream costs no memory up front.
std::string SourceBytes(std::size_t at, std::size_t n) {
  const std::string& blob = FakeTributary::blob();
  std::string bytes;
  bytes.reserve(n);
  while (bytes.size() < n) {
    const std::size_t from = (at + bytes.size()) % blob.size();
    bytes.append(blob, from, std::min(blob.size() - from, n - bytes.size()));
  }
  return bytes;
}

class BlobStream final : public grpc::ServerWriteReactor<v1::GetBlobResponse> {
 public:
  BlobStream(const v1::GetBlobRequest& request, std::size_t chunk_size,
             std::atomic<int64_t>& bytes_sent)
      : chunk_size_(chunk_size), bytes_sent_(bytes_sent) {
    const std::size_t source = SourceSize(request.repository());
    first_ = std::min<std::size_t>(request.offset(), source);
    size_ = source - first_;
    if (request.length() > 0) {
      size_ = std::min(size_, static_cast<std::size_t>(request.length()));
    }
    limit_ = request.repository() == "broken/blob" ? size_ / 2 : size_;
    v1::BlobDescriptor* descriptor = message_.mutable_blob();
    descriptor->set_digest(FakeTributary::blob_digest());
    // The bytes this stream sends: the frontend must take a Content-Range's
    // total from HeadBlob, not from a ranged stream's descriptor.
    descriptor->set_size(static_cast<int64_t>(size_));
    StartWrite(&message_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    if (message_.has_chunk()) {
      bytes_sent_ += static_cast<int64_t>(message_.chunk().size());
    }
    if (sent_ >= limit_) {
      Finish(limit_ < size_ ? grpc::Status(grpc::StatusCode::DATA_LOSS,
                                           "fake: digest mismatch")
                            : grpc::Status::OK);
      return;
    }
    const std::size_t n = std::min(chunk_size_, limit_ - sent_);
    message_.set_chunk(SourceBytes(first_ + sent_, n));
    sent_ += n;
    StartWrite(&message_);
  }

  void OnDone() override { delete this; }

 private:
  const std::size_t chunk_size_;
  std::atomic<int64_t>& bytes_sent_;
  std::size_t first_ = 0;  // the stream's first byte in the source
  std::size_t size_ = 0;   // the bytes the stream announces
  std::size_t limit_ = 0;  // the bytes it sends
  std::size_t sent_ = 0;
  v1::GetBlobResponse message_;
};

class FailedStream final
    : public grpc::ServerWriteReactor<v1::GetBlobResponse> {
 public:
  explicit FailedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace

class FakeResolver final : public v1::ResolverService::CallbackService {
 public:
  explicit FakeResolver(std::size_t chunk_size) : chunk_size_(chunk_size) {}

  grpc::ServerUnaryReactor* GetManifest(
      grpc::CallbackServerContext* context,
      const v1::GetManifestRequest* request,
      v1::GetManifestResponse* response) override {
    {
      absl::MutexLock lock(&mutex_);
      last_manifest_request_ = *request;
    }
    if (grpc::Status status = StatusFor(request->repository()); !status.ok()) {
      return Done(context, status);
    }
    response->set_content(FakeTributary::manifest());
    response->set_media_type(FakeTributary::manifest_media_type());
    response->set_digest(FakeTributary::manifest_digest());
    response->set_size(static_cast<int64_t>(FakeTributary::manifest().size()));
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* HeadManifest(
      grpc::CallbackServerContext* context,
      const v1::HeadManifestRequest* request,
      v1::HeadManifestResponse* response) override {
    if (grpc::Status status = StatusFor(request->repository()); !status.ok()) {
      return Done(context, status);
    }
    response->set_media_type(FakeTributary::manifest_media_type());
    response->set_digest(FakeTributary::manifest_digest());
    response->set_size(static_cast<int64_t>(FakeTributary::manifest().size()));
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* HeadBlob(grpc::CallbackServerContext* context,
                                     const v1::HeadBlobRequest* request,
                                     v1::HeadBlobResponse* response) override {
    if (grpc::Status status = StatusFor(request->repository()); !status.ok()) {
      return Done(context, status);
    }
    if (request->digest() != FakeTributary::blob_digest()) {
      return Done(context, grpc::Status(grpc::StatusCode::NOT_FOUND, "fake"));
    }
    response->set_size(static_cast<int64_t>(FakeTributary::blob().size()));
    return Done(context, grpc::Status::OK);
  }

  grpc::ServerWriteReactor<v1::GetBlobResponse>* GetBlob(
      grpc::CallbackServerContext* /*context*/,
      const v1::GetBlobRequest* request) override {
    if (grpc::Status status = StatusFor(request->repository()); !status.ok()) {
      return new FailedStream(status);
    }
    if (request->digest() != FakeTributary::blob_digest()) {
      return new FailedStream(
          grpc::Status(grpc::StatusCode::NOT_FOUND, "fake: no such blob"));
    }
    return new BlobStream(*request, chunk_size_, blob_bytes_sent_);
  }

  grpc::ServerUnaryReactor* ListTags(grpc::CallbackServerContext* context,
                                     const v1::ListTagsRequest* request,
                                     v1::ListTagsResponse* response) override {
    if (grpc::Status status = StatusFor(request->repository()); !status.ok()) {
      return Done(context, status);
    }
    response->set_name(request->repository());
    const int limit = request->page_size() > 0 ? request->page_size() : 1000;
    for (const std::string& tag : FakeTributary::tags()) {
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

  v1::GetManifestRequest last_manifest_request() const {
    absl::MutexLock lock(&mutex_);
    return last_manifest_request_;
  }

  int64_t blob_bytes_sent() const { return blob_bytes_sent_.load(); }

 private:
  const std::size_t chunk_size_;
  std::atomic<int64_t> blob_bytes_sent_{0};
  mutable absl::Mutex mutex_;
  v1::GetManifestRequest last_manifest_request_ ABSL_GUARDED_BY(mutex_);
};

struct FakeTributary::Parts {
  explicit Parts(std::size_t chunk_size) : resolver(chunk_size) {}
  FakeResolver resolver;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

absl::StatusOr<std::unique_ptr<FakeTributary>> FakeTributary::Start(
    std::size_t chunk_size) {
  auto parts = std::make_unique<Parts>(std::max<std::size_t>(1, chunk_size));
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &parts->port);
  builder.RegisterService(&parts->resolver);
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || parts->port == 0) {
    return absl::UnavailableError("fake tributary: cannot listen");
  }
  return std::unique_ptr<FakeTributary>(new FakeTributary(std::move(parts)));
}

FakeTributary::FakeTributary(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

FakeTributary::~FakeTributary() { parts_->server->Shutdown(); }

std::string FakeTributary::address() const {
  return absl::StrCat("127.0.0.1:", parts_->port);
}

const std::string& FakeTributary::manifest() {
  static const std::string* const kManifest = new std::string(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})");
  return *kManifest;
}

std::string FakeTributary::manifest_digest() { return Sha256(manifest()); }

const std::string& FakeTributary::manifest_media_type() {
  static const std::string* const kType =
      new std::string("application/vnd.oci.image.manifest.v1+json");
  return *kType;
}

const std::string& FakeTributary::blob() {
  static const std::string* const kBlob = [] {
    auto* blob = new std::string();
    for (int i = 0; i < 10000; ++i) {
      blob->push_back(static_cast<char>('a' + i % 26));
    }
    return blob;
  }();
  return *kBlob;
}

std::string FakeTributary::blob_digest() { return Sha256(blob()); }

const std::vector<std::string>& FakeTributary::tags() {
  static const auto* const kTags =
      new std::vector<std::string>{"a", "b", "c", "d", "e"};
  return *kTags;
}

int64_t FakeTributary::large_blob_size() { return int64_t{64} << 20; }

int64_t FakeTributary::blob_bytes_sent() const {
  return parts_->resolver.blob_bytes_sent();
}

v1::GetManifestRequest FakeTributary::last_manifest_request() const {
  return parts_->resolver.last_manifest_request();
}

}  // namespace tributary::frontend::testing
