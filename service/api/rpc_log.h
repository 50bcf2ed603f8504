#ifndef TRIBUTARY_SERVICE_API_RPC_LOG_H_
#define TRIBUTARY_SERVICE_API_RPC_LOG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/metrics/metrics.h"

namespace tributary::api {

// What is known about one finished RPC.
struct RpcRecord {
  metrics::Rpc rpc;
  absl::Status status;
  std::string upstream;
  absl::Duration latency;
  std::string subject;  // what was asked, escaped (caller input)
  std::string peer;
};

// Counts the RPC in the metrics and writes its one structured log line.
void RecordRpc(metrics::Metrics& metrics, const RpcRecord& record);

// Caller input made safe for a log line: control characters and quotes escaped.
std::string EscapeForLog(absl::string_view text);

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_RPC_LOG_H_
