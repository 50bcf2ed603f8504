// Fuzz target for ValidateRegistryHost: the source registry comes from
// callers (the request's `registry`) and the config. Checks that a name it
// accepts is what the header promises (lower case, at most 255 characters,
// only the bytes of a host[:port], a port from 1 to 65535), and that a
// refusal is INVALID_ARGUMENT starting `registry "` with a message safe to
// log.
//
// Under Bazel it runs as :registry_host_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "service/oci/registry_host.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "registry_host";

bool HasUpperCase(std::string_view text) {
  for (char c : text) {
    if (absl::ascii_isupper(c)) {
      return true;
    }
  }
  return false;
}

// Only what a host[:port] is made of: no byte that could change the meaning
// of a URL, a cache key or a log line ('/', '@', '%', space, NUL, ...).
bool HasOnlyHostCharacters(std::string_view text) {
  for (char c : text) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '-' && c != ':' && c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

// The port after the host, when there is one: 1 to 65535, no leading zero.
bool HasValidPort(std::string_view text) {
  const size_t host_end =
      text.front() == '[' ? text.find(']') + 1 : text.find(':');
  if (host_end == std::string_view::npos || host_end == text.size()) {
    return true;
  }
  const std::string_view port = text.substr(host_end + 1);
  if (text[host_end] != ':' || port.empty() || port.size() > 5 ||
      port.front() == '0' || port.find(':') != std::string_view::npos) {
    return false;
  }
  return std::stoi(std::string(port)) <= 65535;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view name = tributary::fuzz::AsText(data, size);
  const absl::Status status = tributary::oci::ValidateRegistryHost(name);
  if (status.ok()) {
    Check(name.size() <= tributary::oci::kMaxRegistryHostLength, kTarget,
          "accepted a name over the length limit");
    Check(!HasUpperCase(name), kTarget, "accepted upper case");
    Check(tributary::fuzz::IsPrintableAscii(name), kTarget,
          "accepted a control or non-ASCII byte");
    Check(HasOnlyHostCharacters(name), kTarget,
          "accepted a byte that is not part of a host[:port]");
    Check(HasValidPort(name), kTarget, "accepted a bad port");
    return 0;
  }
  Check(status.code() == absl::StatusCode::kInvalidArgument, kTarget,
        "a refusal is not INVALID_ARGUMENT");
  const absl::string_view message = status.message();
  Check(absl::StartsWith(message, "registry \""), kTarget,
        "an error does not start with registry \"");
  Check(tributary::fuzz::IsPrintableAscii(
            std::string_view(message.data(), message.size())),
        kTarget, "an error message is not printable ASCII");
  return 0;
}
