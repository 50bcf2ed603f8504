#ifndef TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_
#define TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tributary::cache {

// One blob file found by the start-up scan.
struct FoundBlob {
  std::string digest;  // text form, e.g. "sha256:…"
  int64_t bytes = 0;
  absl::Time modified;  // its last use (a hit moves it forward)
};

// What BlobStore::Open finds in its directory (layout in blob_store.h): it
// empties tmp/ (a crash's unfinished writes), proves the directory writable,
// and removes from the algorithm folders whatever is not a blob file under
// its digest's name and fan-out folder. Returns the blobs, least recently
// used first. Fails naming the folder and the reason when it cannot be
// listed or written.
absl::StatusOr<std::vector<FoundBlob>> ScanBlobDirectory(
    const std::filesystem::path& directory);

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_BLOB_STORE_SCAN_H_
