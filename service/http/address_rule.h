#ifndef TRIBUTARY_SERVICE_HTTP_ADDRESS_RULE_H_
#define TRIBUTARY_SERVICE_HTTP_ADDRESS_RULE_H_

#include "boost/asio/ip/address.hpp"

namespace tributary::http {

// Whether `address` is on the public internet: not loopback, unspecified,
// private (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10),
// link-local (169.254/16, fe80::/10, where cloud metadata services answer),
// multicast or reserved. IPv4-mapped IPv6 addresses are judged as IPv4. Pure.
bool IsPublicAddress(const boost::asio::ip::address& address);

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_ADDRESS_RULE_H_
