#include "service/oci/registry_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tributary::oci {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ValidateRegistryHostTest, AcceptsHostsAsClusterPullsNameThem) {
  const std::string good[] = {
      "docker.io",
      "ghcr.io",
      "registry.k8s.io",
      "quay.io",
      "localhost",
      "localhost:5000",
      "10.0.0.5",
      "10.0.0.5:443",
      "[::1]",
      "[fd00::1]:5000",
      "my-registry.example:65535",
      "a",
      std::string(63, 'a') + ".io",
  };
  for (const std::string& name : good) {
    EXPECT_TRUE(ValidateRegistryHost(name).ok())
        << name << ": " << ValidateRegistryHost(name);
  }
}

struct BadCase {
  std::string name;
  std::string reason;  // a substring of the error
};

TEST(ValidateRegistryHostTest, RefusesIllFormedHostsSayingWhy) {
  const BadCase cases[] = {
      {"", "empty"},
      {"Docker.io", "upper-case"},
      {"docker.io/library", "'/'"},
      {"docker_hub.io", "'_'"},
      {"-docker.io", "'-'"},
      {"docker-.io", "'-'"},
      {"docker..io", "1 to 63"},
      {"docker.io.", "1 to 63"},
      {std::string(64, 'a') + ".io", "1 to 63"},
      {std::string(256, 'a'), "longer than 255"},
      {"docker.io:", "port"},
      {"docker.io:0", "port"},
      {"docker.io:05000", "port"},
      {"docker.io:65536", "port"},
      {"docker.io:99999999999", "port"},
      {"docker.io:80:80", "port"},
      {"999.1.1.1", "IPv4"},
      {"[::1", "closing"},
      {"[::g]", "IPv6"},
      {"[FD00::1]", "upper-case"},
      {"[::1]x", "only \":PORT\""},
      {"https://docker.io", "port"},
      {"docker.io\n", "is not allowed"},
  };
  for (const BadCase& c : cases) {
    const absl::Status status = ValidateRegistryHost(c.name);
    ASSERT_FALSE(status.ok()) << c.name;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), StartsWith("registry \""))
        << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.reason)) << c.name;
  }
}

// Found by registry_host_fuzz (corpus: testdata/registry_host/
// ipv6_nul_then_junk): inet_pton reads the address as a C string, so it
// stopped at a NUL and everything after it was accepted unchecked.
TEST(ValidateRegistryHostTest, RefusesAnIpv6AddressWithBytesAfterANul) {
  for (const std::string& name :
       {std::string("[::\0junk/@\xff]", 12), std::string("[::1\0]:5000", 11),
        std::string("[::1]\0", 6)}) {
    const absl::Status status = ValidateRegistryHost(name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
}

}  // namespace
}  // namespace tributary::oci
