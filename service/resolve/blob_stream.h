#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_STREAM_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_STREAM_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "service/cache/read_through.h"
#include "service/registry/types.h"
#include "service/util/chunk.h"

namespace tributary::resolve {

// A blob to stream: the whole blob, or bytes [offset, offset + length).
struct BlobRequest {
  registry::BlobQuery query;
  int64_t offset = 0;
  int64_t length = 0;  // 0: to the end
  // False when the bytes go to the disk store rather than to a caller: they
  // are then not counted as sent.
  bool to_caller = true;
};

struct BlobDescriptorInfo {
  std::string digest;
  int64_t size = 0;  // the whole blob's size; 0 when no upstream said it
  std::string media_type;
  std::string upstream;     // the upstream that served the first bytes
  cache::Provenance cache;  // from_cache: served from the disk store
};

// The receiving end of a blob stream: the gRPC writer. Every call comes from an
// I/O thread, one at a time. After SendDescriptor or SendChunk the consumer
// starts one write and reports its completion with BlobStreamHandle::WriteDone;
// nothing more is sent before that. EndStream is the last call.
class BlobConsumer {
 public:
  virtual ~BlobConsumer() = default;
  virtual void SendDescriptor(const BlobDescriptorInfo& descriptor) = 0;
  virtual void SendChunk(util::Chunk data) = 0;
  virtual void EndStream(const absl::Status& status) = 0;
};

// The consumer's handle on a producing stream. Thread-safe.
class BlobStreamHandle {
 public:
  virtual ~BlobStreamHandle() = default;
  // Starts producing; call once, after keeping the handle.
  virtual void Start() = 0;
  // The last write completed; `ok` false means the caller is gone.
  virtual void WriteDone(bool ok) = 0;
  // The caller cancelled: upstream I/O stops promptly and EndStream follows.
  virtual void Cancel() = 0;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_STREAM_H_
