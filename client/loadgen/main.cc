// tributary-loadgen: drives Tributary with many concurrent unary RPCs and
// reports throughput, latency percentiles and status codes.
//
//   tributary-loadgen --addr 127.0.0.1:50051 --duration 10s
//       --concurrency 64 GetManifest library/demo:latest   (one line)
//
// See client/README.md and docs/benchmarks.md.

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "client/loadgen/loadgen_cli.h"

int main(int argc, char** argv) {
  const char* addr = std::getenv("TRIBUTARY_ADDR");
  tributary::client::loadgen::LoadgenConsole console{
      .out = std::cout,
      .err = std::cerr,
      .addr_from_env = addr == nullptr ? "" : addr,
  };
  const int code = tributary::client::loadgen::RunLoadgen(
      std::vector<std::string>(argv + 1, argv + argc), console);
  std::cout.flush();
  return code;
}
