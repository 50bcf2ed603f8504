// What it costs this machine's kernel to send a page-cached file over loopback
// TCP, by the ways a warm blob read could take (issue 13 asked whether an
// mmap-backed slice beats pread into a pooled buffer): the sending thread's
// CPU-seconds per GiB, nothing of gRPC or Tributary in the way.
//
//   bazel run -c opt //bench:file_send_probe -- FILE [CHUNK_BYTES] [ROUNDS]
//
// Ways: pread into one reused buffer then send; mmap of each chunk then send
// then munmap; the same with MAP_POPULATE; one mapping of the whole file.
// A reader thread drains the socket. Warm the page cache first (cat FILE).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

double ThreadCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
             1e6;
}

bool SendAll(int socket, const char* bytes, size_t size) {
  while (size > 0) {
    const ssize_t sent = send(socket, bytes, size, 0);
    if (sent <= 0) {
      perror("send");
      return false;
    }
    bytes += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

// A connected loopback pair whose far end a thread drains.
struct Sink {
  int sender = -1;
  std::thread reader;
};

Sink Connect() {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    perror("listen");
    std::exit(1);
  }
  Sink sink;
  sink.reader = std::thread([address] {
    const int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, reinterpret_cast<const sockaddr*>(&address),
                sizeof address) != 0) {
      perror("connect");
      std::exit(1);
    }
    std::vector<char> buffer(1 << 20);
    while (read(client, buffer.data(), buffer.size()) > 0) {
    }
    close(client);
  });
  sink.sender = accept(listener, nullptr, nullptr);
  close(listener);
  return sink;
}

// Sends the file one way; the sending thread's CPU-seconds.
double SendFile(const std::string& way, int file, size_t size, size_t chunk) {
  Sink sink = Connect();
  std::vector<char> buffer(chunk);
  const double start = ThreadCpuSeconds();
  const char* whole = nullptr;
  if (way == "whole_mapping") {
    void* mapped = mmap(nullptr, size, PROT_READ, MAP_SHARED, file, 0);
    if (mapped == MAP_FAILED) {
      perror("mmap");
      std::exit(1);
    }
    madvise(mapped, size, MADV_SEQUENTIAL);
    whole = static_cast<const char*>(mapped);
  }
  for (size_t offset = 0; offset < size; offset += chunk) {
    const size_t bytes = std::min(chunk, size - offset);
    if (whole != nullptr) {
      if (!SendAll(sink.sender, whole + offset, bytes)) std::exit(1);
    } else if (way == "pread") {
      if (pread(file, buffer.data(), bytes, static_cast<off_t>(offset)) !=
          static_cast<ssize_t>(bytes)) {
        perror("pread");
        std::exit(1);
      }
      if (!SendAll(sink.sender, buffer.data(), bytes)) std::exit(1);
    } else {
      const int flags =
          MAP_SHARED | (way == "mmap_populate" ? MAP_POPULATE : 0);
      void* mapped = mmap(nullptr, bytes, PROT_READ, flags, file,
                          static_cast<off_t>(offset));
      if (mapped == MAP_FAILED) {
        perror("mmap");
        std::exit(1);
      }
      if (!SendAll(sink.sender, static_cast<const char*>(mapped), bytes)) {
        std::exit(1);
      }
      munmap(mapped, bytes);
    }
  }
  const double seconds = ThreadCpuSeconds() - start;
  if (whole != nullptr) {
    munmap(const_cast<char*>(whole), size);
  }
  close(sink.sender);
  sink.reader.join();
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: file_send_probe FILE [CHUNK_BYTES] [ROUNDS]\n");
    return 2;
  }
  const size_t chunk = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1 << 20;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const int file = open(argv[1], O_RDONLY);
  struct stat info {};
  if (file < 0 || fstat(file, &info) != 0 || info.st_size == 0 || chunk == 0) {
    std::fprintf(stderr, "file_send_probe: cannot read %s\n", argv[1]);
    return 1;
  }
  const auto size = static_cast<size_t>(info.st_size);
  const double gib = static_cast<double>(size) / (1 << 30);
  std::printf("# %zu-byte chunks, %.2f GiB, %d rounds, ways interleaved\n",
              chunk, gib, rounds);
  for (int round = 1; round <= rounds; ++round) {
    for (const char* way :
         {"pread", "mmap_per_chunk", "mmap_populate", "whole_mapping"}) {
      std::printf("round %d %-15s %.3f CPU-s/GiB (sending thread)\n", round,
                  way, SendFile(way, file, size, chunk) / gib);
      std::fflush(stdout);
    }
  }
  close(file);
  return 0;
}
