#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_COPY_CHECKS_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_COPY_CHECKS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/cache/blob_store.h"
#include "service/oci/digest.h"
#include "service/resolve/blob/blob_fill.h"

namespace tributary::resolve {

// The start-up checks of stored copies: a file the store's scan found is
// hashed once before it is served, and every caller that opened the same
// copy (digest and generation) meanwhile waits for that one verdict instead
// of hashing it again. The verdict is recorded in the store by generation, so
// a failed check removes only the copy it judged, never a fresh verified copy
// a concurrent refresh committed. Thread-safe; `store` must outlive it.
class CopyChecks {
 public:
  explicit CopyChecks(cache::BlobStore& store) : store_(store) {}

  // One check as a caller sees it.
  class Check {
   public:
    // Whether the copy's bytes matched its digest, once the check is done.
    std::optional<bool> verdict() const ABSL_LOCKS_EXCLUDED(mu_);

   private:
    friend class CopyChecks;
    mutable absl::Mutex mu_;
    std::optional<bool> verdict_ ABSL_GUARDED_BY(mu_);
    std::vector<std::shared_ptr<Doorbell>> waiters_ ABSL_GUARDED_BY(mu_);
  };

  struct Joined {
    std::shared_ptr<Check> check;
    // This caller hashes the copy and reports with Finish; the others wait
    // for the verdict, their doorbells rung when it is in.
    bool mine = false;
  };

  // Joins the check of `file` (a copy of `digest`), or starts it. A copy
  // already judged gets a check with its verdict: intact when verified since,
  // not intact when it is gone (removed, evicted or replaced).
  Joined Join(const oci::Digest& digest, const cache::BlobFile& file,
              std::shared_ptr<Doorbell> doorbell) ABSL_LOCKS_EXCLUDED(mu_);

  // The verdict of the check the caller started: records it in the store
  // (verified, or removed by generation), then tells the waiters.
  void Finish(const oci::Digest& digest, const cache::BlobFile& file,
              bool intact) ABSL_LOCKS_EXCLUDED(mu_);

  // Checks in flight (tests).
  int64_t in_flight() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  static std::string KeyOf(const oci::Digest& digest, uint64_t generation);

  cache::BlobStore& store_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Check>> checks_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_COPY_CHECKS_H_
