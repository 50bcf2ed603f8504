#include "service/cache/blob_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/cache/blob_store_scan.h"
#include "service/cache/store_directory.h"
#include "service/cache/system_error.h"
#include "service/oci/absl_compat.h"

namespace tributary::cache {
namespace {

namespace fs = std::filesystem;

// Writes all of `bytes` to `fd`, retrying partial writes and interruptions.
int WriteFully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace

BlobFile::BlobFile(int fd, int64_t size, absl::Time stored_at, bool verified,
                   uint64_t generation)
    : fd_(fd),
      size_(size),
      stored_at_(stored_at),
      verified_(verified),
      generation_(generation) {}

BlobFile::~BlobFile() { ::close(fd_); }

absl::StatusOr<size_t> BlobFile::ReadAt(int64_t offset, char* data,
                                        size_t max) const {
  if (offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative blob read offset ", offset));
  }
  while (true) {
    const ssize_t n = ::pread(fd_, data, max, static_cast<off_t>(offset));
    if (n >= 0) {
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) {
      return absl::ErrnoToStatus(errno, "cannot read blob file");
    }
  }
}

BlobWriter::BlobWriter(BlobStore& store, oci::Digest digest,
                       std::string temp_name, int fd)
    : store_(store),
      digest_(std::move(digest)),
      temp_name_(std::move(temp_name)),
      temp_(store.directory_ / "tmp" / temp_name_),
      fd_(fd) {}

BlobWriter::~BlobWriter() {
  if (failed_ || committed_) {
    return;  // the temporary file is gone and the reservation released
  }
  ::close(fd_);
  RemoveTemp();
  store_.Release(reserved_);
}

absl::Status BlobWriter::Append(std::string_view bytes) {
  if (absl::Status usable = CheckUsable(); !usable.ok()) {
    return usable;
  }
  const auto size = static_cast<int64_t>(bytes.size());
  if (!store_.Reserve(size)) {
    return Fail(absl::ResourceExhaustedError(absl::StrCat(
        "blob store is full (cache.blob_disk_bytes = ", store_.max_bytes_,
        ")")));
  }
  reserved_ += size;
  if (const int error = WriteFully(fd_, bytes); error != 0) {
    return Fail(SystemError("cannot write", temp_, error));
  }
  written_ += size;
  return absl::OkStatus();
}

bool BlobWriter::Fits(int64_t bytes) const {
  return bytes <= store_.max_bytes_;
}

absl::StatusOr<std::unique_ptr<BlobFile>> BlobWriter::OpenReader() const {
  if (absl::Status usable = CheckUsable(); !usable.ok()) {
    return usable;
  }
  Opened file = OpenFileAt(store_.tmp_fd_.get(), temp_name_, O_RDONLY);
  if (file.error != 0) {
    return SystemError("cannot open", temp_, file.error);
  }
  return std::make_unique<BlobFile>(file.fd.Release(), written_, absl::Now(),
                                    /*verified=*/false, /*generation=*/0);
}

absl::Status BlobWriter::Commit() {
  if (absl::Status usable = CheckUsable(); !usable.ok()) {
    return usable;
  }
  // No fsync, on purpose: after a crash the file is at worst short or
  // garbled, and the start-up scan indexes every file as unverified, so
  // readers hash it before it is first served and Remove it on a mismatch.
  // Syncing every blob would cost far more than refetching the rare one.
  if (::close(fd_) != 0 && errno != EINTR) {
    const int error = errno;
    fd_ = -1;
    return Fail(SystemError("cannot close", temp_, error));
  }
  fd_ = -1;
  if (absl::Status published = store_.Publish(digest_, temp_name_, written_);
      !published.ok()) {
    return Fail(std::move(published));
  }
  reserved_ = 0;
  committed_ = true;
  return absl::OkStatus();
}

absl::Status BlobWriter::CheckUsable() const {
  if (failed_ || committed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("blob writer for ", digest_.str(),
                     failed_ ? " has failed" : " is committed"));
  }
  return absl::OkStatus();
}

absl::Status BlobWriter::Fail(absl::Status status) {
  failed_ = true;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  RemoveTemp();
  store_.Release(reserved_);
  reserved_ = 0;
  store_.RecordError(digest_.str(), status);
  return status;
}

void BlobWriter::RemoveTemp() const {
  ::unlinkat(store_.tmp_fd_.get(), temp_name_.c_str(), 0);
}

absl::StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(
    fs::path directory, int64_t max_bytes, metrics::Metrics* metrics) {
  absl::StatusOr<UniqueFd> directory_fd = OpenStoreDirectory(directory);
  if (!directory_fd.ok()) {
    return directory_fd.status();
  }
  absl::StatusOr<UniqueFd> tmp_fd =
      OpenEmptyTmp(directory_fd->get(), directory);
  if (!tmp_fd.ok()) {
    return tmp_fd.status();
  }
  std::unique_ptr<BlobStore> store(
      new BlobStore(std::move(directory), *std::move(directory_fd),
                    *std::move(tmp_fd), max_bytes, metrics));
  if (absl::Status scanned = store->Scan(); !scanned.ok()) {
    return scanned;
  }
  return store;
}

BlobStore::BlobStore(fs::path directory, UniqueFd directory_fd, UniqueFd tmp_fd,
                     int64_t max_bytes, metrics::Metrics* metrics)
    : directory_(std::move(directory)),
      directory_fd_(std::move(directory_fd)),
      tmp_fd_(std::move(tmp_fd)),
      max_bytes_(max_bytes),
      metrics_(metrics) {}

absl::Status BlobStore::Scan() {
  absl::StatusOr<std::vector<FoundBlob>> found =
      ScanBlobDirectory(directory_fd_.get(), directory_);
  if (!found.ok()) {
    return found.status();
  }
  absl::MutexLock lock(&mu_);
  for (FoundBlob& blob : *found) {
    lru_.push_front({.digest = std::move(blob.digest),
                     .bytes = blob.bytes,
                     .stored_at = blob.modified,
                     .verified = false,
                     .generation = ++last_generation_});
    index_[lru_.front().digest] = lru_.begin();
    stored_bytes_ += blob.bytes;
  }
  const int64_t found_bytes = stored_bytes_;
  int evicted = 0;
  while (stored_bytes_ > max_bytes_ && EvictOneLocked()) {
    ++evicted;
  }
  ReportSizeLocked();
  spdlog::info(
      "blob store {}: found {} blobs ({} bytes), evicted {} to fit {} bytes",
      directory_.string(), found->size(), found_bytes, evicted, max_bytes_);
  return absl::OkStatus();
}

std::unique_ptr<BlobFile> BlobStore::Find(const oci::Digest& digest) {
  std::unique_ptr<BlobFile> file;
  int fd = -1;
  {
    // Opened under the lock so that an eviction or a Publish of the same
    // digest cannot slip between the lookup and the open.
    absl::MutexLock lock(&mu_);
    auto found = index_.find(digest.str());
    if (found == index_.end()) {
      return nullptr;
    }
    Opened opened = OpenFanOut(digest);
    if (opened.error == 0) {
      opened = OpenFileAt(opened.fd.get(), std::string(digest.hex()), O_RDONLY);
    }
    if (opened.error != 0) {
      if (opened.error != ENOENT) {
        // A link or something else planted under the name: never served.
        RecordError(digest.str(),
                    SystemError("cannot open", PathOf(digest), opened.error));
      }
      EraseLocked(found->second);
      ReportSizeLocked();
      return nullptr;
    }
    fd = opened.fd.Release();
    lru_.splice(lru_.begin(), lru_, found->second);
    const Stored& stored = *found->second;
    file = std::make_unique<BlobFile>(fd, stored.bytes, stored.stored_at,
                                      stored.verified, stored.generation);
  }
  // Best effort: the modification time is the recency the next start-up
  // scan orders by. Needs no lock: it touches only the open file.
  (void)::futimens(fd, nullptr);
  return file;
}

absl::StatusOr<std::unique_ptr<BlobWriter>> BlobStore::Create(
    const oci::Digest& digest) {
  std::string temp =
      absl::StrCat(oci::AsAbsl(digest.hex()), ".", next_temp_.fetch_add(1));
  Opened file = OpenFileAt(tmp_fd_.get(), temp, O_WRONLY | O_CREAT | O_EXCL);
  if (file.error != 0) {
    absl::Status status =
        SystemError("cannot create", directory_ / "tmp" / temp, file.error);
    RecordError(digest.str(), status);
    return status;
  }
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(*this, digest, std::move(temp), file.fd.Release()));
}

