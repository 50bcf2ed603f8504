#ifndef TRIBUTARY_BENCH_SOAK_EXPECTATIONS_H_
#define TRIBUTARY_BENCH_SOAK_EXPECTATIONS_H_

// Which outcomes of a soak call an injected fault or the caller itself
// explains, and which are defects. Pure.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "bench/soak_catalog.h"

namespace tributary::bench {

enum class Operation {
  kGetManifestByTag,
  kGetManifestByDigest,
  kHeadManifest,
  kHeadBlob,
  kListTags,
  kGetBlob,
};
inline constexpr int kOperationCount = 6;

// "GetManifest(tag)", "HeadBlob", ...
absl::string_view OperationName(Operation operation);

// What the worker itself did to the call.
enum class WorkerAction {
  kNone,
  kShortDeadline,    // a deadline of a few milliseconds to a second
  kCancelMidStream,  // GetBlob: the worker cancels after some bytes
  kStallReading,     // GetBlob: the worker stops reading for longer than
                     // the server's limits.blob_write_stall
  kReadSlowly,       // GetBlob: the worker pauses after every 256 KiB; no
                     // error is expected of it
};

// One call as the classification needs it. Plain value type.
struct CallShape {
  Operation operation = Operation::kGetManifestByTag;
  RepositoryKind kind;
  WorkerAction action = WorkerAction::kNone;
  // Asks for content no upstream has (a made-up tag or digest).
  bool missing = false;
};

// Whether a call of `shape` ending with `code` is what the soak predicts:
//   - OK, unless the content is missing;
//   - NOT_FOUND for missing content;
//   - DEADLINE_EXCEEDED after a short deadline, CANCELLED after the worker
//     cancelled or stalled;
//   - for content only on the fault upstream, the codes its fault produces:
//     resets and 503s UNAVAILABLE; 429s RESOURCE_EXHAUSTED or UNAVAILABLE
//     (the circuit opened); hangs DEADLINE_EXCEEDED or UNAVAILABLE; wrong
//     digests DATA_LOSS, for manifest and blob bodies only (HEADs and tag
//     lists are served honestly);
//   - for content the fault upstream has first and a healthy one next, OK
//     only, except GetBlob from a wrong-digest upstream: its bytes went out
//     before the digest could fail, so DATA_LOSS (never a complete wrong
//     blob).
// Anything else is unexpected: a defect to look at.
bool IsExpected(const CallShape& shape, absl::StatusCode code);

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_SOAK_EXPECTATIONS_H_
