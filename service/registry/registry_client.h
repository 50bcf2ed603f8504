#ifndef TRIBUTARY_SERVICE_REGISTRY_REGISTRY_CLIENT_H_
#define TRIBUTARY_SERVICE_REGISTRY_REGISTRY_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/client.h"
#include "service/registry/authorizer.h"
#include "service/registry/credentials.h"
#include "service/registry/registry.h"
#include "service/registry/types.h"
#include "service/registry/url_builder.h"
#include "service/util/clock.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {

// The OCI distribution client for ONE upstream: builds its URLs, sends the
// Accept list, and checks what comes back (manifest digests, sizes, tag list
// JSON) before anything reaches a caller. HTTP failures come back as statuses
// (see StatusFromHttp); content that fails a check is DATA_LOSS. Thread-safe;
// `http` and `clock` must outlive it.
class RegistryClient final : public Registry {
 public:
  // `credentials` answer the upstream's challenges (see Authorizer); the
  // default is anonymous. `clock` tells when a bearer token is due for refresh.
  RegistryClient(v1::UpstreamConfig upstream, const v1::LimitsConfig& limits,
                 http::Client& http, Credentials credentials = {},
                 const util::Clock& clock = util::RealClock());

  // See Authorizer::set_token_fetch_observer.
  void set_token_fetch_observer(
      std::function<void(const absl::Status&)> observer) {
    auth_.set_token_fetch_observer(std::move(observer));
  }
  const v1::UpstreamConfig& upstream() const override { return upstream_; }

  boost::asio::awaitable<absl::StatusOr<Manifest>> GetManifest(
      ManifestQuery query) override;
  boost::asio::awaitable<absl::StatusOr<ManifestHead>> HeadManifest(
      ManifestQuery query) override;
  boost::asio::awaitable<absl::StatusOr<BlobHead>> HeadBlob(
      BlobQuery query) override;
  boost::asio::awaitable<absl::StatusOr<TagPage>> ListTags(
      TagsQuery query) override;
  // Follows redirects without carrying credentials to other origins.
  boost::asio::awaitable<absl::StatusOr<BlobBody>> OpenBlob(
      BlobQuery query, int64_t offset, int64_t end) override;

 private:
  // Sends one request for `scope`, answering a 401 once (see Authorizer); any
  // other non-2xx answer becomes a status.
  boost::asio::awaitable<absl::StatusOr<http::Response>> Fetch(
      http::Request request, http::RequestOptions options, std::string scope);
  // Opens one request for `scope`, answering a 401 once; the answer is the
  // caller's to check.
  boost::asio::awaitable<absl::StatusOr<std::unique_ptr<http::ResponseStream>>>
  OpenAuthorized(http::Request request, http::RequestOptions options,
                 std::string scope);
  std::string Scope(const std::string& repository) const;
  http::RequestOptions Options(absl::Time deadline, int64_t body_limit) const;
  http::Request ManifestRequest(const char* method,
                                const ManifestQuery& query) const;

  const v1::UpstreamConfig upstream_;
  const UrlBuilder urls_;
  const int64_t max_manifest_bytes_;
  const int64_t max_tag_list_bytes_;
  http::Client& http_;
  Authorizer auth_;
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_REGISTRY_CLIENT_H_
