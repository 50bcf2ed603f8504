#include "bench/backend_cache.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tributary::bench {

using testing::FakeResponse;
using testing::RecordedRequest;

FakeResponse RangeOf(const FakeResponse& whole, const std::string& range) {
  const std::vector<std::string> bounds =
      absl::StrSplit(absl::StripPrefix(range, "bytes="), '-');
  uint64_t first = 0;
  uint64_t last = whole.body.size();
  if (whole.status != 200 || !absl::StartsWith(range, "bytes=") ||
      bounds.size() != 2 || !absl::SimpleAtoi(bounds[0], &first) ||
      (!bounds[1].empty() && !absl::SimpleAtoi(bounds[1], &last))) {
    return whole;
  }
  const uint64_t size = whole.body.size();
  FakeResponse part;
  part.headers = whole.headers;
  if (first >= size) {
    part.status = 416;
    part.headers.emplace_back("Content-Range", absl::StrCat("bytes */", size));
    return part;
  }
  last = std::min(last, size - 1);
  part.status = 206;
  part.headers.emplace_back(
      "Content-Range", absl::StrCat("bytes ", first, "-", last, "/", size));
  part.body = whole.body.substr(first, last - first + 1);
  return part;
}

std::shared_ptr<const FakeResponse> BackendCache::Whole(
    const RecordedRequest& request) {
  Key key{request.method, request.target};
  {
    absl::MutexLock lock(&mu_);
    if (auto it = answers_.find(key); it != answers_.end()) {
      return it->second;
    }
  }
  RecordedRequest whole = request;
  std::erase_if(whole.headers, [](const auto& header) {
    return absl::EqualsIgnoreCase(header.first, "Range");
  });
  // Outside the lock: two first requests may both fetch; either copy will do.
  auto answer = std::make_shared<const FakeResponse>(fetch_(whole));
  absl::MutexLock lock(&mu_);
  if (answer->status / 100 == 2) {
    answers_.emplace(std::move(key), answer);
  }
  return answer;
}

FakeResponse BackendCache::Answer(const RecordedRequest& request) {
  std::shared_ptr<const FakeResponse> whole = Whole(request);
  const std::string range = request.Header("Range");
  if (request.method == "GET" && !range.empty()) {
    return RangeOf(*whole, range);
  }
  return *whole;
}

}  // namespace tributary::bench
