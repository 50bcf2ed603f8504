#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_BODY_READS_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_BODY_READS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "boost/asio/awaitable.hpp"
#include "service/registry/registry.h"
#include "service/util/chunk.h"

namespace tributary::resolve {

// One chunk's read from an upstream body: the bytes are in the chunk itself.
struct Filled {
  absl::Status status;  // a failure after the bytes that did arrive
  bool at_end = false;  // the body ended
};

// Reads into `chunk` until it holds `want` bytes (at most its capacity) or
// the body ends or fails; its size is what arrived. Whole chunks make fewer,
// larger messages.
boost::asio::awaitable<Filled> FillChunk(registry::BlobBody& body,
                                         util::Chunk& chunk, size_t want);

// Reads and drops the first `bytes` of `body`, `piece` bytes at a time: for
// an upstream that answered a ranged request with the whole blob (a 200).
boost::asio::awaitable<absl::Status> SkipBytes(registry::BlobBody& body,
                                               int64_t bytes, int64_t piece);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_BODY_READS_H_
