#include "service/registry/testing/fake_registry.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/http/types.h"
#include "service/registry/http_status.h"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;

// Waits until the awaiting operation is cancelled (it lost a race).
asio::awaitable<void> WaitForever() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::hours(1));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

bool IsHang(const absl::Status& status) {
  return status == FakeRegistry::Hang();
}

class MemoryBody final : public BodyReader {
 public:
  explicit MemoryBody(FakeBody body) : body_(std::move(body)) {}

  asio::awaitable<absl::StatusOr<std::size_t>> Read(char* data,
                                                    std::size_t size) override {
    const size_t limit = body_.fail_after.value_or(body_.bytes.size());
    if (cancelled_) {
      co_return absl::CancelledError("fake body: cancelled");
    }
    if (position_ >= limit) {
      if (limit < body_.bytes.size()) {
        co_return absl::UnavailableError("fake body: connection reset");
      }
      co_return 0;
    }
    const size_t n = std::min(size, limit - position_);
    std::copy_n(body_.bytes.data() + position_, n, data);
    position_ += n;
    co_return n;
  }
  void Cancel() override { cancelled_ = true; }

 private:
  const FakeBody body_;
  size_t position_ = 0;
  bool cancelled_ = false;
};

}  // namespace

absl::Status HttpFailure(int http_status, const char* retry_after,
                         absl::Time now) {
  http::Response response;
  response.status = http_status;
  if (retry_after != nullptr) {
    response.headers.emplace_back("Retry-After", retry_after);
  }
  return StatusFromHttp(response, now);
}

FakeRegistry::FakeRegistry(v1::UpstreamConfig config)
    : config_(std::move(config)) {}

std::unique_ptr<FakeRegistry> FakeRegistry::Named(const std::string& name,
                                                  int retries) {
  v1::UpstreamConfig config;
  config.set_name(name);
  config.set_url("http://" + name + ".test");
  config.mutable_retry()->set_max_attempts(retries);
  config.mutable_retry()->mutable_initial_backoff()->set_nanos(1000000);
  config.mutable_retry()->mutable_max_backoff()->set_nanos(1000000);
  config.mutable_retry()->mutable_budget()->set_seconds(10);
  config.mutable_retry()->mutable_max_retry_after()->set_seconds(10);
  config.mutable_circuit_breaker()->set_failure_threshold(5);
  config.mutable_circuit_breaker()->mutable_open_duration()->set_seconds(30);
  return std::make_unique<FakeRegistry>(std::move(config));
}

asio::awaitable<absl::StatusOr<Manifest>> FakeRegistry::GetManifest(
    ManifestQuery query) {
  ++manifest_calls_;
  absl::StatusOr<Manifest> answer = absl::NotFoundError("fake: HTTP 404");
  if (on_manifest) {
    answer = on_manifest(query);
  }
  if (!answer.ok() && IsHang(answer.status())) {
    co_await WaitForever();
  }
  co_return answer;
}

asio::awaitable<absl::StatusOr<ManifestHead>> FakeRegistry::HeadManifest(
    ManifestQuery) {
  co_return absl::NotFoundError("fake: HTTP 404");
}

asio::awaitable<absl::StatusOr<BlobHead>> FakeRegistry::HeadBlob(BlobQuery) {
  co_return absl::NotFoundError("fake: HTTP 404");
}

asio::awaitable<absl::StatusOr<TagPage>> FakeRegistry::ListTags(TagsQuery) {
  co_return absl::NotFoundError("fake: HTTP 404");
}

asio::awaitable<absl::StatusOr<BlobBody>> FakeRegistry::OpenBlob(
    BlobQuery query, int64_t offset, int64_t end) {
  const BlobOpen open{.offset = offset, .end = end};
  blob_opens_.push_back(open);
  absl::StatusOr<FakeBody> answer = absl::NotFoundError("fake: HTTP 404");
  if (on_blob) {
    answer = on_blob(query, open);
  }
  if (!answer.ok()) {
    if (IsHang(answer.status())) {
      co_await WaitForever();
    }
    co_return answer.status();
  }
  // Honours the Range like a registry that answers 206.
  FakeBody served = *std::move(answer);
  const size_t size = served.bytes.size();
  const size_t from = std::min(static_cast<size_t>(offset), size);
  const size_t to = end > 0 ? std::min(static_cast<size_t>(end), size) : size;
  served.bytes = served.bytes.substr(from, to - from);
  if (served.fail_after.has_value()) {
    served.fail_after =
        *served.fail_after > from ? *served.fail_after - from : 0;
  }
  BlobBody body;
  body.start = offset;
  body.blob_size = static_cast<int64_t>(size);
  body.media_type = "application/octet-stream";
  body.reader = std::make_unique<MemoryBody>(std::move(served));
  co_return body;
}

}  // namespace tributary::registry
