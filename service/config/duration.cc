#include "service/config/duration.h"

#include <algorithm>
#include <cstdint>

namespace tributary::config {

absl::Duration ToAbslDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) +
         absl::Nanoseconds(duration.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration duration) {
  duration = absl::Trunc(duration, absl::Nanoseconds(1));
  duration = std::clamp(duration, -kMaxProtoDuration, kMaxProtoDuration);
  absl::Duration remainder;
  const int64_t seconds =
      absl::IDivDuration(duration, absl::Seconds(1), &remainder);
  google::protobuf::Duration proto;
  proto.set_seconds(seconds);
  // Seconds and nanos share the sign, as the proto requires.
  proto.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(remainder)));
  return proto;
}

}  // namespace tributary::config
