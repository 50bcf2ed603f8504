#ifndef TRIBUTARY_SERVICE_REGISTRY_REGISTRY_H_
#define TRIBUTARY_SERVICE_REGISTRY_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "service/registry/types.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {

// The bytes of one upstream answer, read piece by piece so a body of any size
// passes through a fixed buffer. Not thread-safe: used by one coroutine, and
// Cancel runs on that coroutine's executor.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to `size` bytes into `data`; 0 means the body is complete.
  virtual boost::asio::awaitable<absl::StatusOr<std::size_t>> Read(
      char* data, std::size_t size) = 0;
  // Stops the transfer now; a pending Read fails promptly.
  virtual void Cancel() = 0;
};

// An open blob body from one upstream.
struct BlobBody {
  std::unique_ptr<BodyReader> reader;
  // Absolute offset of the first byte `reader` delivers: the requested offset
  // when the upstream honoured the Range, 0 when it ignored it (a 200).
  int64_t start = 0;
  // The whole blob's size, when the upstream said it.
  std::optional<int64_t> blob_size;
  std::string media_type;
};

// One upstream registry as the fan-out asks it: the distribution API calls,
// each answer checked before it is returned. RegistryClient speaks HTTP to a
// real one; tests of the fan-out use fakes. Implementations are thread-safe.
class Registry {
 public:
  virtual ~Registry() = default;

  // The upstream's configuration (name, scope, retry and breaker policy).
  virtual const v1::UpstreamConfig& upstream() const = 0;
  const std::string& name() const { return upstream().name(); }

  virtual boost::asio::awaitable<absl::StatusOr<Manifest>> GetManifest(
      ManifestQuery query) = 0;
  virtual boost::asio::awaitable<absl::StatusOr<ManifestHead>> HeadManifest(
      ManifestQuery query) = 0;
  virtual boost::asio::awaitable<absl::StatusOr<BlobHead>> HeadBlob(
      BlobQuery query) = 0;
  virtual boost::asio::awaitable<absl::StatusOr<TagPage>> ListTags(
      TagsQuery query) = 0;
  // Opens the blob's bytes [offset, end) (end 0: to the end). The answer is
  // checked (a 206 must start at `offset`; a 200 means the Range was ignored)
  // but the bytes are the caller's to verify as they stream.
  virtual boost::asio::awaitable<absl::StatusOr<BlobBody>> OpenBlob(
      BlobQuery query, int64_t offset, int64_t end) = 0;
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_REGISTRY_H_
