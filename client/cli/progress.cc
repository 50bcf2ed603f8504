#include "client/cli/progress.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace tributary::client::cli {
namespace {

constexpr int kBarWidth = 20;
constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);

}  // namespace

std::string HumanBytes(int64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) {
    return absl::StrFormat("%d B", bytes);
  }
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string RenderProgress(int64_t received, int64_t total) {
  if (total <= 0) {
    return HumanBytes(received);
  }
  const double fraction = std::clamp(
      static_cast<double>(received) / static_cast<double>(total), 0.0, 1.0);
  const int filled = static_cast<int>(fraction * kBarWidth);
  return absl::StrFormat("[%s%s] %3d%%  %s / %s", std::string(filled, '#'),
                         std::string(kBarWidth - filled, ' '),
                         static_cast<int>(fraction * 100), HumanBytes(received),
                         HumanBytes(total));
}

void ProgressBar::Update(int64_t received, int64_t total) {
  received_ = received;
  total_ = total;
  if (!enabled_) {
    return;
  }
  const absl::Time now = absl::Now();
  if (now - last_draw_ < kRedrawInterval) {
    return;
  }
  last_draw_ = now;
  drawn_ = true;
  // "\x1b[K" clears what a longer previous line left behind.
  out_ << "\r" << RenderProgress(received_, total_) << "\x1b[K" << std::flush;
}

void ProgressBar::Finish() {
  if (!enabled_ || !drawn_) {
    return;
  }
  out_ << "\r" << RenderProgress(received_, total_) << "\x1b[K\n" << std::flush;
}

}  // namespace tributary::client::cli
