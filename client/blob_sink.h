#ifndef TRIBUTARY_CLIENT_BLOB_SINK_H_
#define TRIBUTARY_CLIENT_BLOB_SINK_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tributary::client {

// Where a downloaded blob's bytes go. The downloader calls Write with the bytes
// in order, then exactly one of Commit (every byte arrived and the digest
// matched) or Abort (anything else, including a digest mismatch). Bytes
// written before an Abort are not to be trusted. Implementations need not be
// thread-safe: one download drives one sink from one thread.
class BlobSink {
 public:
  virtual ~BlobSink() = default;

  // An error stops the download, which then aborts the sink.
  virtual absl::Status Write(absl::string_view bytes) = 0;
  // The blob is complete and verified.
  virtual absl::Status Commit() = 0;
  // The download failed for `why`: discard what was written.
  virtual void Abort(const absl::Status& why) = 0;
};

// Writes a blob to a file that appears only once the blob is verified: bytes
// go to a temporary file beside `path` ("<path>.partial-XXXXXX"), which Commit
// renames over `path` and Abort (or destruction without Commit) removes. So a
// digest mismatch leaves no partial file, and an existing file at `path`
// survives a failed download. Not thread-safe.
class FileSink final : public BlobSink {
 public:
  // Creates the temporary file. Fails (with the path and errno's reason) when
  // the directory is missing or not writable.
  static absl::StatusOr<std::unique_ptr<FileSink>> Create(
      const std::string& path);
  ~FileSink() override;

  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  absl::Status Write(absl::string_view bytes) override;
  absl::Status Commit() override;
  void Abort(const absl::Status& why) override;

  const std::string& path() const { return path_; }
  // The temporary file; gone after Commit or Abort.
  const std::string& partial_path() const { return partial_path_; }

 private:
  FileSink(std::string path, std::string partial_path, int fd)
      : path_(std::move(path)),
        partial_path_(std::move(partial_path)),
        fd_(fd) {}
  void CloseAndRemove();

  std::string path_;
  std::string partial_path_;
  int fd_;  // -1 once closed.
  bool finished_ = false;
};

// Hands each chunk to a callback, e.g. to stream a blob into memory or a
// socket. `on_bytes` may return an error to stop the download; `on_end`
// (optional) learns the outcome: OK after a verified download, the error
// otherwise. Not thread-safe.
class CallbackSink final : public BlobSink {
 public:
  using BytesCallback = std::function<absl::Status(absl::string_view)>;
  using EndCallback = std::function<void(const absl::Status&)>;

  explicit CallbackSink(BytesCallback on_bytes, EndCallback on_end = nullptr)
      : on_bytes_(std::move(on_bytes)), on_end_(std::move(on_end)) {}

  absl::Status Write(absl::string_view bytes) override {
    return on_bytes_(bytes);
  }
  absl::Status Commit() override;
  void Abort(const absl::Status& why) override;

 private:
  BytesCallback on_bytes_;
  EndCallback on_end_;
};

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_BLOB_SINK_H_
