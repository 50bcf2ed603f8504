// The floor under Tributary's GetBlob: a server with nothing of Tributary in
// it, streaming one blob's worth of chunks through the same raw callback
// method (each message the GetBlobResponse.chunk tag and length, then a
// grpc::Slice over bytes the server owns, as service/api/blob_messages.cc
// frames them), one write in flight. What bench/grpc_floor.sh measures its CPU
// with, per variant:
//
//   inline  the next StartWrite from OnWriteDone itself: no hand-off of ours,
//           the cheapest the callback API allows;
//   post    OnWriteDone posts to an Asio strand on --io_threads threads, which
//           calls StartWrite: Tributary's hand-off (its producer coroutine
//           runs on an I/O thread);
//   pread   like post, each chunk pread from --file into a pooled buffer, the
//           next one read while the previous is written: Tributary's warm path
//           from its disk store;
//   inline_pread
//           each chunk pread as in pread, but on gRPC's thread in OnWriteDone,
//           which then starts the write itself: the warm path without the
//           hand-off (blocking gRPC's thread for the read of a cached page).
//
// Every stream sends --blob_bytes bytes whatever the request asks for (a
// ranged request is refused). A benchmark, not a service: loopback only.
//
//   grpc_floor --port 50051 --variant post --chunk_bytes 262144
//              [--blob_bytes N] [--io_threads 4] [--file PATH]

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bench/floor_chunks.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "tributary/v1/resolver.grpc.pb.h"

ABSL_FLAG(int, port, 0, "Loopback port to listen on (required).");
ABSL_FLAG(std::string, variant, "inline",
          "inline, post, pread or inline_pread (see the file comment).");
ABSL_FLAG(int64_t, chunk_bytes, 256 << 10,
          "Blob bytes per message, at most 4 MiB minus 16 (gRPC's default "
          "message limit less the framing).");
ABSL_FLAG(int64_t, blob_bytes, int64_t{1} << 30, "Bytes each stream sends.");
ABSL_FLAG(int, io_threads, 4,
          "Threads running the Asio io_context (post and pread); 4 is "
          "Tributary's server.io_threads default.");
ABSL_FLAG(std::string, file, "",
          "pread and inline_pread: the file chunks are read from, at least "
          "--blob_bytes long (keep it in the page cache).");

namespace tributary::bench {
namespace {

namespace asio = boost::asio;

enum class Variant { kInline, kPost, kPread, kInlinePread };

// Whether OnWriteDone starts the next write itself (no hand-off).
bool Inline(Variant variant) {
  return variant == Variant::kInline || variant == Variant::kInlinePread;
}

struct Options {
  Variant variant = Variant::kInline;
  size_t chunk_bytes = 0;
  int64_t blob_bytes = 0;
};

// One GetBlob stream: the descriptor, then chunks until blob_bytes are sent,
// one write in flight. In the post and pread variants every step runs on the
// stream's strand; OnWriteDone only schedules it. Freed in OnDone.
class FloorStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FloorStream(const Options& options, ChunkSource& source, asio::io_context& io,
              const v1::GetBlobRequest& request)
      : options_(options), source_(source), strand_(asio::make_strand(io)) {
    message_ = DescriptorMessage(request.digest(), options_.blob_bytes);
    StartWrite(&message_);
  }

  void OnWriteDone(bool ok) override {
    if (Inline(options_.variant)) {
      Continue(ok);
      return;
    }
    // Even a failed write goes through the strand: finishing here could free
    // this stream under a read-ahead still running there.
    asio::post(strand_, [this, ok] { Continue(ok); });
  }

  void OnDone() override { delete this; }

 private:
  size_t NextSize() const {
    return static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(options_.chunk_bytes),
                          options_.blob_bytes - sent_));
  }

  void Continue(bool written) {
    if (!written) {
      // The caller is gone; no write is in flight any more.
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the caller left"));
      return;
    }
    Step();
  }

  // Starts the next write or finishes. In the pread variant the chunk after
  // it is read once the write has started, overlapping it (as Tributary's
  // stored-blob producer does); OnWriteDone's step queues behind this one.
  void Step() {
    if (sent_ == options_.blob_bytes) {
      Finish(grpc::Status::OK);
      return;
    }
    absl::StatusOr<grpc::ByteBuffer> chunk =
        ahead_.has_value() ? *std::move(ahead_)
                           : source_.Chunk(sent_, NextSize());
    ahead_.reset();
    if (!chunk.ok()) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL,
                          std::string(chunk.status().message())));
      return;
    }
    sent_ += static_cast<int64_t>(NextSize());
    message_ = *std::move(chunk);
    StartWrite(&message_);
    if (options_.variant == Variant::kPread && sent_ < options_.blob_bytes) {
      ahead_ = source_.Chunk(sent_, NextSize());
    }
  }

  const Options& options_;
  ChunkSource& source_;
  asio::strand<asio::io_context::executor_type> strand_;
  int64_t sent_ = 0;          // blob bytes handed to StartWrite
  grpc::ByteBuffer message_;  // the one write in flight
  std::optional<absl::StatusOr<grpc::ByteBuffer>> ahead_;  // pread: next chunk
};

