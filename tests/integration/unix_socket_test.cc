// gRPC on a Unix domain socket (server.listen_address: unix:...), as a
// frontend in the same pod reaches Tributary.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "grpcpp/create_channel.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

TEST(UnixSocketTest, ServesGrpcOnAUnixSocket) {
  // Short: a socket path has at most 107 bytes; the test's temp dir is long.
  char dir[] = "/tmp/trib-uds-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string socket = std::string(dir) + "/grpc.sock";
  FakeUpstream hub;
  std::string yaml = TestConfigYaml({{"hub", hub.url()}});
  const std::string tcp = "listen_address: \"127.0.0.1:0\"";
  yaml.replace(yaml.find(tcp), tcp.size(),
               "listen_address: \"unix://" + socket + "\"");
  auto running = RunningServer::Start(yaml);
  ASSERT_TRUE(running.ok()) << running.status();

  auto channel = grpc::CreateChannel("unix://" + socket,
                                     grpc::InsecureChannelCredentials());
  auto admin = v1::AdminService::NewStub(channel);
  v1::ListUpstreamsResponse upstreams;
  auto context = ContextWithTimeout(absl::Seconds(10));
  const grpc::Status status = admin->ListUpstreams(
      context.get(), v1::ListUpstreamsRequest(), &upstreams);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(upstreams.upstreams_size(), 1);
  EXPECT_EQ(upstreams.upstreams(0).name(), "hub");

  running->reset();
  unlink(socket.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace tributary::testing
