// tributaryctl: the operator's command line for Tributary.
//
//   tributaryctl --addr localhost:50051 manifest library/alpine:3.20
//
// See client/README.md for every command, the exit codes and how image
// references are read.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "client/cli/tributaryctl.h"
#include "client/heap_reuse.h"

int main(int argc, char** argv) {
  // pull-blob receives blobs of any size.
  tributary::client::KeepFreedHeapForReuse();
  const char* addr = std::getenv("TRIBUTARY_ADDR");
  tributary::client::cli::Console console{
      .out = std::cout,
      .err = std::cerr,
      .err_is_terminal = isatty(STDERR_FILENO) == 1,
      .addr_from_env = addr == nullptr ? "" : addr,
  };
  const int code = tributary::client::cli::RunTributaryctl(
      std::vector<std::string>(argv + 1, argv + argc), console);
  std::cout.flush();
  return code;
}
