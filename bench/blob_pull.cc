// Pulls one blob through Tributary's GetBlob on N concurrent streams and throws
// the bytes away; prints the throughput. Used by bench/blob_bench.sh.
//
//   blob_pull --addr 127.0.0.1:50051 --repository bench/blob \
//             --digest sha256:... --streams 1

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "tributary/v1/resolver.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "Tributary's gRPC address.");
ABSL_FLAG(std::string, repository, "", "Repository of the blob.");
ABSL_FLAG(std::string, digest, "", "Digest of the blob.");
ABSL_FLAG(int, streams, 1, "Concurrent streams, each pulling the whole blob.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // One connection per stream, as separate clients would have.
  std::atomic<int64_t> bytes = 0;
  std::atomic<int> failures = 0;
  const int streams = absl::GetFlag(FLAGS_streams);
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < streams; ++i) {
    threads.emplace_back([&, i] {
      grpc::ChannelArguments channel_args;
      channel_args.SetInt("tributary.bench.channel", i);
      channel_args.SetMaxReceiveMessageSize(8 << 20);
      auto stub =
          tributary::v1::ResolverService::NewStub(grpc::CreateCustomChannel(
              absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials(),
              channel_args));
      tributary::v1::GetBlobRequest request;
      request.set_repository(absl::GetFlag(FLAGS_repository));
      request.set_digest(absl::GetFlag(FLAGS_digest));
      grpc::ClientContext context;
      auto reader = stub->GetBlob(&context, request);
      tributary::v1::GetBlobResponse message;
      int64_t received = 0;
      while (reader->Read(&message)) {
        received += static_cast<int64_t>(message.chunk().size());
      }
      grpc::Status status = reader->Finish();
      if (!status.ok()) {
        std::fprintf(stderr, "stream %d: %s\n", i,
                     status.error_message().c_str());
        ++failures;
      }
      bytes += received;
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "streams=%d bytes=%lld seconds=%.3f throughput_MBps=%.1f failures=%d\n",
      streams, static_cast<long long>(bytes.load()), seconds,
      static_cast<double>(bytes.load()) / seconds / 1e6, failures.load());
  return failures.load() == 0 ? 0 : 1;
}
