#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_STREAMER_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_STREAMER_H_

#include <memory>
#include <optional>
#include <vector>

#include "boost/asio/any_io_executor.hpp"
#include "service/metrics/metrics.h"
#include "service/oci/digest.h"
#include "service/resolve/blob_stream.h"
#include "service/resolve/fanout/upstream.h"
#include "service/util/chunk_budget.h"

namespace tributary::resolve {

struct BlobStreamOptions {
  // Chunk sizes (util::ChunkBudget): every stream gets at least chunk_bytes;
  // one started while the streams' chunks fit chunk_budget_bytes gets larger
  // ones, up to max_chunk_bytes. 0: chunk_bytes (no budget).
  int64_t chunk_bytes = 256 << 10;
  int64_t max_chunk_bytes = 0;
  int64_t chunk_budget_bytes = 0;
  // Upstream requests per stream: the first plus resumes.
  int max_attempts = 5;
  // Where stored files are hashed (a whole file at once would hold an I/O
  // thread for seconds); empty: inline. Bytes passing through a stream are
  // hashed inline, chunk by chunk (blob_streamer.cc says why).
  boost::asio::any_io_executor hash_executor;
};

// Where a stream takes over from another source of the same blob (the disk
// store when it could not keep a shared transfer): the descriptor and the
// bytes before `position` have reached the consumer already.
struct BlobContinuation {
  int64_t position = 0;
  int64_t blob_size = 0;
  // The bytes before `position`, when the stream verifies the whole blob;
  // empty for a ranged request.
  std::optional<oci::DigestHasher> hasher;
};

// Creates the producers of blob streams from the upstreams. Each asks the
// upstreams in order through an AttemptLoop (skipping those out of scope or
// with an open circuit, retrying a failed open per the upstream's retry
// policy, feeding its circuit breaker), sends the descriptor, then chunks, one
// write in flight; hashes as bytes pass and holds the last chunk back until
// the digest is verified; resumes with a Range request after a failure
// mid-body (on the same upstream once, then on the next). Thread-safe;
// `upstreams` and `metrics` must outlive it and every stream.
class BlobStreams {
 public:
  BlobStreams(boost::asio::any_io_executor executor,
              const std::vector<std::unique_ptr<Upstream>>& upstreams,
              metrics::Metrics& metrics, BlobStreamOptions options);

  // A stream feeding `consumer`, which must outlive it until its EndStream;
  // call Start on the handle once it is kept. With a `continuation` it sends
  // no descriptor and starts at its position. It reads in chunks of
  // `chunks`, a share of chunks() acquired for it when null.
  std::shared_ptr<BlobStreamHandle> New(
      BlobRequest request, BlobConsumer* consumer,
      std::optional<BlobContinuation> continuation = std::nullopt,
      std::shared_ptr<const util::ChunkLease> chunks = nullptr) const;

  const boost::asio::any_io_executor& executor() const { return executor_; }
  const BlobStreamOptions& options() const { return options_; }
  // Where every stream's chunk size and chunks come from.
  util::ChunkBudget& chunks() const { return *chunks_; }

 private:
  const boost::asio::any_io_executor executor_;
  const std::vector<std::unique_ptr<Upstream>>& upstreams_;
  metrics::Metrics& metrics_;
  const BlobStreamOptions options_;
  const std::shared_ptr<util::ChunkBudget> chunks_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_STREAMER_H_
