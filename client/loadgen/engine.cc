#include "client/loadgen/engine.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "client/loadgen/histogram.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::client::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NanosBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from)
      .count();
}

Clock::duration ToClock(absl::Duration duration) {
  return std::chrono::duration_cast<Clock::duration>(
      absl::ToChronoNanoseconds(duration));
}

absl::Duration ProcessCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) +
         absl::DurationFromTimeval(usage.ru_stime);
}

absl::Status Validate(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const std::vector<CallSpec>& calls, const LoadOptions& options) {
  if (channels.empty() || calls.empty()) {
    return absl::InvalidArgumentError("nothing to send: no channel or no call");
  }
  if (options.concurrency < 1) {
    return absl::InvalidArgumentError("concurrency must be at least 1");
  }
  if (options.requests < 0 || options.rate < 0 ||
      !std::isfinite(options.rate)) {
    return absl::InvalidArgumentError("requests and rate must not be negative");
  }
  if (options.requests == 0 && options.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("give a positive duration or requests");
  }
  return absl::OkStatus();
}

// One run. Completion callbacks run on gRPC's threads; everything they touch
// is atomic or guarded by mu_.
class LoadRun {
 public:
  LoadRun(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
          const std::vector<CallSpec>& calls, const LoadOptions& options)
      : calls_(calls), options_(options) {
    for (const auto& channel : channels) {
      stubs_.push_back(v1::ResolverService::NewStub(channel));
    }
  }

