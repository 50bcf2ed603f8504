#include "client/cli/tributaryctl.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/status.h"

namespace tributary::client::cli {
namespace {

constexpr char kDefaultAddress[] = "localhost:50051";

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec>* const flags = new std::vector<FlagSpec>{
      {.name = "addr"},
      {.name = "timeout"},
      {.name = "output"},
      {.name = "cache-mode"},
      {.name = "tls", .takes_value = false},
      {.name = "tls-ca"},
      {.name = "tls-cert"},
      {.name = "tls-key"},
      {.name = "tls-server-name"},
      {.name = "ignore-registry-host", .takes_value = false},
      {.name = "help", .short_name = 'h', .takes_value = false},
  };
  return *flags;
}

std::string UsageText() {
  std::string text =
      "Usage: tributaryctl [global flags] COMMAND [operands] [flags]\n"
      "\n"
      "Commands (REF is an image reference: alpine, library/alpine:3.20,\n"
      "org/app@sha256:...):\n";
  for (const Command& command : Commands()) {
    absl::StrAppend(&text, "  ", command.synopsis, "\n");
  }
  absl::StrAppend(
      &text,
      "\n"
      "Global flags:\n"
      "  --addr HOST:PORT        server (default $TRIBUTARY_ADDR, else ",
      kDefaultAddress,
      ")\n"
      "  --timeout DURATION      deadline of each call, e.g. 10s (default "
      "30s)\n"
      "  --output text|json      result format (default text)\n"
      "  --cache-mode default|refresh|only-if-cached\n"
      "                          refresh: skip the cache; only-if-cached:\n"
      "                          never ask upstreams (exit 9 if not cached)\n"
      "  --tls                   use TLS with the system roots\n"
      "  --tls-ca FILE           use TLS, verify the server with these roots\n"
      "  --tls-cert FILE --tls-key FILE   client certificate (mutual TLS)\n"
      "  --tls-server-name NAME  name to verify in the server certificate\n"
      "  --ignore-registry-host  drop a registry host (ghcr.io/...) and ask\n"
      "                          the server's default registry instead\n"
      "\n"
      "Exit codes: 0 success; 1-16 the gRPC status code of a failed call\n"
      "(3 INVALID_ARGUMENT, 4 DEADLINE_EXCEEDED, 5 NOT_FOUND,\n"
      "9 FAILED_PRECONDITION, 14 UNAVAILABLE, 15 DATA_LOSS, ...); 64 a bad\n"
      "command line.\n");
  return text;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& command : Commands()) {
    if (name == command.name) {
      return &command;
    }
  }
  return nullptr;
}

// Every flag: global ones and every command's, so flags parse anywhere.
std::vector<FlagSpec> AllFlags() {
  std::vector<FlagSpec> all = GlobalFlags();
  for (const Command& command : Commands()) {
    for (const FlagSpec& flag : command.flags) {
      if (std::none_of(all.begin(), all.end(), [&](const FlagSpec& known) {
            return known.name == flag.name;
          })) {
        all.push_back(flag);
      }
    }
  }
  return all;
}

bool Declares(const std::vector<FlagSpec>& specs, const std::string& name) {
  return std::any_of(specs.begin(), specs.end(),
                     [&](const FlagSpec& spec) { return spec.name == name; });
}

