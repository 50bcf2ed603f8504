#include "service/http/address_rule.h"

#include "gtest/gtest.h"

namespace tributary::http {
namespace {

bool Public(const char* text) {
  return IsPublicAddress(boost::asio::ip::make_address(text));
}

TEST(IsPublicAddressTest, RefusesEveryAddressAnUpstreamMustNotSendUsTo) {
  for (const char* address :
       {"127.0.0.1", "127.1.2.3", "0.0.0.0", "10.0.0.7", "172.16.0.1",
        "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
        "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"}) {
    EXPECT_FALSE(Public(address)) << address;
  }
}

TEST(IsPublicAddressTest, AcceptsPublicAddresses) {
  for (const char* address : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "1.1.1.1",
                              "2606:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(Public(address)) << address;
  }
}

}  // namespace
}  // namespace tributary::http
