#ifndef TRIBUTARY_CLIENT_STATUS_H_
#define TRIBUTARY_CLIENT_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace tributary::client {

// tributaryctl's exit code for a bad command line (sysexits.h EX_USAGE). It
// lies outside 1..16, the codes that mirror gRPC statuses.
inline constexpr int kUsageExitCode = 64;

// The one place a grpc::Status becomes an absl::Status (the codes share
// numbers; see absl/status/status.h).
absl::Status FromGrpcStatus(const grpc::Status& status);

// The exit code tributaryctl ends with: 0 for OK, else the canonical status
// code number (CANCELLED 1 ... UNAUTHENTICATED 16). A code outside that range
// is UNKNOWN (2).
int ExitCodeFor(const absl::Status& status);

// "NOT_FOUND: message" on one line: newlines in the message (servers put
// upstream answers there) become spaces so an error is always one line.
std::string OneLine(const absl::Status& status);

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_STATUS_H_
