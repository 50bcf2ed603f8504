#include "service/cache/blob_store_scan.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "service/cache/system_error.h"
#include "service/oci/absl_compat.h"
#include "service/oci/digest.h"

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;

constexpr oci::DigestAlgorithm kAlgorithms[] = {oci::DigestAlgorithm::kSha256,
                                                oci::DigestAlgorithm::kSha512};

// The last component of a path as text, for comparing with names we expect.
std::string NameOf(const fs::path& path) { return path.filename().string(); }

bool IsFanOutName(std::string_view name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Removes `path` and whatever is beneath it; a leftover we fail to remove is
// logged and left for the next start.
void RemoveLeftover(const fs::path& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) {
    spdlog::warn("blob store: cannot remove {}: {}", path.string(),
                 error.message());
  }
}

// Indexes the blob files of one fan-out directory (`<algorithm>/ab/`) into
// `found` and removes everything else in it.
void ScanFanOut(oci::DigestAlgorithm algorithm, const fs::path& fan_out,
                std::vector<FoundBlob>& found) {
  std::error_code error;
  for (fs::directory_iterator it(fan_out, error), end; !error && it != end;
       it.increment(error)) {
    const fs::path& path = it->path();
    const std::string name = NameOf(path);
    auto digest = oci::Digest::Parse(
        absl::StrCat(oci::AsAbsl(oci::AlgorithmName(algorithm)), ":", name));
    struct stat info;
    const bool is_blob =
        digest.ok() && name.compare(0, 2, NameOf(fan_out)) == 0 &&
        ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
    if (!is_blob) {
      RemoveLeftover(path);
      continue;
    }
    found.push_back({.digest = digest->str(),
                     .bytes = static_cast<int64_t>(info.st_size),
                     .modified = absl::TimeFromTimespec(info.st_mtim)});
  }
  if (error) {
    spdlog::warn("blob store: cannot list {}: {}", fan_out.string(),
                 error.message());
  }
}

}  // namespace

absl::StatusOr<std::vector<FoundBlob>> ScanBlobDirectory(
    const fs::path& directory) {
  const fs::path tmp = directory / "tmp";
  std::error_code error;
  for (fs::directory_iterator it(tmp, error), end; !error && it != end;
       it.increment(error)) {
    RemoveLeftover(it->path());  // a crash's unfinished writes
  }
  if (error) {
    return SystemError("cannot clean blob store directory", tmp, error);
  }
  // Prove the directory writable now rather than at the first blob.
  const fs::path probe = tmp / "probe";
  const int fd =
      ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return SystemError("cannot write in blob store directory", tmp, errno);
  }
  ::close(fd);
  ::unlink(probe.c_str());

  std::vector<FoundBlob> found;
  for (oci::DigestAlgorithm algorithm : kAlgorithms) {
    const fs::path root = directory / oci::AlgorithmName(algorithm);
    for (fs::directory_iterator it(root, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code type_error;
      const bool fan_out =
          IsFanOutName(NameOf(it->path())) &&
          it->symlink_status(type_error).type() == fs::file_type::directory;
      if (fan_out) {
        ScanFanOut(algorithm, it->path(), found);
      } else {
        RemoveLeftover(it->path());
      }
    }
    if (error && error != std::errc::no_such_file_or_directory) {
      return SystemError("cannot scan blob store directory", root, error);
    }
    error.clear();
  }
  // Oldest first: the least recently used.
  std::sort(found.begin(), found.end(),
            [](const FoundBlob& a, const FoundBlob& b) {
              return a.modified < b.modified;
            });
  return found;
}

}  // namespace tributary::cache
