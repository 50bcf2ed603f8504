#include "service/http/response_stream.h"

#include <algorithm>

#include "service/http/connection.h"
#include "service/http/steady_time.h"

namespace tributary::http {

ResponseStream::ResponseStream(int status, Headers headers,
                               std::optional<std::uint64_t> content_length,
                               std::string url,
                               std::unique_ptr<Connection> connection,
                               ReturnToPool return_to_pool,
                               absl::Duration read_timeout, absl::Time deadline)
    : status_(status),
      headers_(std::move(headers)),
      content_length_(content_length),
      url_(std::move(url)),
      connection_(std::move(connection)),
      return_to_pool_(std::move(return_to_pool)),
      read_timeout_(read_timeout),
      deadline_(deadline) {}

ResponseStream::~ResponseStream() {
  if (connection_ && connection_->reusable() && return_to_pool_) {
    return_to_pool_(std::move(connection_));
  }
}

boost::asio::awaitable<absl::StatusOr<std::size_t>> ResponseStream::Read(
    char* data, std::size_t size) {
  if (!connection_) {
    co_return absl::CancelledError("response stream was cancelled");
  }
  const absl::Time read_deadline =
      std::min(deadline_, absl::Now() + read_timeout_);
  co_return co_await connection_->ReadBody(data, size, ToSteady(read_deadline));
}

void ResponseStream::Cancel() {
  if (connection_) {
    connection_->Cancel();
  }
}

}  // namespace tributary::http
