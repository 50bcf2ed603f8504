#ifndef TRIBUTARY_BENCH_BACKEND_CACHE_H_
#define TRIBUTARY_BENCH_BACKEND_CACHE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tests/support/fake_upstream.h"

namespace tributary::bench {

// The fault upstream's copy of what its backend registry answered. The soak's
// content never changes once pushed, so each answer (by method and target;
// the fetch asks for every manifest type) is fetched once and kept; a GET with
// a Range is cut from the whole body here, as a registry would (206 with
// Content-Range, or 416). Without it every blob request would wait for the
// whole blob from the backend before its first byte, and a loaded machine would
// turn that wait into timeouts nobody injected. Thread-safe.
class BackendCache {
 public:
  // Asks the backend for a request (its Range header dropped).
  using Fetch =
      std::function<testing::FakeResponse(const testing::RecordedRequest&)>;

  explicit BackendCache(Fetch fetch) : fetch_(std::move(fetch)) {}

  testing::FakeResponse Answer(const testing::RecordedRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Key = std::pair<std::string, std::string>;

  std::shared_ptr<const testing::FakeResponse> Whole(
      const testing::RecordedRequest& request) ABSL_LOCKS_EXCLUDED(mu_);

  const Fetch fetch_;
  absl::Mutex mu_;
  std::map<Key, std::shared_ptr<const testing::FakeResponse>> answers_
      ABSL_GUARDED_BY(mu_);
};

// The part of `whole` (a 200) a Range header value "bytes=FIRST-[LAST]" asks
// for: 206 with Content-Range, 416 past the end; `whole` itself for any other
// value.
testing::FakeResponse RangeOf(const testing::FakeResponse& whole,
                              const std::string& range);

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_BACKEND_CACHE_H_
