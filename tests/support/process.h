#ifndef TRIBUTARY_TESTS_SUPPORT_PROCESS_H_
#define TRIBUTARY_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tributary::testing {

// What a finished command left behind. `exit_code` is the exit status, or
// 128 + signal number when a signal ended it (the shell convention), or -1 if
// someone else reaped the child (SIGCHLD set to SIG_IGN).
struct CommandResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr, interleaved as written.
};

// Environment variables set (or overridden) for a child on top of ours.
using EnvOverrides = std::vector<std::pair<std::string, std::string>>;

// Runs argv[0] (looked up on PATH; no shell, so arguments need no quoting) with
// stdin from /dev/null, capturing stdout and stderr. A command still running at
// `timeout` is SIGKILLed with its process group and DeadlineExceededError is
// returned with what it printed so far. A program that cannot be executed is
// NotFoundError / InternalError, not an exit code. Thread-safe.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout);
absl::StatusOr<CommandResult> RunCommandWithEnv(
    const std::vector<std::string>& argv, const EnvOverrides& env,
    absl::Duration timeout);

// Renders argv for error messages: `a b 'c d'`. Not for passing to a shell.
std::string FormatArgv(const std::vector<std::string>& argv);

// A child process running in its own process group, for daemons such as a
// registry. The child gets SIGKILL if the thread that started it exits
// (PR_SET_PDEATHSIG), so a crashed test cannot leak it. Not thread-safe; the
// destructor stops the child (see Stop).
class ChildProcess {
 public:
  // Starts argv with stdout and stderr appended to `log_path`.
  static absl::StatusOr<ChildProcess> Start(
      const std::vector<std::string>& argv, const std::string& log_path);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // True once the child has exited (it is then reaped).
  bool HasExited();

  // SIGTERM to the process group, SIGKILL after `grace`, then reaps it.
  // Idempotent.
  // Returns the exit code (128 + signal when a signal ended it, -1 when it was
  // already reaped).
  int Stop(absl::Duration grace = absl::Seconds(5));

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_ = -1;  // -1 once reaped or moved from.
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_PROCESS_H_
