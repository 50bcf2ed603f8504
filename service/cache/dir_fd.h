#ifndef TRIBUTARY_SERVICE_CACHE_DIR_FD_H_
#define TRIBUTARY_SERVICE_CACHE_DIR_FD_H_

// Directory-relative file operations for the blob store: every name is one
// path component opened with openat(2) below a directory descriptor the store
// already trusts, and no symbolic link is ever followed. So nobody who can
// write somewhere in the tree can redirect a create, a rename or a removal
// to a file outside it.

#include <sys/types.h>

#include <string>
#include <vector>

namespace tributary::cache {

// Owns one file descriptor; closes it when destroyed. -1 holds nothing.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  void Reset();

 private:
  int fd_ = -1;
};

// A descriptor, or the errno that kept it from being opened.
struct Opened {
  UniqueFd fd;
  int error = 0;
};

// The directory `name` in `parent`, not following a symbolic link: ENOENT
// when there is none, ENOTDIR or ELOOP when `name` is something else.
Opened OpenDirectoryAt(int parent, const std::string& name);

// Like OpenDirectoryAt, but creates the directory (mode 0700) when missing.
Opened MakeDirectoryAt(int parent, const std::string& name);

// Like MakeDirectoryAt, but first removes whatever non-directory (a file, a
// symbolic link) holds the name.
Opened ReplaceWithDirectoryAt(int parent, const std::string& name);

// The regular file `name` in `parent` opened with `flags` (O_CLOEXEC and
// O_NOFOLLOW added): ELOOP for a symbolic link, EINVAL for anything else that
// is not a regular file (a FIFO is never waited on).
Opened OpenFileAt(int parent, const std::string& name, int flags);

// Removes `name` from `parent` and, for a directory, everything beneath it;
// symbolic links are removed, never followed. Returns 0 or the first errno.
int RemoveTreeAt(int parent, const std::string& name);

// One entry of a directory listing.
struct DirEntry {
  std::string name;
  mode_t type = 0;  // S_IFREG, S_IFDIR, ... from lstat; 0 if it vanished
  off_t size = 0;
  struct timespec modified = {};
};

// The entries of the directory `fd` ("." and ".." left out), each as
// fstatat(AT_SYMLINK_NOFOLLOW) saw it. Returns the errno when it cannot be
// listed.
int ListDirectory(int fd, std::vector<DirEntry>& entries);

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_DIR_FD_H_
