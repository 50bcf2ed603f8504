#ifndef TRIBUTARY_CLIENT_CLI_TRIBUTARYCTL_H_
#define TRIBUTARY_CLIENT_CLI_TRIBUTARYCTL_H_

#include <string>
#include <vector>

#include "client/cli/commands.h"

namespace tributary::client::cli {

// Runs tributaryctl with `args` (without the program name) and returns its
// exit code: 0 on success, the gRPC status code number (1..16) of a failed
// call, kUsageExitCode for a bad command line. Errors go to console.err as one
// line starting "tributaryctl: ". Thread-compatible; main() and the tests both
// call it.
int RunTributaryctl(const std::vector<std::string>& args, Console& console);

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_TRIBUTARYCTL_H_
