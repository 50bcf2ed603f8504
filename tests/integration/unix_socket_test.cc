// gRPC on a Unix domain socket (server.listen_address: unix:...), as a
// frontend in the same pod reaches Tributary, alone or beside TCP
// (server.additional_listen_addresses).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "grpcpp/create_channel.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

constexpr char kTcpListen[] = "listen_address: \"127.0.0.1:0\"";

// A fresh directory for one socket, removed with it. Short: a socket path has
// at most 107 bytes, and the test's temp dir is long.
class SocketDir {
 public:
  SocketDir() {
    char dir[] = "/tmp/trib-uds-XXXXXX";
    if (mkdtemp(dir) != nullptr) {
      dir_ = dir;
    }
  }
  ~SocketDir() {
    unlink(socket().c_str());
    rmdir(dir_.c_str());
  }
  bool ok() const { return !dir_.empty(); }
  std::string socket() const { return dir_ + "/grpc.sock"; }
  std::string address() const { return "unix://" + socket(); }

 private:
  std::string dir_;
};

// The test config with its server's listen_address line replaced by `lines`.
std::string ConfigListeningOn(const FakeUpstream& hub,
                              const std::string& lines) {
  std::string yaml = TestConfigYaml({{"hub", hub.url()}});
  yaml.replace(yaml.find(kTcpListen), sizeof(kTcpListen) - 1, lines);
  return yaml;
}

// ListUpstreams over a new channel to `address`: the status, and the first
// upstream's name when it answered.
grpc::Status ListUpstreamsAt(const std::string& address, std::string& first) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto admin = v1::AdminService::NewStub(channel);
  v1::ListUpstreamsResponse upstreams;
  auto context = ContextWithTimeout(absl::Seconds(10));
  const grpc::Status status = admin->ListUpstreams(
      context.get(), v1::ListUpstreamsRequest(), &upstreams);
  if (status.ok() && upstreams.upstreams_size() > 0) {
    first = upstreams.upstreams(0).name();
  }
  return status;
}

TEST(UnixSocketTest, ServesGrpcOnAUnixSocket) {
  SocketDir dir;
  ASSERT_TRUE(dir.ok());
  FakeUpstream hub;
  auto running = RunningServer::Start(
      ConfigListeningOn(hub, "listen_address: \"" + dir.address() + "\""));
  ASSERT_TRUE(running.ok()) << running.status();

  std::string first;
  const grpc::Status status = ListUpstreamsAt(dir.address(), first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first, "hub");
}

TEST(UnixSocketTest, ServesTheSameServiceOnTcpAndAnAdditionalUnixSocket) {
  SocketDir dir;
  ASSERT_TRUE(dir.ok());
  FakeUpstream hub;
  auto running = RunningServer::Start(ConfigListeningOn(
      hub, std::string(kTcpListen) + "\n  additional_listen_addresses: [\"" +
               dir.address() + "\"]"));
  ASSERT_TRUE(running.ok()) << running.status();

  for (const std::string& address :
       {(*running)->grpc_address(), dir.address()}) {
    std::string first;
    const grpc::Status status = ListUpstreamsAt(address, first);
    ASSERT_TRUE(status.ok()) << address << ": " << status.error_message();
    EXPECT_EQ(first, "hub") << address;
  }
}

TEST(UnixSocketTest, RefusesToStartWhenAnAdditionalAddressCannotListen) {
  FakeUpstream hub;
  const std::string unreachable = "unix:///nonexistent-dir/grpc.sock";
  auto running = RunningServer::Start(ConfigListeningOn(
      hub, std::string(kTcpListen) + "\n  additional_listen_addresses: [\"" +
               unreachable + "\"]"));
  ASSERT_FALSE(running.ok());
  EXPECT_EQ(running.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(running.status().message(),
            "server.additional_listen_addresses[0] " + unreachable +
                ": cannot listen");
}

}  // namespace
}  // namespace tributary::testing