void BlobStore::MarkVerified(const oci::Digest& digest, uint64_t generation) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(digest.str());
  if (found != index_.end() && found->second->generation == generation) {
    found->second->verified = true;
  }
}

void BlobStore::Remove(const oci::Digest& digest, uint64_t generation) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(digest.str());
  // Another generation is a newer copy: its file replaced the one the
  // caller judged, so unlinking the name would delete good bytes.
  if (found == index_.end() || found->second->generation != generation) {
    return;
  }
  UnlinkLocked(*found->second);
  EraseLocked(found->second);
  ReportSizeLocked();
}

BlobStore::CopyState BlobStore::StateOf(const oci::Digest& digest,
                                        uint64_t generation) const {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(digest.str());
  if (found == index_.end() || found->second->generation != generation) {
    return CopyState::kGone;
  }
  return found->second->verified ? CopyState::kVerified
                                 : CopyState::kUnverified;
}

int64_t BlobStore::size_bytes() const {
  absl::MutexLock lock(&mu_);
  return stored_bytes_;
}

int64_t BlobStore::entries() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(index_.size());
}

fs::path BlobStore::PathOf(const oci::Digest& digest) const {
  const std::string_view hex = digest.hex();
  return directory_ / oci::AlgorithmName(digest.algorithm()) /
         hex.substr(0, 2) / hex;
}

