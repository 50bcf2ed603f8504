#ifndef TRIBUTARY_CLIENT_CLI_PROGRESS_H_
#define TRIBUTARY_CLIENT_CLI_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/time/time.h"

namespace tributary::client::cli {

// One progress line, e.g. "[##########          ]  50%  1.5 MiB / 3.0 MiB".
// A `total` of 0 or less shows the byte count alone.
std::string RenderProgress(int64_t received, int64_t total);

// "512 B", "1.5 KiB", "3.0 MiB", "1.2 GiB".
std::string HumanBytes(int64_t bytes);

// A progress bar redrawn in place on a terminal ('\r'), at most every 100 ms
// plus once at the end. Silent when `enabled` is false (output piped). Not
// thread-safe.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}

  void Update(int64_t received, int64_t total);
  // Draws the final state and ends the line, if anything was drawn.
  void Finish();

 private:
  std::ostream& out_;
  const bool enabled_;
  bool drawn_ = false;
  absl::Time last_draw_ = absl::InfinitePast();
  int64_t received_ = 0;
  int64_t total_ = 0;
};

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_PROGRESS_H_
