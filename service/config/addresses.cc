#include "service/config/addresses.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/url/parse.hpp"
#include "boost/url/scheme.hpp"
#include "boost/url/url_view.hpp"

namespace tributary::config::internal {
namespace {

absl::string_view View(boost::core::string_view text) {
  return {text.data(), text.size()};
}

std::optional<int> ParsePort(absl::string_view text) {
  int port = 0;
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &port) || port > 65535) {
    return std::nullopt;
  }
  return port;
}

struct HostPort {
  absl::string_view host;
  absl::string_view port;
  bool bracketed = false;
};

// Splits "host:port" or "[ipv6]:port".
std::optional<HostPort> SplitHostPort(absl::string_view address) {
  HostPort parts;
  size_t colon = absl::string_view::npos;
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return std::nullopt;
    }
    parts.host = address.substr(1, close - 1);
    parts.bracketed = true;
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == absl::string_view::npos) {
      return std::nullopt;
    }
    parts.host = address.substr(0, colon);
  }
  parts.port = address.substr(colon + 1);
  return parts;
}

bool IsHostChar(char c) {
  return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
}
bool IsIpv6Char(char c) {
  return absl::ascii_isxdigit(c) || c == ':' || c == '.';
}

// " (got \"part\")", unless the URL has an '@' in it: it may carry credentials.
std::string Got(absl::string_view url, absl::string_view part) {
  if (absl::StrContains(url, '@')) {
    return "";
  }
  return absl::StrCat(" (got ", Quote(part), ")");
}

}  // namespace

void CheckListenAddress(absl::string_view path, absl::string_view address,
                        Errors& errors) {
  const std::optional<HostPort> parts = SplitHostPort(address);
  if (!parts.has_value()) {
    errors.Add(path, absl::StrCat("must be host:port such as \"0.0.0.0:50051\" "
                                  "or \"[::]:50051\" (got ",
                                  Quote(address), ")"));
    return;
  }
  const absl::string_view host = parts->host;
  if (!parts->bracketed && absl::StrContains(host, ':')) {
    errors.Add(path, absl::StrCat("an IPv6 host must be in brackets, e.g. "
                                  "\"[::]:50051\" (got ",
                                  Quote(address), ")"));
  } else if (host.empty() ||
             !std::all_of(host.begin(), host.end(),
                          parts->bracketed ? IsIpv6Char : IsHostChar)) {
    errors.Add(path, absl::StrCat("invalid host ", Quote(host)));
  }
  if (!ParsePort(parts->port).has_value()) {
    errors.Add(path, absl::StrCat("port must be a number from 0 to 65535 (got ",
                                  Quote(parts->port), ")"));
  }
}

void CheckGrpcListenAddress(absl::string_view path, absl::string_view address,
                            Errors& errors) {
  absl::string_view socket = address;
  if (!absl::ConsumePrefix(&socket, "unix:")) {
    CheckListenAddress(path, address, errors);
    return;
  }
  absl::ConsumePrefix(&socket, "//");
  // sockaddr_un holds 108 bytes with the terminating NUL.
  constexpr size_t kMaxSocketPath = 107;
  if (!absl::StartsWith(socket, "/") || socket.size() > kMaxSocketPath ||
      absl::StrContains(socket, '\0')) {
    errors.Add(path, absl::StrCat("a Unix socket must be an absolute path of "
                                  "at most ",
                                  kMaxSocketPath,
                                  " bytes, e.g. "
                                  "\"unix:///run/tributary/grpc.sock\" (got ",
                                  Quote(address), ")"));
  }
}

bool ListenAddressesOverlap(absl::string_view a, absl::string_view b) {
  const std::optional<HostPort> first = SplitHostPort(a);
  const std::optional<HostPort> second = SplitHostPort(b);
  if (!first.has_value() || !second.has_value() ||
      first->port != second->port || first->port == "0") {
    return false;
  }
  const auto wildcard = [](absl::string_view host) {
    return host == "0.0.0.0" || host == "::";
  };
  return first->host == second->host || wildcard(first->host) ||
         wildcard(second->host);
}

bool GrpcListenAddressesCollide(absl::string_view a, absl::string_view b) {
  const bool a_unix = absl::ConsumePrefix(&a, "unix:");
  const bool b_unix = absl::ConsumePrefix(&b, "unix:");
  if (a_unix != b_unix) {
    return false;
  }
  if (!a_unix) {
    return ListenAddressesOverlap(a, b);
  }
  absl::ConsumePrefix(&a, "//");
  absl::ConsumePrefix(&b, "//");
  return a == b;
}

void CheckUrl(absl::string_view path, absl::string_view url, Errors& errors) {
  if (url.empty()) {
    errors.Add(path, "required, e.g. \"https://registry-1.docker.io\"");
    return;
  }
  const auto parsed =
      boost::urls::parse_uri(boost::core::string_view(url.data(), url.size()));
  if (!parsed) {
    errors.Add(path, absl::StrCat("must be an absolute URL such as "
                                  "\"https://registry-1.docker.io\"",
                                  Got(url, url)));
    return;
  }
  const boost::urls::url_view& parts = *parsed;
  if (parts.has_userinfo()) {
    errors.Add(path,
               "must not contain credentials (user info before '@'); "
               "credentials never go inline in the config");
  }
  if (parts.scheme_id() != boost::urls::scheme::http &&
      parts.scheme_id() != boost::urls::scheme::https) {
    errors.Add(path, absl::StrCat("scheme must be http or https (got ",
                                  Quote(View(parts.scheme())), ")"));
  }
  if (parts.encoded_host().empty()) {
    errors.Add(path, "must have a host");
  }
  const std::optional<int> port = ParsePort(View(parts.port()));
  if (parts.has_port() && (!port.has_value() || *port == 0)) {
    errors.Add(path, absl::StrCat("port must be a number from 1 to 65535 (got ",
                                  Quote(View(parts.port())), ")"));
  }
  const absl::string_view url_path = View(parts.encoded_path());
  if (!url_path.empty() && url_path != "/") {
    errors.Add(path, absl::StrCat("must not have a path", Got(url, url_path),
                                  "; set api_prefix instead"));
  }
  if (parts.has_query()) {
    errors.Add(path, "must not have a query ('?...')");
  }
  if (parts.has_fragment()) {
    errors.Add(path, "must not have a fragment ('#...')");
  }
}

}  // namespace tributary::config::internal
