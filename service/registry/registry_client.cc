#include "service/registry/registry_client.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/use_awaitable.hpp"
#include "nlohmann/json.hpp"
#include "service/config/duration.h"
#include "service/oci/media_types.h"
#include "service/oci/names.h"
#include "service/registry/content_range.h"
#include "service/registry/http_status.h"
#include "service/registry/link_header.h"
#include "service/registry/manifest_checks.h"
#include "service/registry/origins.h"
#include "service/registry/tag_list_json.h"
#include "service/registry/tag_paging.h"
#include "spdlog/spdlog.h"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;

constexpr int kMaxBlobRedirects = 5;

// Distribution's error body for a 416 or 404 is small; anything bigger is not
// read into memory.
constexpr std::size_t kMaxErrorBodyBytes = 64 << 10;

// Built outside coroutines: GCC 12 miscompiles aggregate initializers with
// string literals inside a co_await expression ("array used as initializer").
http::Request MakeRequest(const char* method, std::string url,
                          std::string accept) {
  http::Request request;
  request.method = method;
  request.url = std::move(url);
  if (!accept.empty()) {
    request.headers.emplace_back("Accept", std::move(accept));
  }
  // Sent as the docker client does; some registries key API behaviour on it.
  request.headers.emplace_back("Docker-Distribution-API-Version",
                               "registry/2.0");
  return request;
}

// Replaces the request's Authorization with `value` ("" for none).
void SetAuthorization(const std::string& value, http::Request& request) {
  std::erase_if(request.headers, [](const auto& header) {
    return absl::EqualsIgnoreCase(header.first, "Authorization");
  });
  if (!value.empty()) {
    request.headers.emplace_back("Authorization", value);
  }
}

// A 401 to credentials just fetched or configured: the upstream refuses them.
// The HTTP answer's payload stays for the fan-out.
absl::Status CredentialsRefused(const absl::Status& status) {
  absl::Status refused(
      status.code(), absl::StrCat(status.message(), " (credentials refused)"));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    refused.SetPayload(url, payload);
  });
  return refused;
}

// Unset (a config that skipped the defaults) means no separate bound.
absl::Duration HeaderTimeout(const v1::UpstreamConfig& upstream) {
  return upstream.has_header_timeout()
             ? config::ToAbslDuration(upstream.header_timeout())
             : absl::InfiniteDuration();
}

// A blob body read straight from its HTTP response.
class HttpBodyReader final : public BodyReader {
 public:
  explicit HttpBodyReader(std::unique_ptr<http::ResponseStream> stream)
      : stream_(std::move(stream)) {}

  asio::awaitable<absl::StatusOr<std::size_t>> Read(char* data,
                                                    std::size_t size) override {
    return stream_->Read(data, size);
  }
  void Cancel() override { stream_->Cancel(); }

 private:
  const std::unique_ptr<http::ResponseStream> stream_;
};

// Checks a blob GET answer and says where its bytes start.
absl::StatusOr<BlobBody> CheckedBlobBody(
    const BlobQuery& query, int64_t offset,
    std::unique_ptr<http::ResponseStream> stream) {
  const absl::string_view announced = stream->Header("Docker-Content-Digest");
  if (!announced.empty() && announced != query.digest.str()) {
    return absl::DataLossError(absl::StrCat("Docker-Content-Digest ", announced,
                                            " is not the requested ",
                                            query.digest.str()));
  }
  BlobBody body;
  // Reaches the caller's descriptor (a proto string): only a media type.
  body.media_type = MediaTypeOf(stream->Header("Content-Type"));
  if (body.media_type.empty() && !stream->Header("Content-Type").empty()) {
    spdlog::warn(
        "blob answer: dropped a Content-Type that is not a media type");
  }
  if (stream->status() == 200) {
    body.start = 0;
    if (stream->content_length().has_value()) {
      const uint64_t length = *stream->content_length();
      if (length > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return absl::DataLossError(absl::StrCat(
            "Content-Length ", length, " is larger than any blob can be"));
      }
      body.blob_size = static_cast<int64_t>(length);
    }
  } else if (stream->status() == 206) {
    // Accept-Ranges cannot be trusted, so the answer's own range is checked.
    auto range = ParseContentRange(stream->Header("Content-Range"));
    if (!range.has_value() || range->first != offset) {
      return absl::DataLossError(absl::StrCat(
          "206 answer with Content-Range \"", stream->Header("Content-Range"),
          "\" for offset ", offset));
    }
    body.start = range->first;
    body.blob_size = range->total;
  } else {
    return absl::UnknownError(
        absl::StrCat("unexpected HTTP ", stream->status(), " for a blob"));
  }
  body.reader = std::make_unique<HttpBodyReader>(std::move(stream));
  return body;
}