// A call refused before any write: finished at once.
class RefusedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const std::string& reason) {
    Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, reason));
  }
  void OnDone() override { delete this; }
};

class FloorService final
    : public v1::ResolverService::WithRawCallbackMethod_GetBlob<
          v1::ResolverService::CallbackService> {
 public:
  FloorService(const Options& options, ChunkSource& source,
               asio::io_context& io)
      : options_(options), source_(source), io_(io) {}

  grpc::ServerWriteReactor<grpc::ByteBuffer>* GetBlob(
      grpc::CallbackServerContext* /*context*/,
      const grpc::ByteBuffer* raw) override {
    grpc::ByteBuffer copy(*raw);  // the reader wants a mutable buffer
    grpc::ProtoBufferReader reader(&copy);
    v1::GetBlobRequest request;
    if (!reader.status().ok() || !request.ParseFromZeroCopyStream(&reader)) {
      return new RefusedStream(
          "the request is not a tributary.v1.GetBlobRequest");
    }
    if (request.offset() != 0 || request.length() != 0) {
      return new RefusedStream("grpc_floor serves whole blobs only");
    }
    return new FloorStream(options_, source_, io_, request);
  }

 private:
  const Options& options_;
  ChunkSource& source_;
  asio::io_context& io_;
};

// The flags as Options, or why not (naming the flag).
absl::StatusOr<Options> ParseOptions() {
  Options options;
  const std::string variant = absl::GetFlag(FLAGS_variant);
  if (variant == "inline") {
    options.variant = Variant::kInline;
  } else if (variant == "post") {
    options.variant = Variant::kPost;
  } else if (variant == "pread") {
    options.variant = Variant::kPread;
  } else if (variant == "inline_pread") {
    options.variant = Variant::kInlinePread;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--variant: \"", variant,
                     "\" is not inline, post, pread or inline_pread"));
  }
  const int64_t chunk = absl::GetFlag(FLAGS_chunk_bytes);
  if (chunk < 1 || chunk > kMaxChunkBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--chunk_bytes: ", chunk, " is not in 1..", kMaxChunkBytes));
  }
  options.chunk_bytes = static_cast<size_t>(chunk);
  options.blob_bytes = absl::GetFlag(FLAGS_blob_bytes);
  if (options.blob_bytes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--blob_bytes: ", options.blob_bytes, " is not positive"));
  }
  const int port = absl::GetFlag(FLAGS_port);
  if (port < 1 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--port: ", port, " is not in 1..65535"));
  }
  if (absl::GetFlag(FLAGS_io_threads) < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--io_threads: ", absl::GetFlag(FLAGS_io_threads), " is not positive"));
  }
  return options;
}

// The chunks the variant sends: a file's for the pread variants, else one
// buffer's.
absl::StatusOr<std::unique_ptr<ChunkSource>> MakeSource(
    const Options& options) {
  if (options.variant != Variant::kPread &&
      options.variant != Variant::kInlinePread) {
    return std::unique_ptr<ChunkSource>(
        std::make_unique<FilledChunks>(options.chunk_bytes));
  }
  return FileChunks::Open(absl::GetFlag(FLAGS_file), options.chunk_bytes,
                          options.blob_bytes);
}

int Run() {
  absl::StatusOr<Options> options = ParseOptions();
  absl::StatusOr<std::unique_ptr<ChunkSource>> source =
      options.ok()
          ? MakeSource(*options)
          : absl::StatusOr<std::unique_ptr<ChunkSource>>(options.status());
  if (!source.ok()) {
    std::fprintf(stderr, "grpc_floor: %s\n",
                 std::string(source.status().message()).c_str());
    return 2;
  }
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::vector<std::thread> io_threads;
  if (!Inline(options->variant)) {
    for (int i = 0; i < absl::GetFlag(FLAGS_io_threads); ++i) {
      io_threads.emplace_back([&io] { io.run(); });
    }
  }
  FloorService service(*options, **source, io);
  const std::string address =
      absl::StrCat("127.0.0.1:", absl::GetFlag(FLAGS_port));
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound == 0) {
    std::fprintf(stderr, "grpc_floor: --port: cannot listen on %s\n",
                 address.c_str());
    return 1;
  }
  std::printf("grpc_floor listening on %s, variant=%s chunk_bytes=%zu\n",
              address.c_str(), absl::GetFlag(FLAGS_variant).c_str(),
              options->chunk_bytes);
  std::fflush(stdout);
  // Runs until killed: the script stops it with SIGTERM.
  server->Wait();
  work.reset();
  for (std::thread& thread : io_threads) {
    thread.join();
  }
  return 0;
}

}  // namespace
}  // namespace tributary::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tributary::bench::Run();
}