absl::Status CheckCommandLine(const Command& command, const Args& args) {
  for (const std::string& name : args.names()) {
    if (!Declares(GlobalFlags(), name) && !Declares(command.flags, name)) {
      return UsageError(
          absl::StrCat("flag --", name, " does not apply to ", command.name));
    }
  }
  const size_t operands = args.positional().size() - 1;
  if (operands < command.min_operands || operands > command.max_operands) {
    return UsageError(
        absl::StrCat("usage: tributaryctl ",
                     std::string(command.synopsis)
                         .substr(0, std::string(command.synopsis).find('\n'))));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> Timeout(const Args& args) {
  absl::Duration timeout = Client::kDefaultTimeout;
  const std::string text = args.Get("timeout");
  if (!text.empty() && (!absl::ParseDuration(text, &timeout) ||
                        timeout <= absl::ZeroDuration())) {
    return UsageError(absl::StrCat(
        "--timeout must be a positive duration such as 10s or 500ms, not \"",
        text, "\""));
  }
  return timeout;
}

// --cache-mode; absent leaves each request's cache_mode unset (default).
absl::StatusOr<std::optional<v1::CacheMode>> CacheModeFlag(const Args& args) {
  if (!args.Has("cache-mode")) {
    return std::nullopt;
  }
  const std::string text = args.Get("cache-mode");
  if (text == "default") {
    return v1::CACHE_MODE_UNSPECIFIED;
  }
  if (text == "refresh") {
    return v1::CACHE_MODE_REFRESH;
  }
  if (text == "only-if-cached") {
    return v1::CACHE_MODE_ONLY_IF_CACHED;
  }
  return UsageError(absl::StrCat(
      "--cache-mode must be \"default\", \"refresh\" or \"only-if-cached\", "
      "not \"",
      text, "\""));
}

ChannelOptions ChannelOptionsFrom(const Args& args, const Console& console) {
  ChannelOptions options;
  options.address =
      args.Get("addr", console.addr_from_env.empty() ? kDefaultAddress
                                                     : console.addr_from_env);
  options.tls = args.Has("tls");
  options.ca_file = args.Get("tls-ca");
  options.cert_file = args.Get("tls-cert");
  options.key_file = args.Get("tls-key");
  options.server_name = args.Get("tls-server-name");
  return options;
}

absl::Status Run(const Args& args, Console& console) {
  if (args.Has("help") || args.positional().empty()) {
    if (!args.Has("help")) {
      return UsageError("no command given (see tributaryctl --help)");
    }
    console.out << UsageText();
    return absl::OkStatus();
  }
  const Command* command = FindCommand(args.positional()[0]);
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command \"", args.positional()[0],
                                   "\" (see tributaryctl --help)"));
  }
  if (absl::Status valid = CheckCommandLine(*command, args); !valid.ok()) {
    return valid;
  }
  absl::StatusOr<Format> format = ParseFormat(args.Get("output", "text"));
  if (!format.ok()) {
    return UsageError(std::string(format.status().message()));
  }
  absl::StatusOr<absl::Duration> timeout = Timeout(args);
  if (!timeout.ok()) {
    return timeout.status();
  }
  absl::StatusOr<std::optional<v1::CacheMode>> cache_mode = CacheModeFlag(args);
  if (!cache_mode.ok()) {
    return cache_mode.status();
  }
  absl::StatusOr<std::unique_ptr<Client>> client =
      Client::Create(ChannelOptionsFrom(args, console), *timeout);
  if (!client.ok()) {
    return client.status();
  }
  const std::vector<std::string> operands(args.positional().begin() + 1,
                                          args.positional().end());
  return command->run(CommandContext{
      .client = **client,
      .args = args,
      .operands = operands,
      .console = console,
      .format = *format,
      .ignore_registry_host = args.Has("ignore-registry-host"),
      .call = {.cache_mode = *cache_mode},
  });
}

}  // namespace

int RunTributaryctl(const std::vector<std::string>& args, Console& console) {
  absl::StatusOr<Args> parsed = Args::Parse(args, AllFlags());
  absl::Status status =
      parsed.ok() ? Run(*parsed, console)
                  : UsageError(std::string(parsed.status().message()));
  if (status.ok()) {
    return 0;
  }
  if (IsUsageError(status)) {
    console.err << "tributaryctl: " << status.message() << "\n";
    return kUsageExitCode;
  }
  console.err << "tributaryctl: " << OneLine(status) << "\n";
  return ExitCodeFor(status);
}

}  // namespace tributary::client::cli
