// Flow control between Tributary and a slow HTTP client through a real
// Frontend and the in-process fake Tributary: what the frontend lets
// Tributary send ahead of the client, and shutdown with a download in flight.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/frontend/frontend.h"
#include "client/frontend/testing/fake_tributary.h"
#include "client/frontend/testing/raw_connection.h"

namespace tributary::frontend {
namespace {

using testing::FakeTributary;
using ::testing::HasSubstr;
using testing::RawConnection;

// The bytes the kernel holds on the loopback TCP connection between
// `server_port` and `client_port`: the server's unacknowledged send queue and
// the client's unread receive queue (/proc/net/tcp's tx_queue and rx_queue).
int64_t BytesInKernel(int server_port, int client_port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  int64_t total = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const int local_port = std::stoi(local.substr(local.find(':') + 1), 0, 16);
    const int remote_port =
        std::stoi(remote.substr(remote.find(':') + 1), 0, 16);
    const std::size_t colon = queues.find(':');
    if (local_port == server_port && remote_port == client_port) {
      total += std::stoll(queues.substr(0, colon), nullptr, 16);  // tx
    } else if (local_port == client_port && remote_port == server_port) {
      total += std::stoll(queues.substr(colon + 1), nullptr, 16);  // rx
    }
  }
  return total;
}

// Flow control between Tributary and a slow HTTP client, with Tributary's
// chunk size.
class FrontendFlowControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeTributary::Start(static_cast<std::size_t>(kChunkSize));
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = *std::move(fake);
    FrontendConfig config;
    config.listen_address = "127.0.0.1:0";
    config.plain_http = true;
    config.tributary.address = fake_->address();
    Configure(config);
    auto frontend = Frontend::Start(config);
    ASSERT_TRUE(frontend.ok()) << frontend.status();
    frontend_ = *std::move(frontend);
  }
  // What a derived fixture changes in the frontend's config.
  virtual void Configure(FrontendConfig& /*config*/) {}

  // The fake's sent chunk bytes once they stopped growing for a second.
  int64_t SettledBytesSent() {
    int64_t last = -1;
    int unchanged = 0;
    for (int poll = 0; poll < 200 && unchanged < 10; ++poll) {
      absl::SleepFor(absl::Milliseconds(100));
      const int64_t now = fake_->blob_bytes_sent();
      unchanged = now == last ? unchanged + 1 : 0;
      last = now;
    }
    return last;
  }

  static constexpr int64_t kChunkSize = 256 << 10;
  std::unique_ptr<FakeTributary> fake_;
  std::unique_ptr<Frontend> frontend_;
};

// While the client reads slowly and then stops, the frontend lets gRPC's flow
// control hold Tributary back: what Tributary got out beyond what the client
// read and the kernel's socket queues hold stays within a few chunks (the
// one being written, one message a pending read admits, gRPC's default
// window). gRPC's BDP probe grew that window to 6-17 MB here.
TEST_F(FrontendFlowControlTest, ASlowClientHoldsTributaryBackWithinAFewChunks) {
  RawConnection connection(frontend_->port(), /*receive_buffer=*/256 << 10);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(absl::StrCat("GET /v2/large/blob/blobs/",
                                           FakeTributary::blob_digest(),
                                           " HTTP/1.1\r\nHost: x\r\n\r\n")));
  ASSERT_THAT(connection.ReadUntil("\r\n\r\n"), HasSubstr("200 OK"));
  int64_t received = 0;  // ~3 MB/s for four seconds, then nothing
  for (int i = 0; i < 400; ++i) {
    received += std::max<int64_t>(0, connection.Read(32 << 10));
    absl::SleepFor(absl::Milliseconds(10));
  }
  const int64_t sent = SettledBytesSent();
  const int64_t kernel =
      BytesInKernel(frontend_->port(), connection.local_port());
  EXPECT_LT(sent - received - kernel, 4 * kChunkSize)
      << "Tributary sent " << sent << " bytes, the client read " << received
      << ", the kernel holds " << kernel;
}

// Shutdown cancels the blob streams in flight and waits for their end: here
// one whose client stopped reading, so the session waits on its socket.
TEST_F(FrontendFlowControlTest, ShutdownEndsADownloadInFlight) {
  RawConnection connection(frontend_->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(absl::StrCat("GET /v2/large/blob/blobs/",
                                           FakeTributary::blob_digest(),
                                           " HTTP/1.1\r\nHost: x\r\n\r\n")));
  ASSERT_THAT(connection.ReadUntil("\r\n\r\n"), HasSubstr("200 OK"));
  const absl::Time start = absl::Now();
  frontend_->Shutdown();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// At most max_blob_downloads stream at once: the next waits for one to end,
// up to call_timeout, then gets 429; a download that ended frees its slot.
class FrontendDownloadCapTest : public FrontendFlowControlTest {
 protected:
  void Configure(FrontendConfig& config) override {
    config.max_blob_downloads = 1;
    config.call_timeout = absl::Milliseconds(500);
  }

  std::unique_ptr<RawConnection> Download() {
    auto connection = std::make_unique<RawConnection>(frontend_->port());
    EXPECT_TRUE(connection->connected());
    EXPECT_TRUE(connection->Send(absl::StrCat("GET /v2/large/blob/blobs/",
                                              FakeTributary::blob_digest(),
                                              " HTTP/1.1\r\nHost: x\r\n\r\n")));
    return connection;
  }
};

TEST_F(FrontendDownloadCapTest, ADownloadPastTheCapGets429WhenNoneEndsInTime) {
  std::unique_ptr<RawConnection> first = Download();
  ASSERT_THAT(first->ReadUntil("\r\n\r\n"), HasSubstr("200 OK"));
  // The first client reads nothing more: its download holds the one slot.
  std::unique_ptr<RawConnection> second = Download();
  const std::string refused = second->ReadUntil("TOOMANYREQUESTS");
  EXPECT_THAT(refused, HasSubstr("429"));
  EXPECT_THAT(refused, HasSubstr("Retry-After"));
  EXPECT_THAT(refused, HasSubstr("max_blob_downloads"));

  first.reset();  // its download fails on the closed socket, freeing the slot
  std::unique_ptr<RawConnection> third = Download();
  EXPECT_THAT(third->ReadUntil("\r\n\r\n"), HasSubstr("200 OK"));
}

}  // namespace
}  // namespace tributary::frontend
