#include "service/cache/dir_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tributary::cache {
namespace {

// Deeper trees are not ours: the store nests three levels. The limit keeps a
// planted deep tree from costing a descriptor and a stack frame per level.
constexpr int kMaxRemoveDepth = 16;

int RemoveTreeAt(int parent, const std::string& name, int depth) {
  if (::unlinkat(parent, name.c_str(), 0) == 0 || errno == ENOENT) {
    return 0;
  }
  if (errno != EISDIR) {
    return errno;
  }
  if (depth >= kMaxRemoveDepth) {
    return ELOOP;
  }
  Opened dir = OpenDirectoryAt(parent, name);
  if (dir.error != 0) {
    return dir.error;
  }
  std::vector<DirEntry> entries;
  int first_error = ListDirectory(dir.fd.get(), entries);
  for (const DirEntry& entry : entries) {
    const int error = RemoveTreeAt(dir.fd.get(), entry.name, depth + 1);
    if (first_error == 0) {
      first_error = error;
    }
  }
  if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT &&
      first_error == 0) {
    first_error = errno;
  }
  return first_error;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = other.Release();
  }
  return *this;
}

int UniqueFd::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Opened OpenDirectoryAt(int parent, const std::string& name) {
  const int fd = ::openat(parent, name.c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return {.error = errno};
  }
  return {.fd = UniqueFd(fd)};
}

Opened MakeDirectoryAt(int parent, const std::string& name) {
  if (::mkdirat(parent, name.c_str(), 0700) != 0 && errno != EEXIST) {
    return {.error = errno};
  }
  return OpenDirectoryAt(parent, name);
}

Opened ReplaceWithDirectoryAt(int parent, const std::string& name) {
  Opened dir = MakeDirectoryAt(parent, name);
  if (dir.error != ENOTDIR && dir.error != ELOOP) {
    return dir;
  }
  if (::unlinkat(parent, name.c_str(), 0) != 0 && errno != ENOENT) {
    return {.error = errno};
  }
  return MakeDirectoryAt(parent, name);
}

Opened OpenFileAt(int parent, const std::string& name, int flags) {
  // O_NONBLOCK: opening a FIFO planted under the name must not wait for a
  // writer; it changes nothing for a regular file.
  const int fd = ::openat(parent, name.c_str(),
                          flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) {
    return {.error = errno};
  }
  UniqueFd owned(fd);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    return {.error = errno};
  }
  if (!S_ISREG(info.st_mode)) {
    return {.error = EINVAL};
  }
  return {.fd = std::move(owned)};
}

int RemoveTreeAt(int parent, const std::string& name) {
  return RemoveTreeAt(parent, name, 0);
}

int ListDirectory(int fd, std::vector<DirEntry>& entries) {
  // fdopendir takes the descriptor it is given, so it gets a copy.
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    return errno;
  }
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    const int error = errno;
    ::close(copy);
    return error;
  }
  // The copy shares the read position with `fd`: start from the top.
  ::rewinddir(dir);
  int error = 0;
  while (true) {
    errno = 0;
    const dirent* found = ::readdir(dir);
    if (found == nullptr) {
      error = errno;
      break;
    }
    if (std::strcmp(found->d_name, ".") == 0 ||
        std::strcmp(found->d_name, "..") == 0) {
      continue;
    }
    DirEntry entry{.name = found->d_name};
    struct stat info;
    if (::fstatat(fd, found->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0) {
      entry.type = info.st_mode & S_IFMT;
      entry.size = info.st_size;
      entry.modified = info.st_mtim;
    }
    entries.push_back(std::move(entry));
  }
  ::closedir(dir);
  return error;
}

}  // namespace tributary::cache
