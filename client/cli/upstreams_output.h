#ifndef TRIBUTARY_CLIENT_CLI_UPSTREAMS_OUTPUT_H_
#define TRIBUTARY_CLIENT_CLI_UPSTREAMS_OUTPUT_H_

#include <ostream>

#include "client/cli/output.h"
#include "tributary/v1/admin.pb.h"

namespace tributary::client::cli {

// How `tributaryctl upstreams` shows ListUpstreams: configuration and health
// (circuit state, failures, last error and success, counts, scope).

// One upstream for --output json; times are RFC 3339 UTC, "" when unset.
Record UpstreamRecord(const v1::UpstreamStatus& upstream);

// The text table, one line per upstream (the circuit as "closed",
// "half_open" or "open (probe at TIME)"), plus an indented "last error" line
// under an upstream that has one.
void PrintUpstreamsTable(std::ostream& out,
                         const v1::ListUpstreamsResponse& list);

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_UPSTREAMS_OUTPUT_H_
