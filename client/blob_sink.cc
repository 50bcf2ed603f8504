#include "client/blob_sink.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tributary::client {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path,
                        int error) {
  const absl::StatusCode code =
      error == ENOENT   ? absl::StatusCode::kNotFound
      : error == EACCES ? absl::StatusCode::kPermissionDenied
      : error == ENOSPC ? absl::StatusCode::kResourceExhausted
                        : absl::StatusCode::kInternal;
  return absl::Status(
      code, absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

// Files the blob becomes are ordinary, readable files, not mkstemp's 0600.
constexpr mode_t kFileMode = 0644;

}  // namespace

absl::StatusOr<std::unique_ptr<FileSink>> FileSink::Create(
    const std::string& path) {
  std::string partial = absl::StrCat(path, ".partial-XXXXXX");
  const int fd = mkstemp(partial.data());
  if (fd < 0) {
    return ErrnoError("cannot create", partial, errno);
  }
  return std::unique_ptr<FileSink>(new FileSink(path, std::move(partial), fd));
}

FileSink::~FileSink() {
  if (!finished_) {
    CloseAndRemove();
  }
}

absl::Status FileSink::Write(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoError("cannot write", partial_path_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

absl::Status FileSink::Commit() {
  finished_ = true;
  if (fchmod(fd_, kFileMode) != 0 || fsync(fd_) != 0) {
    const int error = errno;
    CloseAndRemove();
    return ErrnoError("cannot finish", partial_path_, error);
  }
  if (::close(fd_) != 0) {
    const int error = errno;
    fd_ = -1;
    CloseAndRemove();
    return ErrnoError("cannot close", partial_path_, error);
  }
  fd_ = -1;
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    CloseAndRemove();
    return ErrnoError(absl::StrCat("cannot rename ", partial_path_, " to"),
                      path_, error);
  }
  return absl::OkStatus();
}

void FileSink::Abort(const absl::Status& /*why*/) {
  finished_ = true;
  CloseAndRemove();
}

void FileSink::CloseAndRemove() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(partial_path_.c_str());
}

absl::Status CallbackSink::Commit() {
  if (on_end_) {
    on_end_(absl::OkStatus());
  }
  return absl::OkStatus();
}

void CallbackSink::Abort(const absl::Status& why) {
  if (on_end_) {
    on_end_(why);
  }
}

}  // namespace tributary::client
