#include "service/cache/store_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "service/cache/system_error.h"

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;

// What an existing folder on the way must satisfy. Above the store, another
// owner could rename the store away and put a link or a folder of its own in
// its place between two starts; the store itself must be ours alone.
absl::Status CheckFolder(const fs::path& path, const struct stat& info,
                         bool is_store) {
  const uid_t me = ::geteuid();
  if (is_store && info.st_uid != me) {
    return absl::FailedPreconditionError(absl::StrCat(
        path.string(), " is owned by uid ", info.st_uid,
        ", not by the service user (uid ", me,
        "); the store must be a directory only the service user controls"));
  }
  if (!is_store && info.st_uid != me && info.st_uid != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), " (above the blob store) is owned by uid ",
                     info.st_uid, "; only root or the service user (uid ", me,
                     ") may own the folders above the store"));
  }
  if (is_store && (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is writable by group or others (mode %04o); the store must be a "
        "directory only the service user can write (mode 0700)",
        path.string(), info.st_mode & 07777));
  }
  return absl::OkStatus();
}

bool IsLinkAt(int parent, const std::string& name) {
  struct stat info;
  return ::fstatat(parent, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISLNK(info.st_mode);
}

// The components of `directory` made absolute, "." and ".." resolved by text
// (a ".." never walks back out of a link: links are refused).
std::vector<std::string> ComponentsOf(const fs::path& directory) {
  std::vector<std::string> names;
  for (const fs::path& part : fs::absolute(directory).lexically_normal()) {
    const std::string name = part.string();
    if (!name.empty() && name != "/") {
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace

absl::StatusOr<UniqueFd> OpenStoreDirectory(const fs::path& directory) {
  Opened current = OpenDirectoryAt(AT_FDCWD, "/");
  fs::path walked = "/";
  const std::vector<std::string> names = ComponentsOf(directory);
  if (names.empty()) {
    return absl::InvalidArgumentError("the blob store cannot be /");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    walked /= name;
    Opened next = MakeDirectoryAt(current.fd.get(), name);
    if (next.error == ELOOP ||
        (next.error == ENOTDIR && IsLinkAt(current.fd.get(), name))) {
      return absl::FailedPreconditionError(
          absl::StrCat(walked.string(),
                       " is a symbolic link; name the real directory (links "
                       "are not followed on the way to the blob store)"));
    }
    if (next.error != 0) {
      return SystemError("cannot create blob store directory", directory,
                         next.error);
    }
    struct stat info;
    if (::fstat(next.fd.get(), &info) != 0) {
      return SystemError("cannot inspect", walked, errno);
    }
    const bool is_store = i + 1 == names.size();
    if (absl::Status checked = CheckFolder(walked, info, is_store);
        !checked.ok()) {
      return checked;
    }
    current = std::move(next);
  }
  if (current.error != 0) {
    return SystemError("cannot open", walked, current.error);
  }
  return std::move(current.fd);
}

}  // namespace tributary::cache
