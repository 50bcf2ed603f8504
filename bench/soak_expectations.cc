#include "bench/soak_expectations.h"

namespace tributary::bench {
namespace {

using Code = absl::StatusCode;

bool ReadsABody(Operation operation) {
  return operation == Operation::kGetManifestByTag ||
         operation == Operation::kGetManifestByDigest ||
         operation == Operation::kGetBlob;
}

// The failures the fault upstream's `mode` causes when no healthy upstream
// has the content.
bool ExplainedByFault(FaultMode mode, Operation operation, Code code) {
  switch (mode) {
    case FaultMode::kNone:
      return false;
    case FaultMode::kReset:
    case FaultMode::kUnavailable:
      return code == Code::kUnavailable;
    case FaultMode::kRateLimited:
      return code == Code::kResourceExhausted || code == Code::kUnavailable;
    case FaultMode::kHang:
      return code == Code::kDeadlineExceeded || code == Code::kUnavailable;
    case FaultMode::kWrongDigest:
      return ReadsABody(operation) && code == Code::kDataLoss;
  }
  return false;
}

bool ExplainedByWorker(WorkerAction action, Code code) {
  switch (action) {
    case WorkerAction::kNone:
    case WorkerAction::kReadSlowly:
      return false;
    case WorkerAction::kShortDeadline:
      return code == Code::kDeadlineExceeded;
    case WorkerAction::kCancelMidStream:
    case WorkerAction::kStallReading:
      return code == Code::kCancelled;
  }
  return false;
}

}  // namespace

absl::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kGetManifestByTag:
      return "GetManifest(tag)";
    case Operation::kGetManifestByDigest:
      return "GetManifest(digest)";
    case Operation::kHeadManifest:
      return "HeadManifest";
    case Operation::kHeadBlob:
      return "HeadBlob";
    case Operation::kListTags:
      return "ListTags";
    case Operation::kGetBlob:
      return "GetBlob";
  }
  return "?";
}

bool IsExpected(const CallShape& shape, Code code) {
  if (ExplainedByWorker(shape.action, code)) {
    return true;
  }
  if (shape.missing) {
    return code == Code::kNotFound;
  }
  if (code == Code::kOk) {
    return true;
  }
  switch (shape.kind.placement) {
    case Placement::kHealthy:
      return false;
    case Placement::kFaultyOnly:
      return ExplainedByFault(shape.kind.fault, shape.operation, code);
    case Placement::kFaultyFirst:
      return shape.operation == Operation::kGetBlob &&
             shape.kind.fault == FaultMode::kWrongDigest &&
             code == Code::kDataLoss;
  }
  return false;
}

}  // namespace tributary::bench
