#ifndef TRIBUTARY_SERVICE_CACHE_BLOB_STORE_H_
#define TRIBUTARY_SERVICE_CACHE_BLOB_STORE_H_

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/cache/dir_fd.h"
#include "service/metrics/metrics.h"
#include "service/oci/digest.h"

namespace tributary::cache {

// A blob file opened for reading. The open descriptor keeps the bytes readable
// after the entry is evicted, removed or (for a file still being written)
// renamed into place. Thread-safe: reads are positional.
class BlobFile {
 public:
  BlobFile(int fd, int64_t size, absl::Time stored_at, bool verified,
           uint64_t generation);
  ~BlobFile();
  BlobFile(const BlobFile&) = delete;
  BlobFile& operator=(const BlobFile&) = delete;

  // Bytes in the file when it was opened; for a file still being written, the
  // bytes written so far are read with ReadAt regardless.
  int64_t size() const { return size_; }
  absl::Time stored_at() const { return stored_at_; }
  // False for a file found by the start-up scan and not yet hashed by this
  // process: its bytes may have rotted since they were verified.
  bool verified() const { return verified_; }
  // Which copy of the blob this is: every file the store indexes gets a new
  // generation, so a caller acting on what it read (MarkVerified, Remove)
  // never touches a newer copy committed meanwhile. 0 for a file still being
  // written.
  uint64_t generation() const { return generation_; }
  // Reads up to `max` bytes at `offset`; 0 at the end of what is written.
  absl::StatusOr<size_t> ReadAt(int64_t offset, char* data, size_t max) const;

 private:
  const int fd_;
  const int64_t size_;
  const absl::Time stored_at_;
  const bool verified_;
  const uint64_t generation_;
};

class BlobStore;

// Writes one blob to a temporary file. Nothing is visible under the blob's
// final name until Commit; destroying an uncommitted writer removes the
// temporary file. Not thread-safe (one writer per fill).
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Appends `bytes`, first reserving their room under the store's byte cap
  // (evicting least recently used blobs). Fails with RESOURCE_EXHAUSTED at the
  // cap, or with the system's reason (disk full, unwritable); after a failure
  // the writer is unusable and the store counts and logs the error once.
  absl::Status Append(std::string_view bytes);
  int64_t written() const { return written_; }
  // Whether a blob of `bytes` could ever fit under the store's cap.
  bool Fits(int64_t bytes) const;
  // Another descriptor on the temporary file, for readers that follow the
  // bytes as they are written.
  absl::StatusOr<std::unique_ptr<BlobFile>> OpenReader() const;
  // Renames the file to its final name and indexes it as the most recently
  // used blob. The caller has verified the bytes against the digest.
  absl::Status Commit();

 private:
  friend class BlobStore;
  BlobWriter(BlobStore& store, oci::Digest digest, std::string temp_name,
             int fd);
  // FailedPrecondition once the writer has failed or committed.
  absl::Status CheckUsable() const;
  // Gives up on the blob: closes and removes the temporary file, releases the
  // reservation and has the store record `status`, which it returns.
  absl::Status Fail(absl::Status status);
  void RemoveTemp() const;

  BlobStore& store_;  // must outlive the writer
  const oci::Digest digest_;
  const std::string temp_name_;       // in the store's tmp/
  const std::filesystem::path temp_;  // the same, for messages
  int fd_;                            // -1 once closed
  int64_t written_ = 0;
  int64_t reserved_ = 0;  // bytes of the store's cap this writer holds
  bool failed_ = false;
  bool committed_ = false;
};