bool BlobStore::Reserve(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  // Checked first so that a write that can never fit evicts nothing.
  if (reserved_bytes_ + bytes > max_bytes_) {
    return false;
  }
  bool evicted = false;
  while (stored_bytes_ + reserved_bytes_ + bytes > max_bytes_ &&
         EvictOneLocked()) {
    evicted = true;
  }
  reserved_bytes_ += bytes;
  if (evicted) {
    ReportSizeLocked();
  }
  return true;
}

void BlobStore::Release(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  reserved_bytes_ -= bytes;
}

absl::Status BlobStore::Publish(const oci::Digest& digest,
                                const std::string& temp_name, int64_t bytes) {
  const fs::path path = PathOf(digest);
  // Under the lock, so that no eviction or Remove of an older copy of the
  // same digest unlinks the file just renamed into place.
  absl::MutexLock lock(&mu_);
  Opened fan_out = MakeFanOut(digest);
  if (fan_out.error != 0) {
    return SystemError("cannot create", path.parent_path(), fan_out.error);
  }
  if (::renameat(tmp_fd_.get(), temp_name.c_str(), fan_out.fd.get(),
                 std::string(digest.hex()).c_str()) != 0) {
    return SystemError("cannot rename into", path, errno);
  }
  // The rename replaced any older copy's file; only its entry is left.
  if (auto found = index_.find(digest.str()); found != index_.end()) {
    EraseLocked(found->second);
  }
  reserved_bytes_ -= bytes;
  stored_bytes_ += bytes;
  lru_.push_front({.digest = digest.str(),
                   .bytes = bytes,
                   .stored_at = absl::Now(),
                   .verified = true,
                   .generation = ++last_generation_});
  index_[digest.str()] = lru_.begin();
  ReportSizeLocked();
  return absl::OkStatus();
}

void BlobStore::RecordError(std::string_view what, const absl::Status& status) {
  if (metrics_ != nullptr) {
    metrics_->RecordCacheDiskError();
  }
  spdlog::warn("blob store {}: {}: {}", directory_.string(), what,
               status.ToString());
}

bool BlobStore::EvictOneLocked() {
  if (lru_.empty()) {
    return false;
  }
  UnlinkLocked(lru_.back());
  EraseLocked(std::prev(lru_.end()));
  if (metrics_ != nullptr) {
    metrics_->RecordCacheEviction(metrics::CacheStore::kDisk);
  }
  return true;
}

void BlobStore::UnlinkLocked(const Stored& stored) {
  auto digest = oci::Digest::Parse(stored.digest);
  if (!digest.ok()) {
    return;  // cannot happen: only Digest text is indexed
  }
  Opened fan_out = OpenFanOut(*digest);
  int error = fan_out.error;
  if (error == 0 && ::unlinkat(fan_out.fd.get(),
                               std::string(digest->hex()).c_str(), 0) != 0) {
    error = errno;
  }
  if (error != 0 && error != ENOENT) {
    // The entry goes anyway: the bytes are no longer counted, and the next
    // start-up scan finds the file again if it is still there.
    RecordError(stored.digest,
                SystemError("cannot remove", PathOf(*digest), error));
  }
}

Opened BlobStore::OpenFanOut(const oci::Digest& digest) const {
  Opened algorithm = OpenDirectoryAt(
      directory_fd_.get(), std::string(oci::AlgorithmName(digest.algorithm())));
  if (algorithm.error != 0) {
    return algorithm;
  }
  return OpenDirectoryAt(algorithm.fd.get(),
                         std::string(digest.hex().substr(0, 2)));
}

Opened BlobStore::MakeFanOut(const oci::Digest& digest) const {
  Opened algorithm = ReplaceWithDirectoryAt(
      directory_fd_.get(), std::string(oci::AlgorithmName(digest.algorithm())));
  if (algorithm.error != 0) {
    return algorithm;
  }
  return ReplaceWithDirectoryAt(algorithm.fd.get(),
                                std::string(digest.hex().substr(0, 2)));
}

void BlobStore::EraseLocked(List::iterator it) {
  stored_bytes_ -= it->bytes;
  index_.erase(it->digest);
  lru_.erase(it);
}

void BlobStore::ReportSizeLocked() {
  if (metrics_ != nullptr) {
    metrics_->RecordCacheSize(metrics::CacheStore::kDisk, stored_bytes_,
                              static_cast<int64_t>(index_.size()));
  }
}

}  // namespace tributary::cache
