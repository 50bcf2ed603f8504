// Fuzz target for ParseConfig (the service's YAML config, from text). Checks
// that any text gives a config or an INVALID_ARGUMENT naming the source, and
// that an accepted config, written out as proto JSON (which is YAML) and
// parsed again, gives the same config: defaults and validation are stable.
//
// Under Bazel it runs as :config_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "service/config/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "config";
constexpr char kSource[] = "fuzz.yaml";

std::string ToJson(const tributary::v1::Config& config) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  Check(
      google::protobuf::util::MessageToJsonString(config, &json, options).ok(),
      kTarget, "an accepted config cannot be written as JSON");
  return json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::config::ParseConfig;
  const std::string_view yaml = tributary::fuzz::AsText(data, size);
  const absl::StatusOr<tributary::v1::Config> config =
      ParseConfig(yaml, kSource);
  if (!config.ok()) {
    Check(config.status().code() == absl::StatusCode::kInvalidArgument, kTarget,
          "a refusal is not INVALID_ARGUMENT");
    Check(absl::StartsWith(config.status().message(), kSource), kTarget,
          "an error does not start with the source name");
    return 0;
  }
  const std::string json = ToJson(*config);
  const absl::StatusOr<tributary::v1::Config> again =
      ParseConfig(json, kSource);
  Check(again.ok(), kTarget, "an accepted config written out is refused");
  Check(google::protobuf::util::MessageDifferencer::Equals(*config, *again),
        kTarget, "an accepted config written out parses differently");
  return 0;
}
