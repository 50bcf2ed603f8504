#ifndef TRIBUTARY_SERVICE_REGISTRY_ORIGINS_H_
#define TRIBUTARY_SERVICE_REGISTRY_ORIGINS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "service/http/types.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {

// "scheme://host:port" of an absolute http(s) URL (host lowercased, default
// port filled in), "" when it is not one.
std::string OriginOf(absl::string_view url);

// What the origins other than `upstream`'s own (its redirects' targets, its
// token realm) may be: public addresses only, unless the config allows
// private ones or the upstream's URL itself names a non-public address or
// localhost (a registry on a private network redirects within it).
http::AddressRule OtherOriginsRule(const v1::UpstreamConfig& upstream);
http::AddressRule OtherOriginsRule(absl::string_view upstream_url,
                                   bool allow_private_redirects);

// Sets `options` to trust `upstream`'s origin and hold the others to
// OtherOriginsRule.
void HoldOtherOrigins(const v1::UpstreamConfig& upstream,
                      http::RequestOptions& options);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_ORIGINS_H_
