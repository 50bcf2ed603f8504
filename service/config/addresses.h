#ifndef TRIBUTARY_SERVICE_CONFIG_ADDRESSES_H_
#define TRIBUTARY_SERVICE_CONFIG_ADDRESSES_H_

// Internal to //service/config: the rules for listen addresses and upstream
// URLs.

#include "absl/strings/string_view.h"
#include "service/config/errors.h"

namespace tributary::config::internal {

// "host:port" or "[ipv6]:port"; port 0 (any free port) is allowed, tests bind
// it.
void CheckListenAddress(absl::string_view path, absl::string_view address,
                        Errors& errors);

// The gRPC listen address: a CheckListenAddress address, or a Unix domain
// socket "unix:/abs/path" / "unix:///abs/path" (a frontend in the same pod).
void CheckGrpcListenAddress(absl::string_view path, absl::string_view address,
                            Errors& errors);

// Whether two valid listen addresses would bind the same socket address: the
// same port (not 0) and the same host, or either host a wildcard ("0.0.0.0",
// "[::]": gRPC's "[::]" also takes IPv4, so "[::]:50051" and "0.0.0.0:50051"
// collide).
bool ListenAddressesOverlap(absl::string_view a, absl::string_view b);

// Whether two valid gRPC listen addresses would bind the same socket: the
// same Unix socket path ("unix:/p" is "unix:///p"), or overlapping host:port
// addresses (ListenAddressesOverlap).
bool GrpcListenAddressesCollide(absl::string_view a, absl::string_view b);

// An upstream's base URL: http or https, a host, no user info, no path beyond
// "/", no query, no fragment. Never quotes a URL with an '@' in it: it may
// carry credentials.
void CheckUrl(absl::string_view path, absl::string_view url, Errors& errors);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_ADDRESSES_H_
