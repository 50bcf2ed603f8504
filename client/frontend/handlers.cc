#include "client/frontend/handlers.h"

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/beast/http/field.hpp"
#include "boost/beast/http/verb.hpp"
#include "client/frontend/accept.h"
#include "client/frontend/offload.h"
#include "client/frontend/registry_field.h"
#include "nlohmann/json.hpp"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr char kBasicChallenge[] = "Basic realm=\"tributary\"";

bool IsReadMethod(http::verb method) {
  return method == http::verb::get || method == http::verb::head;
}

OciError Unsupported(int status, std::string message) {
  OciError error;
  error.status = status;
  error.code = "UNSUPPORTED";
  error.message = std::move(message);
  return error;
}

OciError Unauthorized() {
  OciError error;
  error.status = 401;
  error.code = "UNAUTHORIZED";
  error.message = "authentication required";
  return error;
}

asio::awaitable<void> SendError(ResponseWriter& writer, const OciError& error,
                                bool head, Outcome& outcome) {
  outcome.error = absl::StrCat(error.code, ": ", error.message);
  HttpResponse response = ErrorResponse(error);
  co_await SendResponse(writer, response, head, outcome);
}

// What answers a request that never reaches Tributary (the push side, the
// catalog, unknown paths, methods other than GET and HEAD); nullopt for the
// requests the frontend serves.
std::optional<OciError> Refusal(RouteKind route, http::verb method) {
  switch (route) {
    case RouteKind::kUpload:
      return Unsupported(405, "this registry is pull-only");
    case RouteKind::kCatalog:
      return Unsupported(404, "the catalog is not served");
    case RouteKind::kOther:
      return Unsupported(404, "no such endpoint");
    default:
      break;
  }
  if (!IsReadMethod(method)) {
    return Unsupported(405, "this registry is pull-only");
  }
  return std::nullopt;
}

HttpResponse TextResponse(std::string text) {
  HttpResponse response = NewResponse(200);
  response.set(http::field::content_type, "text/plain");
  response.body() = std::move(text);
  return response;
}

// Sends the OCI error for a failed call to Tributary.
asio::awaitable<void> SendCallError(ResponseWriter& writer,
                                    const absl::Status& status,
                                    const Route& route, bool head,
                                    Outcome& outcome) {
  const OciError error = FromStatus(status, route.kind);
  co_await SendError(writer, error, head, outcome);
}

std::vector<std::string> AcceptList(const HttpRequest& request) {
  std::vector<std::string_view> headers;
  const auto [first, last] = request.equal_range(http::field::accept);
  for (auto field = first; field != last; ++field) {
    headers.emplace_back(field->value().data(), field->value().size());
  }
  return AcceptedMediaTypes(headers);
}

// Fills the fields GetManifestRequest and HeadManifestRequest share.
template <class Request>
void FillManifestRequest(const HttpRequest& request, const Route& route,
                         Request& call) {
  call.set_repository(route.repository);
  call.set_reference(route.reference);
  for (std::string& type : AcceptList(request)) {
    call.add_accepted_media_types(std::move(type));
  }
  SetSourceRegistry(route.registry, call);
}

asio::awaitable<void> HeadManifest(Services& services,
                                   const HttpRequest& request,
                                   const Route& route, ResponseWriter& writer,
                                   Outcome& outcome) {
  v1::HeadManifestRequest call;
  FillManifestRequest(request, route, call);
  const client::Client& client = *services.client;
  auto head_manifest = [&client, &call] { return client.HeadManifest(call); };
  auto answer = co_await Offload(*services.grpc_pool, head_manifest);
  if (!answer.ok()) {
    co_await SendCallError(writer, answer.status(), route, true, outcome);
    co_return;
  }
  HttpResponse response = NewResponse(200);
  response.set(http::field::content_type, answer->media_type());
  response.set("Docker-Content-Digest", answer->digest());
  PrepareHeadResponse(response, answer->size(), outcome);
  if (!co_await writer.Send(response)) {
    outcome.keep_alive = false;
  }
}

asio::awaitable<void> GetManifest(Services& services,
                                  const HttpRequest& request,
                                  const Route& route, ResponseWriter& writer,
                                  Outcome& outcome) {
  v1::GetManifestRequest call;
  FillManifestRequest(request, route, call);
  const client::Client& client = *services.client;
  auto get_manifest = [&client, &call] { return client.GetManifest(call); };
  auto answer = co_await Offload(*services.grpc_pool, get_manifest);
  if (!answer.ok()) {
    co_await SendCallError(writer, answer.status(), route, false, outcome);
    co_return;
  }
  HttpResponse response = NewResponse(200);
  response.set(http::field::content_type, answer->media_type());
  response.set("Docker-Content-Digest", answer->digest());
  response.body() = std::move(*answer->mutable_content());
  co_await SendResponse(writer, response, false, outcome);
}

