#ifndef TRIBUTARY_CLIENT_CLI_COMMANDS_H_
#define TRIBUTARY_CLIENT_CLI_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/args.h"
#include "client/cli/output.h"
#include "client/client.h"

namespace tributary::client::cli {

// Where a command writes: results to `out`, notes and progress to `err`.
struct Console {
  std::ostream& out;
  std::ostream& err;
  // Whether `err` is a terminal: the progress bar is drawn only then.
  bool err_is_terminal = false;
  // $TRIBUTARY_ADDR, empty when unset.
  std::string addr_from_env;
};

// What a subcommand runs with. Borrowed references; lives for one command.
struct CommandContext {
  const Client& client;
  const Args& args;
  // args.positional() without the command name.
  const std::vector<std::string>& operands;
  Console& console;
  Format format;
  bool ignore_registry_host;
  // Passed to every call (--cache-mode).
  CallOptions call;
};

// A tributaryctl subcommand: its name, operands and own flags, and what it
// does. Immutable.
struct Command {
  const char* name;
  const char* synopsis;  // "manifest REF [--raw]"
  size_t min_operands;
  size_t max_operands;
  std::vector<FlagSpec> flags;
  absl::Status (*run)(const CommandContext& context);
};

// Every subcommand, in the order --help lists them.
const std::vector<Command>& Commands();

// An InvalidArgument error marked as a command-line mistake, which
// tributaryctl answers with kUsageExitCode instead of the status code.
absl::Status UsageError(const std::string& message);
bool IsUsageError(const absl::Status& status);

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_COMMANDS_H_
