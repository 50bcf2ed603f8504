#ifndef TRIBUTARY_SERVICE_HTTP_RESPONSE_STREAM_H_
#define TRIBUTARY_SERVICE_HTTP_RESPONSE_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/types.h"

namespace tributary::http {

class Connection;

// A response whose header has arrived and whose body is read piece by piece, so
// a body of any size passes through a fixed buffer. Owns its connection: once
// the body has been read to the end the connection goes back to the pool;
// destroyed earlier, the connection is closed. Not thread-safe: used by one
// coroutine (Cancel too must run on that coroutine's executor).
class ResponseStream {
 public:
  using ReturnToPool = std::function<void(std::unique_ptr<Connection>)>;

  ResponseStream(int status, Headers headers,
                 std::optional<std::uint64_t> content_length, std::string url,
                 std::unique_ptr<Connection> connection,
                 ReturnToPool return_to_pool, absl::Duration read_timeout,
                 absl::Time deadline);
  ~ResponseStream();
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  int status() const { return status_; }
  const Headers& headers() const { return headers_; }
  absl::string_view Header(absl::string_view name) const {
    return FindHeader(headers_, name);
  }
  std::optional<std::uint64_t> content_length() const {
    return content_length_;
  }
  // The URL that answered, after redirects.
  const std::string& url() const { return url_; }

  // Reads up to `size` body bytes into `data`; 0 means the body is complete.
  // Each read must make progress within the read timeout.
  boost::asio::awaitable<absl::StatusOr<std::size_t>> Read(char* data,
                                                           std::size_t size);

  // Closes the connection now; a pending Read fails promptly.
  void Cancel();

 private:
  const int status_;
  const Headers headers_;
  const std::optional<std::uint64_t> content_length_;
  const std::string url_;
  std::unique_ptr<Connection> connection_;
  ReturnToPool return_to_pool_;
  const absl::Duration read_timeout_;
  const absl::Time deadline_;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_RESPONSE_STREAM_H_