std::string TagsBody(const v1::ListTagsResponse& answer, const Route& route) {
  nlohmann::json body;
  body["name"] = answer.name().empty() ? route.repository : answer.name();
  body["tags"] = nlohmann::json::array();
  for (const std::string& tag : answer.tags()) {
    body["tags"].push_back(tag);
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

asio::awaitable<void> HandleTags(Services& services, const HttpRequest& request,
                                 const Route& route, ResponseWriter& writer,
                                 Outcome& outcome) {
  const bool head = request.method() == http::verb::head;
  v1::ListTagsRequest call;
  call.set_repository(route.repository);
  call.set_page_size(route.page_size.value_or(0));
  call.set_last(route.last);
  SetSourceRegistry(route.registry, call);
  const client::Client& client = *services.client;
  auto list_tags = [&client, &call] { return client.ListTags(call); };
  auto answer = co_await Offload(*services.grpc_pool, list_tags);
  if (!answer.ok()) {
    co_await SendCallError(writer, answer.status(), route, head, outcome);
    co_return;
  }
  HttpResponse response = NewResponse(200);
  response.set(http::field::content_type, "application/json");
  if (!answer->next_last().empty()) {
    response.set(http::field::link,
                 TagsNextLink(std::string_view(request.target().data(),
                                               request.target().size()),
                              route, answer->next_last()));
  }
  response.body() = TagsBody(*answer, route);
  co_await SendResponse(writer, response, head, outcome);
}

// Basic auth, when configured, for every /v2/ route.
asio::awaitable<bool> Authorized(Services& services, const HttpRequest& request,
                                 Outcome& outcome) {
  if (services.htpasswd == nullptr) {
    co_return true;
  }
  const auto found = request.find(http::field::authorization);
  if (found == request.end()) {
    co_return false;
  }
  const std::string authorization(found->value());
  const Htpasswd& htpasswd = *services.htpasswd;
  std::string user;
  // bcrypt takes milliseconds: not on an HTTP thread.
  auto check = [&htpasswd, &authorization, &user] {
    return htpasswd.Check(authorization, user);
  };
  const bool ok = co_await Offload(*services.grpc_pool, check);
  outcome.user = user;
  co_return ok;
}

}  // namespace

HttpResponse NewResponse(int status) {
  HttpResponse response;
  response.version(11);
  response.result(static_cast<unsigned>(status));
  response.set("Docker-Distribution-API-Version", "registry/2.0");
  return response;
}

HttpResponse ErrorResponse(const OciError& error) {
  HttpResponse response = NewResponse(error.status);
  response.set(http::field::content_type, "application/json");
  if (error.retry_after_seconds > 0) {
    response.set(http::field::retry_after,
                 std::to_string(error.retry_after_seconds));
  }
  if (error.status == 401) {
    response.set(http::field::www_authenticate, kBasicChallenge);
  }
  if (error.status == 405) {
    response.set(http::field::allow, "GET, HEAD");
  }
  response.body() = ErrorBody(error);
  return response;
}

asio::awaitable<void> SendResponse(ResponseWriter& writer,
                                   HttpResponse& response, bool head,
                                   Outcome& outcome) {
  outcome.status = static_cast<int>(response.result_int());
  const std::size_t length = response.body().size();
  response.set(http::field::content_length, std::to_string(length));
  if (head) {
    response.body().clear();
  }
  if (!co_await writer.Send(response)) {
    outcome.keep_alive = false;
    co_return;
  }
  outcome.sent += head ? 0 : static_cast<int64_t>(length);
}

void PrepareHeadResponse(HttpResponse& response, int64_t content_length,
                         Outcome& outcome) {
  outcome.status = static_cast<int>(response.result_int());
  response.set(http::field::content_length, std::to_string(content_length));
}

asio::awaitable<Outcome> HandleRequest(Services& services,
                                       const HttpRequest& request,
                                       ResponseWriter& writer) {
  Outcome outcome;
  const bool head = request.method() == http::verb::head;
  auto parsed = ParseTarget(
      std::string_view(request.target().data(), request.target().size()));
  if (auto* invalid = std::get_if<InvalidTarget>(&parsed)) {
    const OciError error = FromInvalidTarget(*invalid);
    co_await SendError(writer, error, head, outcome);
    co_return outcome;
  }
  const Route& route = std::get<Route>(parsed);
  outcome.route = route.kind;
  outcome.registry = route.registry;
  if (route.kind == RouteKind::kHealth) {
    HttpResponse response = TextResponse("ok\n");
    co_await SendResponse(writer, response, head, outcome);
    co_return outcome;
  }
  if (route.kind != RouteKind::kOther &&
      !co_await Authorized(services, request, outcome)) {
    const OciError error = Unauthorized();
    co_await SendError(writer, error, head, outcome);
    co_return outcome;
  }
  if (const std::optional<OciError> refusal =
          Refusal(route.kind, request.method())) {
    co_await SendError(writer, *refusal, head, outcome);
    co_return outcome;
  }
  switch (route.kind) {
    case RouteKind::kBase: {
      HttpResponse response = NewResponse(200);
      response.set(http::field::content_type, "application/json");
      response.body() = "{}";
      co_await SendResponse(writer, response, head, outcome);
      break;
    }
    case RouteKind::kManifest:
      if (head) {
        co_await HeadManifest(services, request, route, writer, outcome);
      } else {
        co_await GetManifest(services, request, route, writer, outcome);
      }
      break;
    case RouteKind::kTags:
      co_await HandleTags(services, request, route, writer, outcome);
      break;
    case RouteKind::kBlob:
      co_await HandleBlob(services, request, route, writer, outcome);
      break;
    default:
      break;
  }
  co_return outcome;
}

}  // namespace tributary::frontend
