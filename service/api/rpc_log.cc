#include "service/api/rpc_log.h"

#include "absl/strings/escaping.h"
#include "spdlog/spdlog.h"

namespace tributary::api {

std::string EscapeForLog(absl::string_view text) {
  return absl::CHexEscape(text);
}

void RecordRpc(metrics::Metrics& metrics, const RpcRecord& record) {
  metrics.RecordRpc(record.rpc, static_cast<int>(record.status.code()),
                    record.latency);
  spdlog::info(
      "rpc method={} code={} upstream=\"{}\" duration_ms={:.1f} subject=\"{}\" "
      "peer=\"{}\" message=\"{}\"",
      std::string(metrics::RpcName(record.rpc)),
      absl::StatusCodeToString(record.status.code()), record.upstream,
      absl::ToDoubleMilliseconds(record.latency), record.subject, record.peer,
      EscapeForLog(record.status.message()));
}

}  // namespace tributary::api
