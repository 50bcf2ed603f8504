#include "service/api/stream_limiter.h"

#include "absl/strings/str_cat.h"

namespace tributary::api {

std::string PeerAddress(std::string_view grpc_peer) {
  if (grpc_peer.rfind("ipv4:", 0) == 0 || grpc_peer.rfind("ipv6:", 0) == 0) {
    const size_t colon = grpc_peer.rfind(':');
    if (colon > 4) {
      return std::string(grpc_peer.substr(0, colon));
    }
  }
  return std::string(grpc_peer);
}

absl::Status StreamLimiter::TryAcquire(const std::string& peer) {
  int open = 0;
  {
    absl::MutexLock lock(&mu_);
    if (open_ >= max_streams_) {
      metrics_.RecordBlobStreamRejected();
      return absl::ResourceExhaustedError(
          absl::StrCat("already serving ", max_streams_,
                       " blob streams (limits.max_blob_streams)"));
    }
    auto [entry, added] = per_peer_.try_emplace(peer, 0);
    if (entry->second >= max_per_peer_) {
      metrics_.RecordBlobStreamRejected();
      return absl::ResourceExhaustedError(
          absl::StrCat("already serving ", max_per_peer_, " blob streams to ",
                       peer, " (limits.max_blob_streams_per_peer)"));
    }
    ++entry->second;
    open = ++open_;
  }
  metrics_.RecordBlobStreamsActive(open);
  return absl::OkStatus();
}

void StreamLimiter::Release(const std::string& peer) {
  int open = 0;
  {
    absl::MutexLock lock(&mu_);
    auto entry = per_peer_.find(peer);
    if (entry != per_peer_.end() && --entry->second == 0) {
      per_peer_.erase(entry);
    }
    open = --open_;
  }
  metrics_.RecordBlobStreamsActive(open);
}

bool CallLimiter::TryAcquire() {
  int open = open_.load();
  do {
    if (open >= max_calls_) {
      return false;
    }
  } while (!open_.compare_exchange_weak(open, open + 1));
  return true;
}

}  // namespace tributary::api