  LoadResult Run() {
    start_ = Clock::now();
    measure_from_ = start_ + ToClock(options_.warmup);
    measure_until_ = measure_from_ + ToClock(options_.duration);
    if (options_.rate > 0) {
      RunOpenLoop();
    } else {
      RunClosedLoop();
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* in_flight) { return *in_flight == 0; }, &in_flight_));
    return Result();
  }

 private:
  // A call in flight; deleted by its completion.
  struct Pending {
    grpc::ClientContext context;
    Clock::time_point start;
    bool measured = false;
    std::unique_ptr<google::protobuf::Message> response;
  };

  // Whether the next call should be sent, and if so whether it is measured.
  // Calls are claimed one at a time so --requests is exact.
  bool Claim(Clock::time_point now, bool* measured) {
    if (now < measure_from_) {
      *measured = false;
      return true;
    }
    *measured = true;
    if (options_.requests > 0) {
      return claimed_.fetch_add(1, std::memory_order_relaxed) <
             options_.requests;
    }
    return now < measure_until_;
  }

  void RunClosedLoop() {
    {
      absl::MutexLock lock(&mu_);
      in_flight_ = options_.concurrency;
    }
    for (int worker = 0; worker < options_.concurrency; ++worker) {
      SendNext(worker);
    }
  }

  // Closed loop: worker `worker` sends its next call, or retires.
  void SendNext(int worker) {
    const Clock::time_point now = Clock::now();
    bool measured = false;
    if (!Claim(now, &measured)) {
      absl::MutexLock lock(&mu_);
      --in_flight_;
      return;
    }
    Send(now, measured, [this, worker] { SendNext(worker); });
  }

  void RunOpenLoop() {
    const double interval_ns = 1e9 / options_.rate;
    for (int64_t i = 0;; ++i) {
      const Clock::time_point due =
          start_ + std::chrono::nanoseconds(static_cast<int64_t>(
                       std::llround(static_cast<double>(i) * interval_ns)));
      bool measured = false;
      if (!Claim(due, &measured)) {
        return;
      }
      std::this_thread::sleep_until(due);
      {
        absl::MutexLock lock(&mu_);
        if (in_flight_ >= options_.concurrency) {
          ++delayed_starts_;
        }
        mu_.Await(absl::Condition(this, &LoadRun::HasRoom));
        ++in_flight_;
      }
      Send(due, measured, [this] {
        absl::MutexLock lock(&mu_);
        --in_flight_;
      });
    }
  }

  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ < options_.concurrency;
  }

  template <class Then>
  void Send(Clock::time_point start, bool measured, Then then) {
    const uint64_t n = sent_.fetch_add(1, std::memory_order_relaxed);
    const CallSpec& spec = calls_[n % calls_.size()];
    v1::ResolverService::Stub::async_interface* async =
        stubs_[n % stubs_.size()]->async();
    auto* pending = new Pending();
    pending->start = start;
    pending->measured = measured;
    pending->context.set_deadline(std::chrono::system_clock::now() +
                                  ToClock(options_.timeout));
    auto done = [this, pending, then](const grpc::Status& status) {
      Complete(pending, status);
      then();
    };
    switch (spec.rpc) {
      case Rpc::kGetManifest:
        StartUnary(async,
                   &v1::ResolverService::Stub::async_interface::GetManifest,
                   spec.get_manifest, pending, std::move(done));
        break;
      case Rpc::kHeadManifest:
        StartUnary(async,
                   &v1::ResolverService::Stub::async_interface::HeadManifest,
                   spec.head_manifest, pending, std::move(done));
        break;
      case Rpc::kHeadBlob:
        StartUnary(async, &v1::ResolverService::Stub::async_interface::HeadBlob,
                   spec.head_blob, pending, std::move(done));
        break;
      case Rpc::kListTags:
        StartUnary(async, &v1::ResolverService::Stub::async_interface::ListTags,
                   spec.list_tags, pending, std::move(done));
        break;
    }
  }

  // Starts one unary call through the callback API's std::function overload.
  template <class Request, class Response, class Done>
  static void StartUnary(
      v1::ResolverService::Stub::async_interface* async,
      void (v1::ResolverService::Stub::async_interface::*method)(
          grpc::ClientContext*, const Request*, Response*,
          std::function<void(grpc::Status)>),
      const Request& request, Pending* pending, Done done) {
    auto response = std::make_unique<Response>();
    Response* raw = response.get();
    pending->response = std::move(response);
    (async->*method)(&pending->context, &request, raw, std::move(done));
  }

  void Complete(Pending* pending, const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    if (pending->measured) {
      histogram_.Record(NanosBetween(pending->start, now));
      const int code = static_cast<int>(status.error_code());
      codes_[code >= 0 && code <= 16 ? code : 2].fetch_add(
          1, std::memory_order_relaxed);
      int64_t last = last_answer_ns_.load(std::memory_order_relaxed);
      const int64_t at = NanosBetween(measure_from_, now);
      while (at > last && !last_answer_ns_.compare_exchange_weak(
                              last, at, std::memory_order_relaxed)) {
      }
    }
    delete pending;
  }

  LoadResult Result() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LoadResult result;
    for (size_t code = 0; code < result.codes.size(); ++code) {
      result.codes[code] = codes_[code].load(std::memory_order_relaxed);
      result.requests += result.codes[code];
    }
    result.elapsed =
        absl::Nanoseconds(last_answer_ns_.load(std::memory_order_relaxed));
    result.latency = LatencySummary{
        .p50 = histogram_.Percentile(0.50),
        .p90 = histogram_.Percentile(0.90),
        .p99 = histogram_.Percentile(0.99),
        .p999 = histogram_.Percentile(0.999),
        .max = histogram_.max(),
        .mean = histogram_.mean(),
    };
    result.delayed_starts = delayed_starts_;
    return result;
  }

  const std::vector<CallSpec>& calls_;
  const LoadOptions options_;
  std::vector<std::unique_ptr<v1::ResolverService::Stub>> stubs_;
  Clock::time_point start_;
  Clock::time_point measure_from_;
  Clock::time_point measure_until_;

  std::atomic<uint64_t> sent_{0};
  std::atomic<int64_t> claimed_{0};
  std::atomic<int64_t> last_answer_ns_{0};
  std::array<std::atomic<int64_t>, 17> codes_{};
  LatencyHistogram histogram_;

  absl::Mutex mu_;
  // Closed loop: workers not yet retired; open loop: calls in flight.
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t delayed_starts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

double LoadResult::requests_per_second() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(requests) / seconds : 0.0;
}

double LoadResult::cpu_percent_of_one_core() const {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? 100 * absl::ToDoubleSeconds(process_cpu) / seconds : 0.0;
}

absl::StatusOr<LoadResult> RunLoad(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const std::vector<CallSpec>& calls, const LoadOptions& options) {
  if (absl::Status valid = Validate(channels, calls, options); !valid.ok()) {
    return valid;
  }
  const absl::Duration cpu_before = ProcessCpu();
  const Clock::time_point start = Clock::now();
  LoadRun run(channels, calls, options);
  LoadResult result = run.Run();
  result.wall = absl::Nanoseconds(NanosBetween(start, Clock::now()));
  result.process_cpu = ProcessCpu() - cpu_before;
  return result;
}

}  // namespace tributary::client::loadgen
