#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILE_READS_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILE_READS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/cache/blob_store.h"
#include "service/oci/digest.h"
#include "service/util/chunk.h"

namespace tributary::resolve {

// Reads exactly `size` bytes of `file` at `position` into a chunk from
// `pool` (`size` at most its block size); DATA_LOSS when the file ends first.
absl::StatusOr<util::Chunk> ReadChunk(const cache::BlobFile& file,
                                      int64_t position, size_t size,
                                      util::ChunkPool& pool);

// Adds the first `bytes` of `file` to `hasher`, reading 1 MiB at a time.
// Blocking: run it off the I/O threads.
absl::Status HashFilePrefix(const cache::BlobFile& file, int64_t bytes,
                            oci::DigestHasher& hasher);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILE_READS_H_
