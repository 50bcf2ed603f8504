#ifndef TRIBUTARY_SERVICE_REGISTRY_TESTING_FAKE_REGISTRY_H_
#define TRIBUTARY_SERVICE_REGISTRY_TESTING_FAKE_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/registry/registry.h"

namespace tributary::registry {

// A failure as RegistryClient returns it for an HTTP answer with status
// `http_status` (and a Retry-After header when given, read at `now`).
absl::Status HttpFailure(int http_status, const char* retry_after = nullptr,
                         absl::Time now = absl::Now());

// A blob body served from memory: `bytes` from the start, then a failure
// after `fail_after` of them when set (a connection cut mid-body).
struct FakeBody {
  std::string bytes;
  std::optional<size_t> fail_after;
};

// One upstream for tests of the fan-out, answering from handlers the test
// sets; a handler left unset answers NOT_FOUND. Counts every call. A handler
// returning `Hang()` never answers: the call waits until it is cancelled.
// Handlers may throw to test that nothing is swallowed. Thread-compatible:
// set the handlers before the calls start.
class FakeRegistry final : public Registry {
 public:
  struct BlobOpen {
    int64_t offset = 0;
    int64_t end = 0;
  };

  explicit FakeRegistry(v1::UpstreamConfig config);
  // An upstream named `name` with the shipped defaults (5 failures open its
  // circuit for 30 s), but `retries` attempts with 1 ms backoff (so retry
  // tests take no time).
  static std::unique_ptr<FakeRegistry> Named(const std::string& name,
                                             int retries = 3);

  // What a handler returns for an answer that never comes.
  static absl::Status Hang() {
    return absl::Status(absl::StatusCode::kAborted, "fake: hang");
  }

  std::function<absl::StatusOr<Manifest>(const ManifestQuery&)> on_manifest;
  std::function<absl::StatusOr<FakeBody>(const BlobQuery&, BlobOpen)> on_blob;

  int manifest_calls() const { return manifest_calls_; }
  const std::vector<BlobOpen>& blob_opens() const { return blob_opens_; }

  const v1::UpstreamConfig& upstream() const override { return config_; }
  boost::asio::awaitable<absl::StatusOr<Manifest>> GetManifest(
      ManifestQuery query) override;
  boost::asio::awaitable<absl::StatusOr<ManifestHead>> HeadManifest(
      ManifestQuery query) override;
  boost::asio::awaitable<absl::StatusOr<BlobHead>> HeadBlob(
      BlobQuery query) override;
  boost::asio::awaitable<absl::StatusOr<TagPage>> ListTags(
      TagsQuery query) override;
  boost::asio::awaitable<absl::StatusOr<BlobBody>> OpenBlob(
      BlobQuery query, int64_t offset, int64_t end) override;

 private:
  const v1::UpstreamConfig config_;
  int manifest_calls_ = 0;
  std::vector<BlobOpen> blob_opens_;
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TESTING_FAKE_REGISTRY_H_
