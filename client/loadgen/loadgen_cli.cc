#include "client/loadgen/loadgen_cli.h"

#include <memory>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/channel.h"
#include "client/cli/args.h"
#include "client/loadgen/engine.h"
#include "client/loadgen/report.h"
#include "client/loadgen/workload.h"
#include "client/status.h"
#include "client/testing/stub_server.h"

namespace tributary::client::loadgen {
namespace {

using cli::Args;
using cli::FlagSpec;

constexpr char kDefaultAddress[] = "localhost:50051";
constexpr absl::Duration kConnectWait = absl::Seconds(5);

constexpr char kUsage[] =
    R"(Usage: tributary-loadgen [flags] RPC ARGS...
       tributary-loadgen [flags] --call "RPC ARGS" [--call "RPC ARGS"]...

Sends unary RPCs as fast as asked (callback API, one process, many calls in
flight) and reports requests/s, latency percentiles and calls by status code.
Calls are: GetManifest REF | HeadManifest REF | HeadBlob REPO DIGEST |
ListTags REPO. Several --call flags are sent round-robin (repeat one to weight
it).

Flags:
  --addr HOST:PORT     server (default $TRIBUTARY_ADDR, else localhost:50051)
  --stub-server        target an in-process stub server instead (measures the
                       load generator alone)
  --connections N      separate HTTP/2 connections (default 1)
  --concurrency N      calls in flight at most (default 32)
  --duration D         measure for D, e.g. 10s (default 10s)
  --requests N         measure exactly N calls instead of a duration
  --rate R             open loop: start R calls/s on schedule (default: closed
                       loop, each slot sends when its last call answered)
  --warmup D           send for D before measuring (default 0s)
  --timeout D          deadline of each call (default 10s)
  --json               print the report as one JSON object
  --tls, --tls-ca FILE, --tls-cert FILE, --tls-key FILE, --tls-server-name N
                       as for tributaryctl
)";

const std::vector<FlagSpec> kFlags = {
    {.name = "addr"},
    {.name = "stub-server", .takes_value = false},
    {.name = "connections"},
    {.name = "concurrency"},
    {.name = "duration"},
    {.name = "requests"},
    {.name = "rate"},
    {.name = "warmup"},
    {.name = "timeout"},
    {.name = "call"},
    {.name = "json", .takes_value = false},
    {.name = "tls", .takes_value = false},
    {.name = "tls-ca"},
    {.name = "tls-cert"},
    {.name = "tls-key"},
    {.name = "tls-server-name"},
    {.name = "help", .short_name = 'h', .takes_value = false},
};

template <class Number>
bool ParseNumber(const Args& args, const std::string& name, Number* value,
                 std::string* error) {
  if (!args.Has(name)) {
    return true;
  }
  const std::string text = args.Get(name);
  bool ok = false;
  if constexpr (std::is_same_v<Number, double>) {
    ok = absl::SimpleAtod(text, value) && *value >= 0;
  } else {
    ok = absl::SimpleAtoi(text, value) && *value >= 0;
  }
  if (!ok) {
    *error = absl::StrCat("--", name, " must be a number (0 or more), not \"",
                          text, "\"");
  }
  return ok;
}

bool ParseDurationFlag(const Args& args, const std::string& name,
                       absl::Duration* value, std::string* error) {
  if (!args.Has(name)) {
    return true;
  }
  const std::string text = args.Get(name);
  if (!absl::ParseDuration(text, value) || *value < absl::ZeroDuration()) {
    *error = absl::StrCat("--", name,
                          " must be a duration such as 10s or 500ms, not \"",
                          text, "\"");
    return false;
  }
  return true;
}

// Fills `options` and `connections` from flags; returns an error message.
std::string ParseOptions(const Args& args, LoadOptions* options,
                         int* connections) {
  std::string error;
  if (!ParseNumber(args, "connections", connections, &error) ||
      !ParseNumber(args, "concurrency", &options->concurrency, &error) ||
      !ParseNumber(args, "requests", &options->requests, &error) ||
      !ParseNumber(args, "rate", &options->rate, &error) ||
      !ParseDurationFlag(args, "duration", &options->duration, &error) ||
      !ParseDurationFlag(args, "warmup", &options->warmup, &error) ||
      !ParseDurationFlag(args, "timeout", &options->timeout, &error)) {
    return error;
  }
  if (*connections < 1 || options->concurrency < 1) {
    return "--connections and --concurrency must be at least 1";
  }
  if (options->timeout <= absl::ZeroDuration()) {
    return "--timeout must be positive";
  }
  if (options->requests == 0 && options->duration <= absl::ZeroDuration()) {
    return "--duration must be positive (or give --requests)";
  }
  return "";
}

absl::StatusOr<std::vector<CallSpec>> ParseCalls(const Args& args) {
  std::vector<std::string> texts = args.GetAll("call");
  if (!args.positional().empty()) {
    texts.push_back(absl::StrJoin(args.positional(), " "));
  }
  std::vector<CallSpec> calls;
  for (const std::string& text : texts) {
    absl::StatusOr<CallSpec> call = ParseCallSpec(text);
    if (!call.ok()) {
      return call.status();
    }
    calls.push_back(*std::move(call));
  }
  return calls;
}

ChannelOptions ChannelOptionsFrom(const Args& args,
                                  const std::string& address) {
  ChannelOptions options;
  options.address = address;
  options.tls = args.Has("tls");
  options.ca_file = args.Get("tls-ca");
  options.cert_file = args.Get("tls-cert");
  options.key_file = args.Get("tls-key");
  options.server_name = args.Get("tls-server-name");
  return options;
}

// One channel per connection: a local subchannel pool and a distinct argument
// keep gRPC from sharing one connection among them.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> Connect(
    const ChannelOptions& options, int connections) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < connections; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("tributary.loadgen.connection", i);
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        CreateChannel(options, args);
    if (!channel.ok()) {
      return channel.status();
    }
    channels.push_back(*std::move(channel));
  }
  // Connecting is not part of the measurement. A server that is not there
  // shows up in the report as UNAVAILABLE calls.
  const absl::Time deadline = absl::Now() + kConnectWait;
  for (const auto& channel : channels) {
    channel->WaitForConnected(absl::ToChronoTime(deadline));
  }
  return channels;
}

