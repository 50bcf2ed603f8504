#include "service/resolve/blob/blob_body_reads.h"

#include <algorithm>

#include "absl/status/statusor.h"

namespace tributary::resolve {

boost::asio::awaitable<Filled> FillChunk(registry::BlobBody& body,
                                         util::Chunk& chunk, size_t want) {
  Filled filled;
  want = std::min(want, chunk.capacity());
  size_t size = 0;
  while (size < want) {
    absl::StatusOr<size_t> read =
        co_await body.reader->Read(chunk.writable_data() + size, want - size);
    if (!read.ok()) {
      filled.status = read.status();
      break;
    }
    if (*read == 0) {
      filled.at_end = true;
      break;
    }
    size += *read;
  }
  chunk.set_size(size);
  co_return filled;
}

boost::asio::awaitable<absl::Status> SkipBytes(registry::BlobBody& body,
                                               int64_t bytes, int64_t piece) {
  std::string scratch(static_cast<size_t>(std::min(bytes, piece)), '\0');
  while (bytes > 0) {
    const size_t want =
        static_cast<size_t>(std::min<int64_t>(bytes, scratch.size()));
    absl::StatusOr<size_t> read =
        co_await body.reader->Read(scratch.data(), want);
    if (!read.ok()) {
      co_return read.status();
    }
    if (*read == 0) {
      co_return absl::DataLossError("body ended before the requested offset");
    }
    bytes -= static_cast<int64_t>(*read);
  }
  co_return absl::OkStatus();
}

}  // namespace tributary::resolve
