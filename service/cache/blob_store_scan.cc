#include "service/cache/blob_store_scan.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "service/cache/system_error.h"
#include "service/oci/absl_compat.h"
#include "service/oci/digest.h"

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;

constexpr oci::DigestAlgorithm kAlgorithms[] = {oci::DigestAlgorithm::kSha256,
                                                oci::DigestAlgorithm::kSha512};

bool IsFanOutName(std::string_view name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Removes `name` (and whatever is beneath it) from the folder `parent`,
// shown as `where`; a leftover we fail to remove is logged and left for the
// next start.
void RemoveLeftover(int parent, const fs::path& where,
                    const std::string& name) {
  if (const int error = RemoveTreeAt(parent, name); error != 0) {
    spdlog::warn("blob store: cannot remove {}: {}", (where / name).string(),
                 std::strerror(error));
  }
}

// Indexes the blob files of one fan-out folder (`<algorithm>/ab/`) into
// `found` and removes everything else in it.
void ScanFanOut(oci::DigestAlgorithm algorithm, int fan_out,
                const fs::path& where, std::vector<FoundBlob>& found) {
  std::vector<DirEntry> entries;
  if (const int error = ListDirectory(fan_out, entries); error != 0) {
    spdlog::warn("blob store: cannot list {}: {}", where.string(),
                 std::strerror(error));
  }
  const std::string prefix = where.filename().string();
  for (const DirEntry& entry : entries) {
    auto digest = oci::Digest::Parse(absl::StrCat(
        oci::AsAbsl(oci::AlgorithmName(algorithm)), ":", entry.name));
    const bool is_blob = digest.ok() && entry.name.compare(0, 2, prefix) == 0 &&
                         entry.type == S_IFREG;
    if (!is_blob) {
      RemoveLeftover(fan_out, where, entry.name);
      continue;
    }
    found.push_back({.digest = digest->str(),
                     .bytes = static_cast<int64_t>(entry.size),
                     .modified = absl::TimeFromTimespec(entry.modified)});
  }
}

// Scans one algorithm folder (`<store>/sha256/`), fan-out folder by fan-out
// folder; anything else in it is removed.
absl::Status ScanAlgorithm(int store, const fs::path& directory,
                           oci::DigestAlgorithm algorithm,
                           std::vector<FoundBlob>& found) {
  const std::string name(oci::AlgorithmName(algorithm));
  const fs::path root = directory / name;
  Opened folder = OpenDirectoryAt(store, name);
  if (folder.error == ENOENT) {
    return absl::OkStatus();
  }
  if (folder.error == ENOTDIR || folder.error == ELOOP) {
    RemoveLeftover(store, directory, name);  // a file or a link: not ours
    return absl::OkStatus();
  }
  if (folder.error != 0) {
    return SystemError("cannot scan blob store directory", root, folder.error);
  }
  std::vector<DirEntry> entries;
  if (const int error = ListDirectory(folder.fd.get(), entries); error != 0) {
    return SystemError("cannot scan blob store directory", root, error);
  }
  for (const DirEntry& entry : entries) {
    Opened fan_out = entry.type == S_IFDIR && IsFanOutName(entry.name)
                         ? OpenDirectoryAt(folder.fd.get(), entry.name)
                         : Opened{.error = ENOTDIR};
    if (fan_out.error != 0) {
      RemoveLeftover(folder.fd.get(), root, entry.name);
      continue;
    }
    ScanFanOut(algorithm, fan_out.fd.get(), root / entry.name, found);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<UniqueFd> OpenEmptyTmp(int store, const fs::path& directory) {
  const fs::path tmp = directory / "tmp";
  Opened folder = ReplaceWithDirectoryAt(store, "tmp");
  if (folder.error != 0) {
    return SystemError("cannot create blob store directory", tmp, folder.error);
  }
  std::vector<DirEntry> entries;
  if (const int error = ListDirectory(folder.fd.get(), entries); error != 0) {
    return SystemError("cannot clean blob store directory", tmp, error);
  }
  for (const DirEntry& entry : entries) {
    RemoveLeftover(folder.fd.get(), tmp, entry.name);  // unfinished writes
  }
  // Prove the directory writable now rather than at the first blob.
  Opened probe =
      OpenFileAt(folder.fd.get(), "probe", O_WRONLY | O_CREAT | O_EXCL);
  if (probe.error != 0) {
    return SystemError("cannot write in blob store directory", tmp,
                       probe.error);
  }
  ::unlinkat(folder.fd.get(), "probe", 0);
  return std::move(folder.fd);
}

absl::StatusOr<std::vector<FoundBlob>> ScanBlobDirectory(
    int store, const fs::path& directory) {
  std::vector<FoundBlob> found;
  for (oci::DigestAlgorithm algorithm : kAlgorithms) {
    if (absl::Status scanned =
            ScanAlgorithm(store, directory, algorithm, found);
        !scanned.ok()) {
      return scanned;
    }
  }
  // Oldest first: the least recently used.
  std::sort(found.begin(), found.end(),
            [](const FoundBlob& a, const FoundBlob& b) {
              return a.modified < b.modified;
            });
  return found;
}

}  // namespace tributary::cache
