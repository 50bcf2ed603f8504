#ifndef TRIBUTARY_SERVICE_UPSTREAM_STATUSES_H_
#define TRIBUTARY_SERVICE_UPSTREAM_STATUSES_H_

#include <vector>

#include "tributary/v1/admin.pb.h"
#include "tributary/v1/config.pb.h"

namespace tributary {

// What ListUpstreams says of each configured upstream, in order: name, URL,
// scope, how Tributary signs in and its TLS settings (health is added per
// call). Holds no secret: credentials appear only as their method.
std::vector<v1::UpstreamStatus> UpstreamStatuses(const v1::Config& config);

}  // namespace tributary

#endif  // TRIBUTARY_SERVICE_UPSTREAM_STATUSES_H_
