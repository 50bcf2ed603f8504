// The blob routes: HEAD from HeadBlob, GET streamed from one GetBlob call with
// backpressure (one chunk read ahead of the socket at most), Range as 206/416.

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/beast/http/field.hpp"
#include "boost/beast/http/verb.hpp"
#include "client/frontend/blob_reader.h"
#include "client/frontend/handlers.h"
#include "client/frontend/offload.h"
#include "client/frontend/range.h"
#include "client/frontend/registry_field.h"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

using HeaderResponse = http::response<http::empty_body>;

void SetBlobHeaders(const Route& route, http::fields& fields) {
  fields.set("Docker-Distribution-API-Version", "registry/2.0");
  fields.set(http::field::content_type, "application/octet-stream");
  fields.set("Docker-Content-Digest", route.reference);
  fields.set(http::field::accept_ranges, "bytes");
}

asio::awaitable<absl::StatusOr<int64_t>> BlobSize(Services& services,
                                                  const Route& route) {
  v1::HeadBlobRequest call;
  call.set_repository(route.repository);
  call.set_digest(route.reference);
  SetSourceRegistry(route.registry, call);
  const client::Client& client = *services.client;
  auto head_blob = [&client, &call] { return client.HeadBlob(call); };
  auto answer = co_await Offload(*services.grpc_pool, head_blob);
  if (!answer.ok()) {
    co_return answer.status();
  }
  co_return answer->size();
}

OciError RangeNotSatisfiable(int64_t size) {
  OciError error;
  error.status = 416;
  error.code = "RANGE_INVALID";
  error.message = absl::StrCat("the blob has ", size, " bytes");
  return error;
}

// Streams the chunks after the header: any failure (DATA_LOSS included), a
// stream longer or shorter than announced, or a failed write aborts the
// connection, so the client sees a short body and never a complete wrong one.
asio::awaitable<void> StreamBody(BlobReader& reader, int64_t expected,
                                 ResponseWriter& writer, Outcome& outcome) {
  while (true) {
    absl::StatusOr<const client::BlobMessage*> chunk = co_await reader.Next();
    if (!chunk.ok()) {
      outcome.error = absl::StrCat("aborted after ", outcome.sent,
                                   " bytes: ", chunk.status().ToString());
      break;
    }
    if (*chunk == nullptr) {
      if (outcome.sent == expected) {
        co_return;
      }
      outcome.error = absl::StrCat("stream ended after ", outcome.sent, " of ",
                                   expected, " bytes");
      break;
    }
    const std::vector<std::string_view>& pieces = (*chunk)->pieces;
    const auto size = static_cast<int64_t>((*chunk)->chunk_size());
    if (outcome.sent + size > expected) {
      outcome.error =
          absl::StrCat("stream sent more than the ", expected, " bytes");
      break;
    }
    if (!co_await writer.SendBody(pieces)) {
      outcome.error =
          absl::StrCat("client write failed after ", outcome.sent, " bytes");
      break;
    }
    outcome.sent += size;
  }
  outcome.keep_alive = false;
  writer.Abort();
}

asio::awaitable<void> GetBlob(Services& services, const HttpRequest& request,
                              const Route& route, ResponseWriter& writer,
                              Outcome& outcome) {
  v1::GetBlobRequest call;
  call.set_repository(route.repository);
  call.set_digest(route.reference);
  SetSourceRegistry(route.registry, call);
  ByteRange range;
  int64_t total = 0;  // the blob's size, for Content-Range
  const auto range_header = request.find(http::field::range);
  if (range_header != request.end()) {
    absl::StatusOr<int64_t> size = co_await BlobSize(services, route);
    if (!size.ok()) {
      HttpResponse response =
          ErrorResponse(FromStatus(size.status(), route.kind));
      co_await SendResponse(writer, response, false, outcome);
      co_return;
    }
    total = *size;
    range = ParseRange(std::string_view(range_header->value().data(),
                                        range_header->value().size()),
                       *size);
    if (range.kind == ByteRange::Kind::kUnsatisfiable) {
      HttpResponse response = ErrorResponse(RangeNotSatisfiable(*size));
      response.set(http::field::content_range, absl::StrCat("bytes */", *size));
      co_await SendResponse(writer, response, false, outcome);
      co_return;
    }
    if (range.kind == ByteRange::Kind::kPartial) {
      call.set_offset(range.first);
      call.set_length(range.length());
    }
  }
  // Held until the body is sent: a slowly read download holds gRPC's receive
  // buffers, and the slots bound how many do.
  std::optional<DownloadSlots::Slot> slot =
      co_await services.download_slots->Acquire(services.config.call_timeout);
  if (!slot.has_value()) {
    const absl::Status busy = absl::ResourceExhaustedError(
        absl::StrCat("all ", services.config.max_blob_downloads,
                     " blob downloads (--max_blob_downloads) stayed busy for ",
                     absl::FormatDuration(services.config.call_timeout)));
    outcome.error = busy.ToString();
    HttpResponse response = ErrorResponse(FromStatus(busy, route.kind));
    co_await SendResponse(writer, response, false, outcome);
    co_return;
  }
  BlobReader reader(*services.channel, services.live_calls);
  absl::StatusOr<v1::BlobDescriptor> descriptor =
      co_await reader.Open(call, services.config.blob_timeout);
  if (!descriptor.ok()) {
    outcome.error = descriptor.status().ToString();
    HttpResponse response =
        ErrorResponse(FromStatus(descriptor.status(), route.kind));
    co_await SendResponse(writer, response, false, outcome);
    co_return;
  }
  HeaderResponse header;
  header.version(11);
  SetBlobHeaders(route, header.base());
  int64_t expected = descriptor->size();
  if (range.kind == ByteRange::Kind::kPartial) {
    header.result(http::status::partial_content);
    header.set(
        http::field::content_range,
        absl::StrCat("bytes ", range.first, "-", range.last, "/", total));
    expected = range.length();
  } else {
    header.result(http::status::ok);
  }
  header.content_length(static_cast<uint64_t>(expected));
  outcome.status = static_cast<int>(header.result_int());
  if (!co_await writer.SendHeader(header)) {
    outcome.keep_alive = false;
    outcome.error = "client write failed before the body";
  } else {
    co_await StreamBody(reader, expected, writer, outcome);
  }
  co_await reader.Close();
}

asio::awaitable<void> HeadBlob(Services& services, const Route& route,
                               ResponseWriter& writer, Outcome& outcome) {
  absl::StatusOr<int64_t> size = co_await BlobSize(services, route);
  if (!size.ok()) {
    outcome.error = size.status().ToString();
    HttpResponse response =
        ErrorResponse(FromStatus(size.status(), route.kind));
    co_await SendResponse(writer, response, true, outcome);
    co_return;
  }
  HttpResponse response = NewResponse(200);
  SetBlobHeaders(route, response.base());
  PrepareHeadResponse(response, *size, outcome);
  if (!co_await writer.Send(response)) {
    outcome.keep_alive = false;
  }
}

}  // namespace

asio::awaitable<void> HandleBlob(Services& services, const HttpRequest& request,
                                 const Route& route, ResponseWriter& writer,
                                 Outcome& outcome) {
  if (request.method() == http::verb::head) {
    co_await HeadBlob(services, route, writer, outcome);
  } else {
    co_await GetBlob(services, request, route, writer, outcome);
  }
}

}  // namespace tributary::frontend
