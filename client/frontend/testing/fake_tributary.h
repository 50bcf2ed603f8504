#ifndef TRIBUTARY_CLIENT_FRONTEND_TESTING_FAKE_TRIBUTARY_H_
#define TRIBUTARY_CLIENT_FRONTEND_TESTING_FAKE_TRIBUTARY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::frontend::testing {

// An in-process Tributary ResolverService on 127.0.0.1:0 for the frontend's
// tests, answering from memory:
//
// - repository "err/<code>" (e.g. "err/unavailable", "err/resource_exhausted",
//   "err/deadline_exceeded", "err/permission_denied") fails every call with
//   that gRPC code; repositories starting with "missing" are NOT_FOUND;
// - GetManifest/HeadManifest: manifest() under manifest_digest(), any other
//   repository and reference;
// - HeadBlob/GetBlob: blob() only (offset and length honoured), sent in
//   chunk_size pieces, after a descriptor whose size is the bytes sent;
//   repository "broken/blob" sends half the bytes, then DATA_LOSS, as the
//   service does when a digest fails to verify; repository "large/blob"
//   streams large_blob_size() bytes (the blob repeated) in chunk_size
//   pieces under the same digest, for flow-control tests;
// - ListTags pages through tags() ("a".."e") after `last`.
//
// Remembers the last GetManifest request (the Accept list passed on) and counts
// the chunk bytes whose write completed (gRPC took them within the client's
// flow-control window).
// Thread-safe; the destructor shuts it down.
class FakeTributary {
 public:
  static absl::StatusOr<std::unique_ptr<FakeTributary>> Start(
      std::size_t chunk_size = 1000);
  ~FakeTributary();

  std::string address() const;  // "127.0.0.1:PORT"
  static const std::string& manifest();
  static std::string manifest_digest();
  static const std::string& manifest_media_type();
  static const std::string& blob();
  static std::string blob_digest();
  static const std::vector<std::string>& tags();
  static int64_t large_blob_size();  // 64 MiB

  // Chunk bytes of every GetBlob stream whose write completed so far.
  int64_t blob_bytes_sent() const;

  v1::GetManifestRequest last_manifest_request() const;

 private:
  struct Parts;
  explicit FakeTributary(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace tributary::frontend::testing

#endif  // TRIBUTARY_CLIENT_FRONTEND_TESTING_FAKE_TRIBUTARY_H_
