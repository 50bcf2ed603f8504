#ifndef TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_
#define TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/cache/dir_fd.h"

namespace tributary::cache {

// One blob file found by the start-up scan.
struct FoundBlob {
  std::string digest;  // text form, e.g. "sha256:…"
  int64_t bytes = 0;
  absl::Time modified;  // its last use (a hit moves it forward)
};

// The store's tmp/ folder in `store` (its directory's descriptor), emptied
// of a crash's unfinished writes and proved writable; whatever else held the
// name (a file, a symbolic link) is removed, never followed. `directory`
// names the store in messages. Fails naming the folder and the reason.
absl::StatusOr<UniqueFd> OpenEmptyTmp(int store,
                                      const std::filesystem::path& directory);

// What BlobStore::Open finds in its directory (layout in blob_store.h),
// walked by descriptor without following a symbolic link: it removes from
// the algorithm folders whatever is not a regular blob file under its
// digest's name and fan-out folder. Returns the blobs, least recently used
// first. Fails naming the folder and the reason when it cannot be listed.
absl::StatusOr<std::vector<FoundBlob>> ScanBlobDirectory(
    int store, const std::filesystem::path& directory);

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_
