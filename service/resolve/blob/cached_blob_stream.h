#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_H_

#include <memory>

#include "service/cache/read_through.h"
#include "service/resolve/blob/blob_cache.h"
#include "service/resolve/blob_stream.h"

namespace tributary::resolve {

// One GetBlob stream as BlobCache serves it (see blob_cache.h): from a stored
// file, from a shared fill, or handed over to a direct upstream stream. Either
// way the consumer sees the same protocol as from a live stream: descriptor,
// chunks of `chunk_bytes`, one write in flight, the last chunk only once the
// bytes are verified.
std::shared_ptr<BlobStreamHandle> NewCachedBlobStream(BlobCache& cache,
                                                      BlobRequest request,
                                                      cache::CacheMode mode,
                                                      BlobConsumer* consumer);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_H_
