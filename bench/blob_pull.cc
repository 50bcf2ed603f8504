// Pulls one blob through Tributary's GetBlob on N concurrent streams and throws
// the bytes away; prints the throughput, how many streams' descriptors said the
// bytes came from the disk store (cache_hits) and, with --verify, how many
// streams' bytes hashed to the digest. Used by bench/blob_bench.sh and
// bench/blob_cache_bench.sh. Usage, all on one command line:
//
//   blob_pull --addr 127.0.0.1:50051 --repository bench/blob
//             --digest sha256:... --streams 1 [--verify]
//             [--offset N --length N] [--cancel_after_bytes N]

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "client/heap_reuse.h"
#include "client/raw_blob_stream.h"
#include "grpcpp/grpcpp.h"
#include "service/oci/digest.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "Tributary's gRPC address.");
ABSL_FLAG(std::string, repository, "", "Repository of the blob.");
ABSL_FLAG(std::string, digest, "", "Digest of the blob.");
ABSL_FLAG(int, streams, 1, "Concurrent streams, each pulling the whole blob.");
ABSL_FLAG(bool, verify, false,
          "Hash each stream's bytes here and count a stream whose hash differs "
          "from --digest as a failure (costs client CPU).");
ABSL_FLAG(int64_t, offset, 0, "First byte to ask for (a ranged pull).");
ABSL_FLAG(int64_t, length, 0,
          "Bytes to ask for from --offset; 0: to the end. A ranged pull that "
          "receives any other count is a failure; --verify applies only to "
          "whole blobs.");
ABSL_FLAG(int64_t, cancel_after_bytes, 0,
          "Cancel each stream once it has received this many bytes (0: "
          "never); a stream that then ends CANCELLED is not a failure.");

int main(int argc, char** argv) {
  // Without it this client, not Tributary, limited a warm pull.
  tributary::client::KeepFreedHeapForReuse();
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<tributary::oci::Digest> digest =
      tributary::oci::Digest::Parse(absl::GetFlag(FLAGS_digest));
  if (!digest.ok()) {
    std::fprintf(stderr, "--digest: %s\n", digest.status().ToString().c_str());
    return 2;
  }
  const int64_t offset = absl::GetFlag(FLAGS_offset);
  const int64_t length = absl::GetFlag(FLAGS_length);
  const int64_t cancel_after = absl::GetFlag(FLAGS_cancel_after_bytes);
  const bool ranged = offset != 0 || length != 0;
  const bool verify = absl::GetFlag(FLAGS_verify) && !ranged;
  // One connection per stream, as separate clients would have.
  std::atomic<int64_t> bytes = 0;
  std::atomic<int> failures = 0;
  std::atomic<int> cache_hits = 0;
  std::atomic<int> verified = 0;
  const int streams = absl::GetFlag(FLAGS_streams);
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < streams; ++i) {
    threads.emplace_back([&, i] {
      grpc::ChannelArguments channel_args;
      channel_args.SetInt("tributary.bench.channel", i);
      channel_args.SetMaxReceiveMessageSize(8 << 20);
      auto channel = grpc::CreateCustomChannel(
          absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials(),
          channel_args);
      tributary::v1::GetBlobRequest request;
      request.set_repository(absl::GetFlag(FLAGS_repository));
      request.set_digest(absl::GetFlag(FLAGS_digest));
      request.set_offset(offset);
      request.set_length(length);
      grpc::ClientContext context;
      // Raw reads, as the client library's DownloadBlob: no protobuf copy.
      tributary::client::RawBlobStream stream(*channel, context, request);
      tributary::client::BlobMessage message;
      tributary::oci::DigestHasher hasher(digest->algorithm());
      int64_t received = 0;
      while (stream.Next(message)) {
        if (message.descriptor.has_value() &&
            message.descriptor->cache().hit()) {
          ++cache_hits;
        }
        for (std::string_view piece : message.pieces) {
          received += static_cast<int64_t>(piece.size());
          if (verify) {
            hasher.Update(piece);
          }
        }
        if (cancel_after > 0 && received >= cancel_after) {
          context.TryCancel();
        }
      }
      const absl::Status status = stream.Finish();
      const bool cancelled = cancel_after > 0 && received >= cancel_after &&
                             status.code() == absl::StatusCode::kCancelled;
      if (cancelled) {
        // Asked for: not a failure, and nothing to verify.
      } else if (!status.ok()) {
        std::fprintf(stderr, "stream %d: %s\n", i, status.ToString().c_str());
        ++failures;
      } else if (ranged && length > 0 && received != length) {
        std::fprintf(stderr, "stream %d: %lld bytes, not the %lld asked for\n",
                     i, static_cast<long long>(received),
                     static_cast<long long>(length));
        ++failures;
      } else if (verify) {
        const tributary::oci::Digest got = hasher.Finish();
        if (got == *digest) {
          ++verified;
        } else {
          std::fprintf(stderr, "stream %d: bytes hash to %s\n", i,
                       got.str().c_str());
          ++failures;
        }
      }
      bytes += received;
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "streams=%d bytes=%lld seconds=%.3f throughput_MBps=%.1f failures=%d "
      "cache_hits=%d verified=%d\n",
      streams, static_cast<long long>(bytes.load()), seconds,
      static_cast<double>(bytes.load()) / seconds / 1e6, failures.load(),
      cache_hits.load(), verified.load());
  return failures.load() == 0 ? 0 : 1;
}
