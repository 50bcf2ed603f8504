#include "service/registry/origins.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/ip/address.hpp"
#include "boost/url/parse.hpp"
#include "service/http/address_rule.h"

namespace tributary::registry {

std::string OriginOf(absl::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(
      boost::urls::string_view(url.data(), url.size()));
  if (!parsed) {
    return "";
  }
  const bool https = parsed->scheme_id() == boost::urls::scheme::https;
  if (!https && parsed->scheme_id() != boost::urls::scheme::http) {
    return "";
  }
  const std::string port =
      parsed->has_port() ? std::string(parsed->port()) : (https ? "443" : "80");
  return absl::StrCat(https ? "https" : "http", "://",
                      absl::AsciiStrToLower(std::string(parsed->host())), ":",
                      port);
}

namespace {

// Whether `url` names localhost or an address literal off the public internet.
bool NamesAPrivateHost(absl::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(
      boost::urls::string_view(url.data(), url.size()));
  if (!parsed) {
    return false;
  }
  const std::string host = absl::AsciiStrToLower(
      std::string(parsed->host_type() == boost::urls::host_type::ipv6
                      ? parsed->encoded_host_address()
                      : parsed->host()));
  if (host == "localhost" || absl::EndsWith(host, ".localhost")) {
    return true;
  }
  boost::system::error_code not_an_address;
  const auto address = boost::asio::ip::make_address(host, not_an_address);
  return !not_an_address && !http::IsPublicAddress(address);
}

}  // namespace

http::AddressRule OtherOriginsRule(absl::string_view upstream_url,
                                   bool allow_private_redirects) {
  if (allow_private_redirects || NamesAPrivateHost(upstream_url)) {
    return http::AddressRule::kAny;
  }
  return http::AddressRule::kPublicOnly;
}

http::AddressRule OtherOriginsRule(const v1::UpstreamConfig& upstream) {
  return OtherOriginsRule(upstream.url(), upstream.allow_private_redirects());
}

void HoldOtherOrigins(const v1::UpstreamConfig& upstream,
                      http::RequestOptions& options) {
  options.trusted_origin = OriginOf(upstream.url());
  options.other_origins = OtherOriginsRule(upstream);
}

}  // namespace tributary::registry
