#ifndef TRIBUTARY_SERVICE_CACHE_STORE_DIRECTORY_H_
#define TRIBUTARY_SERVICE_CACHE_STORE_DIRECTORY_H_

#include <filesystem>

#include "absl/status/statusor.h"
#include "service/cache/dir_fd.h"

namespace tributary::cache {

// Opens the blob store's directory, creating it (and missing parents) with
// mode 0700, such that no other local user can steer what the store creates,
// renames or removes: the path is walked one component at a time without
// following symbolic links (a link anywhere in it is refused), every existing
// folder above the store must be owned by root or the service user (the
// effective uid), and the store's directory itself must be owned by the
// service user and not writable by group or others. A directory someone else
// prepared is refused rather than repaired. Fails with FAILED_PRECONDITION
// naming the folder and the reason, or the system's reason when a folder
// cannot be created or opened.
absl::StatusOr<UniqueFd> OpenStoreDirectory(
    const std::filesystem::path& directory);

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_STORE_DIRECTORY_H_
