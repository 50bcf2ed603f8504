#include "service/resolve/blob/copy_checks.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tributary::resolve {

std::optional<bool> CopyChecks::Check::verdict() const {
  absl::MutexLock lock(&mu_);
  return verdict_;
}

std::string CopyChecks::KeyOf(const oci::Digest& digest, uint64_t generation) {
  return absl::StrCat(digest.str(), "#", generation);
}

CopyChecks::Joined CopyChecks::Join(const oci::Digest& digest,
                                    const cache::BlobFile& file,
                                    std::shared_ptr<Doorbell> doorbell) {
  absl::MutexLock lock(&mu_);
  const std::string key = KeyOf(digest, file.generation());
  if (auto found = checks_.find(key); found != checks_.end()) {
    absl::MutexLock check_lock(&found->second->mu_);
    found->second->waiters_.push_back(std::move(doorbell));
    return {.check = found->second};
  }
  // No check in flight: either none started, or one finished (it recorded
  // its verdict in the store before it left the map, so the store knows).
  auto check = std::make_shared<Check>();
  switch (store_.StateOf(digest, file.generation())) {
    case cache::BlobStore::CopyState::kVerified:
      check->verdict_ = true;
      return {.check = check};
    case cache::BlobStore::CopyState::kGone:
      check->verdict_ = false;
      return {.check = check};
    case cache::BlobStore::CopyState::kUnverified:
      break;
  }
  checks_[key] = check;
  return {.check = check, .mine = true};
}

void CopyChecks::Finish(const oci::Digest& digest, const cache::BlobFile& file,
                        bool intact) {
  if (intact) {
    store_.MarkVerified(digest, file.generation());
  } else {
    store_.Remove(digest, file.generation());
  }
  std::shared_ptr<Check> check;
  {
    absl::MutexLock lock(&mu_);
    auto found = checks_.find(KeyOf(digest, file.generation()));
    if (found == checks_.end()) {
      return;
    }
    check = std::move(found->second);
    checks_.erase(found);
  }
  std::vector<std::shared_ptr<Doorbell>> waiters;
  {
    absl::MutexLock lock(&check->mu_);
    check->verdict_ = intact;
    waiters.swap(check->waiters_);
  }
  for (const std::shared_ptr<Doorbell>& doorbell : waiters) {
    doorbell->try_send(boost::system::error_code());
  }
}

int64_t CopyChecks::in_flight() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(checks_.size());
}

}  // namespace tributary::resolve
