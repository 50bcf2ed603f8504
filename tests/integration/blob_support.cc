#include "tests/integration/blob_support.h"

#include <gtest/gtest.h>

#include "service/oci/digest.h"

namespace tributary::testing {

std::string MakeBlob(size_t size, int seed) {
  std::string blob(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    blob[i] = static_cast<char>('a' + (i * 7 + i / 13 + seed) % 26);
  }
  return blob;
}

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

Pulled ReadToEnd(grpc::ClientReaderInterface<v1::GetBlobResponse>& reader) {
  Pulled pulled;
  v1::GetBlobResponse message;
  while (reader.Read(&message)) {
    if (message.has_blob()) {
      pulled.descriptor = message.blob();
    } else {
      pulled.bytes += message.chunk();
      ++pulled.chunks;
    }
  }
  pulled.status = reader.Finish();
  return pulled;
}

absl::Duration CancelAndTimeUpstreamClose(
    grpc::ClientContext& context,
    grpc::ClientReaderInterface<v1::GetBlobResponse>& reader,
    const FakeUpstream& upstream) {
  const absl::Time cancelled = absl::Now();
  context.TryCancel();
  EXPECT_EQ(reader.Finish().error_code(), grpc::StatusCode::CANCELLED);
  upstream.WaitForNoOpenConnections(absl::Seconds(4));
  return absl::Now() - cancelled;
}

}  // namespace tributary::testing
