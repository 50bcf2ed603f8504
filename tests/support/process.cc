#include "tests/support/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace tributary::testing {
namespace {

// Exit code reported when the real one is unknowable.
constexpr int kUnknownExitCode = -1;

// Most of a failed command's output worth putting into an error message.
constexpr size_t kMaxOutputInError = 4096;

// Closes a file descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { Reset(); }

  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_;
};

absl::Status ErrnoError(absl::string_view what, int err) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(err)));
}

std::string Tail(const std::string& text) {
  if (text.size() <= kMaxOutputInError) {
    return text;
  }
  return absl::StrCat("...", text.substr(text.size() - kMaxOutputInError));
}

// Our environment with `overrides` applied, as "NAME=value" strings.
std::vector<std::string> MergedEnvironment(const EnvOverrides& overrides) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    absl::string_view line(*entry);
    absl::string_view name = line.substr(0, line.find('='));
    bool overridden = std::any_of(
        overrides.begin(), overrides.end(),
        [name](const auto& override) { return override.first == name; });
    if (!overridden) {
      merged.emplace_back(line);
    }
  }
  for (const auto& [name, value] : overrides) {
    merged.push_back(absl::StrCat(name, "=", value));
  }
  return merged;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) {
    pointers.push_back(s.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Forks and execs argv in a new process group with stdin from /dev/null and
// stdout+stderr on `output_fd`. Everything the child needs is prepared before
// fork(): between fork and exec only async-signal-safe calls are allowed.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const EnvOverrides& env, int output_fd) {
  if (argv.empty()) {
    return absl::InvalidArgumentError("empty argv");
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env_strings = MergedEnvironment(env);
  std::vector<char*> arg_ptrs = NullTerminated(args);
  std::vector<char*> env_ptrs = NullTerminated(env_strings);

  ScopedFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) {
    return ErrnoError("open /dev/null", errno);
  }
  // The child reports a failed exec through this pipe; a successful exec
  // closes it (O_CLOEXEC), so the parent reads EOF.
  int exec_error_pipe[2];
  if (pipe2(exec_error_pipe, O_CLOEXEC) != 0) {
    return ErrnoError("pipe2", errno);
  }
  ScopedFd error_read(exec_error_pipe[0]);
  ScopedFd error_write(exec_error_pipe[1]);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    return ErrnoError("fork", errno);
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(126);  // The parent died before prctl took effect.
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(dev_null.get(), STDIN_FILENO) < 0 ||
        dup2(output_fd, STDOUT_FILENO) < 0 ||
        dup2(output_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    execvpe(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    int err = errno;
    ssize_t ignored = write(error_write.get(), &err, sizeof(err));
    (void)ignored;
    _exit(127);
  }
  // Also set the group here so a kill(-pid) right after Spawn cannot miss.
  setpgid(pid, pid);
  error_write.Reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(error_read.get(), &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    waitpid(pid, nullptr, 0);
    absl::Status status =
        ErrnoError(absl::StrCat("exec ", argv[0]), child_errno);
    if (child_errno == ENOENT) {
      return absl::NotFoundError(status.message());
    }
    return status;
  }
  return pid;
}

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return WEXITSTATUS(wait_status);
  }
  if (WIFSIGNALED(wait_status)) {
    return 128 + WTERMSIG(wait_status);
  }
  return kUnknownExitCode;
}

// Reaps `pid` if it has exited by `deadline` and returns its exit code;
// nullopt when it is still running at the deadline.
std::optional<int> ReapBy(pid_t pid, absl::Time deadline) {
  while (true) {
    int wait_status = 0;
    pid_t reaped = waitpid(pid, &wait_status, WNOHANG);
    if (reaped == pid) {
      return ExitCodeOf(wait_status);
    }
    if (reaped < 0 && errno != EINTR) {
      // ECHILD: reaped elsewhere (e.g. SIGCHLD set to SIG_IGN); it is gone.
      return kUnknownExitCode;
    }
    if (absl::Now() >= deadline) {
      return std::nullopt;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void KillGroupAndReap(pid_t pid) {
  kill(-pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Reads `fd` to EOF into `output`; false if `deadline` passed first.
bool DrainUntil(int fd, absl::Time deadline, std::string& output) {
  char buffer[8192];
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return false;
    }
    pollfd pfd{fd, POLLIN, 0};
    int ready =
        poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;  // Timeout: the deadline check above ends the loop.
    }
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return true;
    }
    output.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

std::string FormatArgv(const std::vector<std::string>& argv) {
  std::vector<std::string> quoted;
  for (const std::string& arg : argv) {
    bool plain =
        !arg.empty() && arg.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789-_./:=@,+%") == std::string::npos;
    quoted.push_back(plain ? arg : absl::StrCat("'", arg, "'"));
  }
  return absl::StrJoin(quoted, " ");
}

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  return RunCommandWithEnv(argv, {}, timeout);
}

absl::StatusOr<CommandResult> RunCommandWithEnv(
    const std::vector<std::string>& argv, const EnvOverrides& env,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int output_pipe[2];
  if (pipe2(output_pipe, O_CLOEXEC) != 0) {
    return ErrnoError("pipe2", errno);
  }
  ScopedFd output_read(output_pipe[0]);
  ScopedFd output_write(output_pipe[1]);
  absl::StatusOr<pid_t> pid = Spawn(argv, env, output_write.get());
  if (!pid.ok()) {
    return pid.status();
  }
  output_write.Reset();

  CommandResult result;
  // A grandchild that keeps the pipe open delays EOF; the deadline covers it.
  bool drained = DrainUntil(output_read.get(), deadline, result.output);
  std::optional<int> exit_code;
  if (drained) {
    exit_code = ReapBy(*pid, deadline);
  }
  if (!exit_code.has_value()) {
    KillGroupAndReap(*pid);
    return absl::DeadlineExceededError(
        absl::StrCat("`", FormatArgv(argv), "` still running after ",
                     absl::FormatDuration(timeout),
                     "; killed. Output: ", Tail(result.output)));
  }
  result.exit_code = *exit_code;
  return result;
}

absl::StatusOr<ChildProcess> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  ScopedFd log(
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.get() < 0) {
    return ErrnoError(absl::StrCat("open ", log_path), errno);
  }
  absl::StatusOr<pid_t> pid = Spawn(argv, {}, log.get());
  if (!pid.ok()) {
    return pid.status();
  }
  return ChildProcess(*pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::HasExited() {
  if (pid_ < 0) {
    return true;
  }
  if (ReapBy(pid_, absl::InfinitePast()).has_value()) {
    pid_ = -1;
    return true;
  }
  return false;
}

int ChildProcess::Stop(absl::Duration grace) {
  if (pid_ < 0) {
    return kUnknownExitCode;
  }
  kill(-pid_, SIGTERM);
  std::optional<int> exit_code = ReapBy(pid_, absl::Now() + grace);
  if (!exit_code.has_value()) {
    KillGroupAndReap(pid_);
    exit_code = 128 + SIGKILL;
  }
  pid_ = -1;
  return *exit_code;
}

}  // namespace tributary::testing
