#ifndef TRIBUTARY_SERVICE_CONFIG_DURATION_H_
#define TRIBUTARY_SERVICE_CONFIG_DURATION_H_

// Conversions between google.protobuf.Duration (the config schema's type) and
// absl::Duration (what the code computes with).

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"

namespace tributary::config {

// The largest magnitude google.protobuf.Duration allows: about 10,000 years.
inline constexpr absl::Duration kMaxProtoDuration =
    absl::Seconds(315'576'000'000);

// Exact for every valid proto Duration.
absl::Duration ToAbslDuration(const google::protobuf::Duration& duration);

// Truncates below nanoseconds; clamps to +/-kMaxProtoDuration.
google::protobuf::Duration ToProtoDuration(absl::Duration duration);

}  // namespace tributary::config

#endif  // TRIBUTARY_SERVICE_CONFIG_DURATION_H_