absl::StatusOr<TagPage> ParseTagPage(const http::Response& response,
                                     const TagsQuery& query) {
  absl::StatusOr<TagListBody> list =
      ParseTagListJson(response.body, query.page_size, query.last);
  if (!list.ok()) {
    return list.status();
  }
  TagPage page{.name = std::move(list->name), .tags = std::move(list->tags)};
  if (auto last = NextPageLast(response.Header("Link")); last.has_value()) {
    if (oci::ValidateTag(*last).ok()) {
      page.next_last = *last;
    } else if (!page.tags.empty()) {
      // The page's last tag is where the next page starts, per the spec.
      spdlog::warn(
          "tag list: Link names a \"last\" that is not a tag; using "
          "the page's last tag");
      page.next_last = page.tags.back();
    }
  }
  return page;
}

}  // namespace

RegistryClient::RegistryClient(v1::UpstreamConfig upstream,
                               const v1::LimitsConfig& limits,
                               http::Client& http, Credentials credentials,
                               const util::Clock& clock)
    : upstream_(std::move(upstream)),
      urls_(upstream_),
      max_manifest_bytes_(limits.max_manifest_bytes()),
      max_tag_list_bytes_(limits.max_tag_list_bytes()),
      http_(http),
      auth_(std::move(credentials), upstream_.url(), http,
            config::ToAbslDuration(upstream_.request_timeout()), clock) {
  if (upstream_.allow_private_redirects()) {
    auth_.AllowPrivateOrigins();
  }
}

std::string RegistryClient::Scope(const std::string& repository) const {
  return PullScope(urls_.Repository(repository));
}

http::RequestOptions RegistryClient::Options(absl::Time deadline,
                                             int64_t body_limit) const {
  http::RequestOptions options;
  options.connect_timeout = config::ToAbslDuration(upstream_.connect_timeout());
  options.deadline = std::min(
      deadline,
      absl::Now() + config::ToAbslDuration(upstream_.request_timeout()));
  options.header_timeout = HeaderTimeout(upstream_);
  options.body_limit = static_cast<std::size_t>(body_limit);
  HoldOtherOrigins(upstream_, options);
  return options;
}

http::Request RegistryClient::ManifestRequest(
    const char* method, const ManifestQuery& query) const {
  return MakeRequest(method,
                     urls_.Manifest(query.repository, query.reference.str()),
                     absl::StrJoin(query.accept, ", "));
}

asio::awaitable<absl::StatusOr<http::Response>> RegistryClient::Fetch(
    http::Request request, http::RequestOptions options, std::string scope) {
  const std::string sent = auth_.Preemptive(scope);
  SetAuthorization(sent, request);
  http::Request retry = request;
  absl::StatusOr<http::Response> response =
      co_await http_.Send(std::move(request), options);
  if (response.ok() && response->status == 401 &&
      auth_.Answers(response->url)) {
    absl::StatusOr<std::string> answer =
        co_await auth_.Answer(response->headers, scope, sent, options.deadline);
    if (!answer.ok()) {
      co_return answer.status();
    }
    SetAuthorization(*answer, retry);
    response = co_await http_.Send(std::move(retry), options);
    if (response.ok() && response->status == 401) {
      co_return CredentialsRefused(StatusFromHttp(*response));
    }
  }
  if (response.ok() && (response->status < 200 || response->status > 299)) {
    co_return StatusFromHttp(*response);
  }
  co_return response;
}

asio::awaitable<absl::StatusOr<Manifest>> RegistryClient::GetManifest(
    ManifestQuery query) {
  absl::StatusOr<http::Response> response = co_await Fetch(
      ManifestRequest("GET", query),
      Options(query.deadline, max_manifest_bytes_), Scope(query.repository));
  if (!response.ok()) {
    co_return response.status();
  }
  co_return CheckedManifest(query, *std::move(response));
}

asio::awaitable<absl::StatusOr<ManifestHead>> RegistryClient::HeadManifest(
    ManifestQuery query) {
  absl::StatusOr<http::Response> response = co_await Fetch(
      ManifestRequest("HEAD", query),
      Options(query.deadline, max_manifest_bytes_), Scope(query.repository));
  if (!response.ok()) {
    co_return response.status();
  }
  absl::StatusOr<int64_t> size = ContentLength(*response);
  const absl::string_view announced = response->Header("Docker-Content-Digest");
  if (!size.ok() || announced.empty()) {
    // Without a size or digest the HEAD answer says too little: fetch the
    // manifest and measure it.
    absl::StatusOr<Manifest> manifest = co_await GetManifest(query);
    if (!manifest.ok()) {
      co_return manifest.status();
    }
    co_return ManifestHead{
        .media_type = manifest->media_type,
        .digest = manifest->digest.str(),
        .size = static_cast<int64_t>(manifest->content.size()),
    };
  }
  auto digest =
      oci::Digest::Parse(std::string_view(announced.data(), announced.size()));
  if (!digest.ok()) {
    co_return absl::DataLossError(
        absl::StrCat("bad Docker-Content-Digest: ", digest.status().message()));
  }
  if (query.reference.is_digest() && *digest != *query.reference.digest()) {
    co_return absl::DataLossError(
        absl::StrCat("Docker-Content-Digest ", digest->str(),
                     " is not the requested ", query.reference.str()));
  }
  if (*size > max_manifest_bytes_) {
    co_return absl::ResourceExhaustedError(
        absl::StrCat("manifest of ", *size, " bytes exceeds the limit of ",
                     max_manifest_bytes_));
  }
  co_return ManifestHead{
      .media_type = ManifestMediaType(response->Header("Content-Type"), ""),
      .digest = digest->str(),
      .size = *size,
  };
}

