#ifndef TRIBUTARY_CLIENT_LOADGEN_LOADGEN_CLI_H_
#define TRIBUTARY_CLIENT_LOADGEN_LOADGEN_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace tributary::client::loadgen {

// Where tributary-loadgen writes: the report to `out`, errors to `err`.
struct LoadgenConsole {
  std::ostream& out;
  std::ostream& err;
  // $TRIBUTARY_ADDR, empty when unset.
  std::string addr_from_env;
};

// Runs tributary-loadgen with `args` (without the program name): parses the
// flags, optionally starts the in-process stub server, runs the load and
// prints the report. Returns 0 when the run completed (whatever the calls
// answered; the report counts them), kUsageExitCode for a bad command line,
// else the status code number of what stopped it. Blocks for the run.
int RunLoadgen(const std::vector<std::string>& args, LoadgenConsole& console);

}  // namespace tributary::client::loadgen

#endif  // TRIBUTARY_CLIENT_LOADGEN_LOADGEN_CLI_H_