// The on-disk, content-addressed blob store: `<directory>/sha256/ab/abcd…`
// (the first two hex digits fan the files out), temporary files in
// `<directory>/tmp/`. Bounded by bytes, least recently used evicted first;
// blobs being written count against the cap as they grow. Survives a
// restart: Open indexes what is there (oldest modification time = least
// recently used) and removes what a crash left in tmp/. Thread-safe.
//
// No local user can steer it: the directory must be the service user's alone
// (store_directory.h), and every file and folder in it is opened, created,
// renamed and removed relative to the directory's descriptor without
// following a symbolic link; files are created 0600, folders 0700.
class BlobStore {
 public:
  // Opens (or creates, 0700) the directory, refusing one that another user
  // could tamper with, cleans tmp/, indexes the blobs and evicts down to
  // `max_bytes`. Fails naming the directory and the reason when it cannot be
  // created, trusted or written. `metrics` may be null (unit tests).
  static absl::StatusOr<std::unique_ptr<BlobStore>> Open(
      std::filesystem::path directory, int64_t max_bytes,
      metrics::Metrics* metrics);

  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  // The stored blob, now the most recently used; null when there is none (or
  // its file vanished).
  std::unique_ptr<BlobFile> Find(const oci::Digest& digest)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Starts writing a blob; fails when the temporary file cannot be created.
  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(const oci::Digest& digest)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Records that a scanned blob's bytes hashed to its digest; only while
  // `generation` (BlobFile::generation) is still the stored copy.
  void MarkVerified(const oci::Digest& digest, uint64_t generation)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Drops the copy `generation` of a blob, e.g. one whose bytes no longer
  // match its digest; a newer copy (a refresh committed since the caller
  // opened its file) is kept.
  void Remove(const oci::Digest& digest, uint64_t generation)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Where the copy `generation` of a blob stands now.
  enum class CopyState { kGone, kUnverified, kVerified };
  CopyState StateOf(const oci::Digest& digest, uint64_t generation) const
      ABSL_LOCKS_EXCLUDED(mu_);

  int64_t size_bytes() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t entries() const ABSL_LOCKS_EXCLUDED(mu_);
  const std::filesystem::path& directory() const { return directory_; }
  // The final name of a blob: <directory>/<algorithm>/<hex[0:2]>/<hex>.
  std::filesystem::path PathOf(const oci::Digest& digest) const;

 private:
  friend class BlobWriter;
  struct Stored {
    std::string digest;  // text form, e.g. "sha256:…"
    int64_t bytes = 0;
    absl::Time stored_at;
    bool verified = false;
    uint64_t generation = 0;
  };
  using List = std::list<Stored>;

  BlobStore(std::filesystem::path directory, UniqueFd directory_fd,
            UniqueFd tmp_fd, int64_t max_bytes, metrics::Metrics* metrics);
  absl::Status Scan() ABSL_LOCKS_EXCLUDED(mu_);
  // Makes room for `bytes` more; false when even an empty store is too small.
  bool Reserve(int64_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  void Release(int64_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  // Moves a written blob's reservation into the index.
  absl::Status Publish(const oci::Digest& digest, const std::string& temp_name,
                       int64_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  // The fan-out folder of `digest` (`<algorithm>/ab/`), opened without
  // following links; Make creates it (replacing a non-folder) when missing.
  Opened OpenFanOut(const oci::Digest& digest) const;
  Opened MakeFanOut(const oci::Digest& digest) const;
  void RecordError(std::string_view what, const absl::Status& status);
  bool EvictOneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Deletes a blob's file; the caller erases its entry.
  void UnlinkLocked(const Stored& stored) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked(List::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReportSizeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::filesystem::path directory_;
  const UniqueFd directory_fd_;  // everything is opened relative to it
  const UniqueFd tmp_fd_;        // <directory>/tmp
  const int64_t max_bytes_;
  metrics::Metrics* const metrics_;
  mutable absl::Mutex mu_;
  List lru_ ABSL_GUARDED_BY(mu_);  // most recently used first
  absl::flat_hash_map<std::string, List::iterator> index_ ABSL_GUARDED_BY(mu_);
  int64_t stored_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t reserved_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<uint64_t> next_temp_{0};  // makes temporary file names unique
};

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_BLOB_STORE_H_