asio::awaitable<absl::StatusOr<BlobHead>> RegistryClient::HeadBlob(
    BlobQuery query) {
  http::RequestOptions options = Options(query.deadline, 0);
  // Registries commonly redirect blob requests to object storage.
  options.max_redirects = kMaxBlobRedirects;
  absl::StatusOr<http::Response> response = co_await Fetch(
      MakeRequest("HEAD", urls_.Blob(query.repository, query.digest.str()), ""),
      options, Scope(query.repository));
  if (!response.ok()) {
    co_return response.status();
  }
  absl::StatusOr<int64_t> size = ContentLength(*response);
  if (!size.ok()) {
    co_return size.status();
  }
  const absl::string_view announced = response->Header("Docker-Content-Digest");
  if (!announced.empty() && announced != query.digest.str()) {
    co_return absl::DataLossError(
        absl::StrCat("Docker-Content-Digest ", announced,
                     " is not the requested ", query.digest.str()));
  }
  co_return BlobHead{.size = *size};
}

asio::awaitable<absl::StatusOr<TagPage>> RegistryClient::ListTags(
    TagsQuery query) {
  absl::StatusOr<http::Response> response = co_await Fetch(
      MakeRequest("GET",
                  urls_.Tags(query.repository, query.page_size, query.last),
                  "application/json"),
      Options(query.deadline, max_tag_list_bytes_), Scope(query.repository));
  if (!response.ok()) {
    co_return response.status();
  }
  absl::StatusOr<TagPage> page = ParseTagPage(*response, query);
  if (page.ok()) {
    ApplyTagPaging(query.page_size, query.last, *page);
  }
  co_return page;
}

}  // namespace tributary::registry

namespace tributary::registry {

asio::awaitable<absl::StatusOr<BlobBody>> RegistryClient::OpenBlob(
    BlobQuery query, int64_t offset, int64_t end) {
  http::Request request =
      MakeRequest("GET", urls_.Blob(query.repository, query.digest.str()), "");
  if (offset > 0 || end > 0) {
    request.headers.emplace_back("Range", RangeHeader(offset, end));
  }
  http::RequestOptions options;
  options.connect_timeout = config::ToAbslDuration(upstream_.connect_timeout());
  // A blob of any size may take long; what is bounded is each read's progress
  // (and the caller's own deadline).
  options.deadline = query.deadline;
  options.read_timeout = config::ToAbslDuration(upstream_.request_timeout());
  options.header_timeout = HeaderTimeout(upstream_);
  options.max_redirects = kMaxBlobRedirects;
  HoldOtherOrigins(upstream_, options);
  absl::StatusOr<std::unique_ptr<http::ResponseStream>> stream =
      co_await OpenAuthorized(std::move(request), options,
                              Scope(query.repository));
  if (!stream.ok()) {
    co_return stream.status();
  }
  const int status = (*stream)->status();
  if (status < 200 || status > 299) {
    http::Response response{.status = status, .headers = (*stream)->headers()};
    if ((*stream)->content_length().value_or(0) <= kMaxErrorBodyBytes) {
      char buffer[4096];
      absl::StatusOr<std::size_t> read =
          co_await (*stream)->Read(buffer, sizeof buffer);
      if (read.ok()) {
        response.body.assign(buffer, *read);
      }
    }
    co_return StatusFromHttp(response);
  }
  co_return CheckedBlobBody(query, offset, *std::move(stream));
}

asio::awaitable<absl::StatusOr<std::unique_ptr<http::ResponseStream>>>
RegistryClient::OpenAuthorized(http::Request request,
                               http::RequestOptions options,
                               std::string scope) {
  const std::string sent = auth_.Preemptive(scope);
  SetAuthorization(sent, request);
  http::Request retry = request;
  absl::StatusOr<std::unique_ptr<http::ResponseStream>> stream =
      co_await http_.Open(std::move(request), options);
  if (!stream.ok() || (*stream)->status() != 401 ||
      !auth_.Answers((*stream)->url())) {
    co_return stream;
  }
  const http::Headers headers = (*stream)->headers();
  stream->reset();  // the 401's body is not wanted: close its connection
  const absl::Time deadline = std::min(
      options.deadline,
      absl::Now() + config::ToAbslDuration(upstream_.request_timeout()));
  absl::StatusOr<std::string> answer =
      co_await auth_.Answer(headers, scope, sent, deadline);
  if (!answer.ok()) {
    co_return answer.status();
  }
  SetAuthorization(*answer, retry);
  stream = co_await http_.Open(std::move(retry), options);
  if (stream.ok() && (*stream)->status() == 401) {
    http::Response response{.status = 401, .headers = (*stream)->headers()};
    co_return CredentialsRefused(StatusFromHttp(response));
  }
  co_return stream;
}

}  // namespace tributary::registry
