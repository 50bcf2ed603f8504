#include "service/http/address_rule.h"

#include <cstdint>

namespace tributary::http {
namespace {

namespace ip = boost::asio::ip;

bool InV4(uint32_t address, uint32_t network, int prefix) {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (address & mask) == (network & mask);
}

bool IsPublicV4(const ip::address_v4& v4) {
  const uint32_t a = v4.to_uint();
  struct Range {
    uint32_t network;
    int prefix;
  };
  static constexpr Range kNotPublic[] = {
      {0x00000000, 8},   // "this network", unspecified
      {0x0A000000, 8},   // private
      {0x64400000, 10},  // shared address space (carrier-grade NAT)
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // link-local: cloud metadata services
      {0xAC100000, 12},  // private
      {0xC0000000, 24},  // IETF protocol assignments
      {0xC0A80000, 16},  // private
      {0xC6120000, 15},  // benchmarking
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, broadcast
  };
  for (const Range& range : kNotPublic) {
    if (InV4(a, range.network, range.prefix)) {
      return false;
    }
  }
  return true;
}

bool IsPublicV6(const ip::address_v6& v6) {
  if (v6.is_v4_mapped()) {
    return IsPublicV4(ip::make_address_v4(ip::v4_mapped, v6));
  }
  const ip::address_v6::bytes_type bytes = v6.to_bytes();
  const bool unique_local = (bytes[0] & 0xFE) == 0xFC;  // fc00::/7
  return !v6.is_unspecified() && !v6.is_loopback() && !v6.is_link_local() &&
         !v6.is_site_local() && !v6.is_multicast() && !unique_local;
}

}  // namespace

bool IsPublicAddress(const ip::address& address) {
  return address.is_v4() ? IsPublicV4(address.to_v4())
                         : IsPublicV6(address.to_v6());
}

}  // namespace tributary::http
