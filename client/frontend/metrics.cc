#include "client/frontend/metrics.h"

#include <string>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace tributary::frontend {
namespace {

constexpr std::array<std::string_view, 3> kMethods = {"GET", "HEAD", "other"};

int MethodIndex(std::string_view method) {
  if (method == "GET") {
    return 0;
  }
  return method == "HEAD" ? 1 : 2;
}

// From a cached manifest (sub-millisecond) to a cold multi-GiB blob.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
          0.5,    1,     2.5,    5,     10,   30,    60,   300};
}

}  // namespace

FrontendMetrics::FrontendMetrics()
    : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("tributary_frontend_requests_total")
                   .Help("HTTP requests answered, by method, route and status")
                   .Register(*registry_);
  auto& durations =
      prometheus::BuildHistogram()
          .Name("tributary_frontend_request_duration_seconds")
          .Help("Time from a request's headers to the end of its answer")
          .Register(*registry_);
  auto& sent = prometheus::BuildCounter()
                   .Name("tributary_frontend_sent_bytes_total")
                   .Help("Response body bytes written to clients, by route")
                   .Register(*registry_);
  for (int i = 0; i < kRouteKindCount; ++i) {
    const std::string route(RouteName(static_cast<RouteKind>(i)));
    durations_[i] = &durations.Add({{"route", route}}, DurationBuckets());
    sent_bytes_[i] = &sent.Add({{"route", route}});
  }
  auto& downloads =
      prometheus::BuildGauge()
          .Name("tributary_frontend_blob_downloads")
          .Help(
              "Blob downloads streaming (holding one of --max_blob_downloads) "
              "and waiting for a slot")
          .Register(*registry_);
  downloads_streaming_ = &downloads.Add({{"state", "streaming"}});
  downloads_waiting_ = &downloads.Add({{"state", "waiting"}});
}

void FrontendMetrics::SetBlobDownloads(int streaming, int waiting) {
  downloads_streaming_->Set(streaming);
  downloads_waiting_->Set(waiting);
}

FrontendMetrics::~FrontendMetrics() = default;

prometheus::Counter& FrontendMetrics::RequestsCounter(int method,
                                                      RouteKind route,
                                                      int status) {
  const Key key{method, static_cast<int>(route), status};
  absl::MutexLock lock(&mutex_);
  prometheus::Counter*& counter = requests_by_key_[key];
  if (counter == nullptr) {
    counter = &requests_->Add({{"method", std::string(kMethods[method])},
                               {"route", std::string(RouteName(route))},
                               {"code", std::to_string(status)}});
  }
  return *counter;
}

void FrontendMetrics::Record(std::string_view method, RouteKind route,
                             int status, int64_t sent,
                             absl::Duration duration) {
  RequestsCounter(MethodIndex(method), route, status).Increment();
  const int index = static_cast<int>(route);
  durations_[index]->Observe(absl::ToDoubleSeconds(duration));
  if (sent > 0) {
    sent_bytes_[index]->Increment(static_cast<double>(sent));
  }
}

}  // namespace tributary::frontend
