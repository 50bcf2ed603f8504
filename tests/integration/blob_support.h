#ifndef TRIBUTARY_TESTS_INTEGRATION_BLOB_SUPPORT_H_
#define TRIBUTARY_TESTS_INTEGRATION_BLOB_SUPPORT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/fake_upstream.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::testing {

// `size` bytes of a repeating but not periodic pattern; `seed` varies it.
std::string MakeBlob(size_t size, int seed = 0);

// "sha256:…" of `bytes`.
std::string Sha256(const std::string& bytes);

// What a caller received from one GetBlob stream.
struct Pulled {
  grpc::Status status;
  v1::BlobDescriptor descriptor;
  std::string bytes;
  int chunks = 0;
};

// Reads a GetBlob stream to its end.
Pulled ReadToEnd(grpc::ClientReaderInterface<v1::GetBlobResponse>& reader);

// Cancels the call of `context` (whose stream is `reader`), checks that it
// ends CANCELLED, and returns how long `upstream` kept a connection open
// after the cancel (at most 4 s, when it never closed).
absl::Duration CancelAndTimeUpstreamClose(
    grpc::ClientContext& context,
    grpc::ClientReaderInterface<v1::GetBlobResponse>& reader,
    const FakeUpstream& upstream);

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_INTEGRATION_BLOB_SUPPORT_H_
