#ifndef TRIBUTARY_SERVICE_RESOLVE_MAKE_RESOLVER_H_
#define TRIBUTARY_SERVICE_RESOLVE_MAKE_RESOLVER_H_

#include <memory>
#include <vector>

#include "boost/asio/any_io_executor.hpp"
#include "service/metrics/metrics.h"
#include "service/registry/registry.h"
#include "service/resolve/blob/blob_streamer.h"
#include "service/resolve/resolver.h"
#include "service/util/clock.h"

namespace tributary::resolve {

// The Resolver over `upstreams` (in fan-out order), doing its I/O on
// `executor`. The only place that needs Asio to build one: callers of the
// Resolver do not. `metrics` and `clock` must outlive it.
std::unique_ptr<Resolver> MakeResolver(
    std::vector<std::unique_ptr<registry::Registry>> upstreams,
    boost::asio::any_io_executor executor, metrics::Metrics& metrics,
    BlobStreamOptions blob_options,
    const util::Clock& clock = util::RealClock());

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_MAKE_RESOLVER_H_
