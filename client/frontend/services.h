#ifndef TRIBUTARY_CLIENT_FRONTEND_SERVICES_H_
#define TRIBUTARY_CLIENT_FRONTEND_SERVICES_H_

#include <memory>

#include "boost/asio/thread_pool.hpp"
#include "client/client.h"
#include "client/frontend/config.h"
#include "client/frontend/download_slots.h"
#include "client/frontend/htpasswd.h"
#include "client/frontend/live_calls.h"
#include "client/frontend/metrics.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::frontend {

// What every request handler shares: the config, the way to Tributary and
// the metrics. Built once by Frontend::Start; every member is thread-safe.
// Lives until every session has ended.
struct Services {
  FrontendConfig config;
  // Unary calls (manifests, tags, HEADs), through the client library.
  std::unique_ptr<client::Client> client;
  // Blob streams (BlobReader: raw reads on gRPC's callback API), on the
  // client's channel.
  std::shared_ptr<grpc::Channel> channel;
  // Runs the blocking unary gRPC calls (see Offload); config.grpc_threads
  // threads.
  std::unique_ptr<boost::asio::thread_pool> grpc_pool;
  // The blob streams in flight.
  LiveCalls live_calls;
  // Null: anonymous access.
  std::unique_ptr<Htpasswd> htpasswd;
  std::unique_ptr<FrontendMetrics> metrics;
  // config.max_blob_downloads blob downloads at once; after `metrics`, which
  // it reports to.
  std::unique_ptr<DownloadSlots> download_slots;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_SERVICES_H_
