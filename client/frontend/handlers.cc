#include "client/frontend/handlers.h"

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
  co_await SendResponse(writer, ErrorResponse(error), head, outcome);
}

asio::awaitable<void> HandleManifest(Services& services,
                                     const HttpRequest& request,
                                     const Route& route, ResponseWriter& writer,
                                     Outcome& outcome) {
  const bool head = request.method() == http::verb::head;
  std::vector<std::string_view> accept_headers;
  const auto [first, last] = request.equal_range(http::field::accept);
  for (auto field = first; field != last; ++field) {
    accept_headers.emplace_back(field->value().data(), field->value().size());
  }
  std::vector<std::string> accepted = AcceptedMediaTypes(accept_headers);
  HttpResponse response = NewResponse(200);
  if (head) {
    v1::HeadManifestRequest call;
    call.set_repository(route.repository);
    call.set_reference(route.reference);
    for (std::string& type : accepted) {
      call.add_accepted_media_types(std::move(type));
    }
    SetSourceRegistry(route.registry, call);
    client::Client& client = *services.client;
    auto answer = co_await Offload(*services.grpc_pool, [&client, call] {
      return client.HeadManifest(call);
    });
    if (!answer.ok()) {
      co_await SendError(writer, FromStatus(answer.status(), route.kind), head,
                         outcome);
      co_return;
    }
    response.set(http::field::content_type, answer->media_type());
    response.set("Docker-Content-Digest", answer->digest());
    co_await SendHeadResponse(writer, std::move(response), answer->size(),
                              outcome);
    co_return;
  }
  v1::GetManifestRequest call;
  call.set_repository(route.repository);
  call.set_reference(route.reference);
  for (std::string& type : accepted) {
    call.add_accepted_media_types(std::move(type));
  }
  SetSourceRegistry(route.registry, call);
  client::Client& client = *services.client;
  auto answer = co_await Offload(*services.grpc_pool, [&client, call] {
    return client.GetManifest(call);
  });
  if (!answer.ok()) {
    co_await SendError(writer, FromStatus(answer.status(), route.kind), head,
                       outcome);
    co_return;
  }
  response.set(http::field::content_type, answer->media_type());
  response.set("Docker-Content-Digest", answer->digest());
  response.body() = std::move(*answer->mutable_content());
  co_await SendResponse(writer, std::move(response), false, outcome);
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
  client::Client& client = *services.client;
  auto answer = co_await Offload(
      *services.grpc_pool, [&client, call] { return client.ListTags(call); });
  if (!answer.ok()) {
    co_await SendError(writer, FromStatus(answer.status(), route.kind), head,
                       outcome);
    co_return;
  }
  nlohmann::json body;
  body["name"] = answer->name().empty() ? route.repository : answer->name();
  body["tags"] = nlohmann::json::array();
  for (const std::string& tag : answer->tags()) {
    body["tags"].push_back(tag);
  }
  HttpResponse response = NewResponse(200);
  response.set(http::field::content_type, "application/json");
  if (!answer->next_last().empty()) {
    response.set(http::field::link,
                 TagsNextLink(std::string_view(request.target().data(),
                                               request.target().size()),
                              route, answer->next_last()));
  }
  response.body() =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  co_await SendResponse(writer, std::move(response), head, outcome);
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
  std::string authorization(found->value());
  const Htpasswd& htpasswd = *services.htpasswd;
  // bcrypt takes milliseconds: not on an HTTP thread.
  auto checked =
      co_await Offload(*services.grpc_pool,
                       [&htpasswd, authorization = std::move(authorization)] {
                         std::string user;
                         const bool ok = htpasswd.Check(authorization, user);
                         return std::make_pair(ok, user);
                       });
  outcome.user = checked.second;
  co_return checked.first;
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
                                   HttpResponse response, bool head,
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

asio::awaitable<void> SendHeadResponse(ResponseWriter& writer,
                                       HttpResponse response,
                                       int64_t content_length,
                                       Outcome& outcome) {
  outcome.status = static_cast<int>(response.result_int());
  response.set(http::field::content_length, std::to_string(content_length));
  if (!co_await writer.Send(response)) {
    outcome.keep_alive = false;
  }
}

asio::awaitable<Outcome> HandleRequest(Services& services,
                                       const HttpRequest& request,
                                       ResponseWriter& writer) {
  Outcome outcome;
  const bool head = request.method() == http::verb::head;
  auto parsed = ParseTarget(
      std::string_view(request.target().data(), request.target().size()));
  if (auto* invalid = std::get_if<InvalidTarget>(&parsed)) {
    co_await SendError(writer, FromInvalidTarget(*invalid), head, outcome);
    co_return outcome;
  }
  const Route& route = std::get<Route>(parsed);
  outcome.route = route.kind;
  outcome.registry = route.registry;
  if (route.kind == RouteKind::kHealth) {
    HttpResponse response = NewResponse(200);
    response.set(http::field::content_type, "text/plain");
    response.body() = "ok\n";
    co_await SendResponse(writer, std::move(response), head, outcome);
    co_return outcome;
  }
  if (route.kind != RouteKind::kOther &&
      !co_await Authorized(services, request, outcome)) {
    co_await SendError(writer, Unauthorized(), head, outcome);
    co_return outcome;
  }
  switch (route.kind) {
    case RouteKind::kUpload:
      co_await SendError(writer, Unsupported(405, "this registry is pull-only"),
                         head, outcome);
      co_return outcome;
    case RouteKind::kCatalog:
      co_await SendError(writer, Unsupported(404, "the catalog is not served"),
                         head, outcome);
      co_return outcome;
    case RouteKind::kOther:
      co_await SendError(writer, Unsupported(404, "no such endpoint"), head,
                         outcome);
      co_return outcome;
    default:
      break;
  }
  if (!IsReadMethod(request.method())) {
    co_await SendError(writer, Unsupported(405, "this registry is pull-only"),
                       head, outcome);
    co_return outcome;
  }
  switch (route.kind) {
    case RouteKind::kBase: {
      HttpResponse response = NewResponse(200);
      response.set(http::field::content_type, "application/json");
      response.body() = "{}";
      co_await SendResponse(writer, std::move(response), head, outcome);
      break;
    }
    case RouteKind::kManifest:
      co_await HandleManifest(services, request, route, writer, outcome);
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