int Fail(LoadgenConsole& console, const absl::Status& status) {
  console.err << "tributary-loadgen: " << OneLine(status) << "\n";
  return ExitCodeFor(status);
}

int UsageFailure(LoadgenConsole& console, const std::string& message) {
  console.err << "tributary-loadgen: " << message
              << " (see tributary-loadgen --help)\n";
  return kUsageExitCode;
}

}  // namespace

int RunLoadgen(const std::vector<std::string>& args_text,
               LoadgenConsole& console) {
  absl::StatusOr<Args> args = Args::Parse(args_text, kFlags);
  if (!args.ok()) {
    return UsageFailure(console, std::string(args.status().message()));
  }
  if (args->Has("help")) {
    console.out << kUsage;
    return 0;
  }
  absl::StatusOr<std::vector<CallSpec>> calls = ParseCalls(*args);
  if (!calls.ok()) {
    return UsageFailure(console, std::string(calls.status().message()));
  }
  if (calls->empty()) {
    return UsageFailure(console, "no call given");
  }
  RunDescription run;
  for (const CallSpec& call : *calls) {
    run.calls.push_back(call.text);
  }
  if (std::string error = ParseOptions(*args, &run.options, &run.connections);
      !error.empty()) {
    return UsageFailure(console, error);
  }
  std::unique_ptr<StubServer> stub;
  std::string address =
      args->Get("addr", console.addr_from_env.empty() ? kDefaultAddress
                                                      : console.addr_from_env);
  run.target = address;
  if (args->Has("stub-server")) {
    absl::StatusOr<std::unique_ptr<StubServer>> started = StubServer::Start();
    if (!started.ok()) {
      return Fail(console, started.status());
    }
    stub = *std::move(started);
    address = stub->address();
    run.target = absl::StrCat("in-process stub server ", address);
    run.in_process_server = true;
  }
  auto channels = Connect(ChannelOptionsFrom(*args, address), run.connections);
  if (!channels.ok()) {
    return Fail(console, channels.status());
  }
  absl::StatusOr<LoadResult> result = RunLoad(*channels, *calls, run.options);
  if (!result.ok()) {
    return Fail(console, result.status());
  }
  if (args->Has("json")) {
    console.out << JsonReport(run, *result).dump() << "\n";
  } else {
    console.out << TextReport(run, *result);
  }
  return 0;
}

}  // namespace tributary::client::loadgen
