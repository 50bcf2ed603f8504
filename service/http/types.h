#ifndef TRIBUTARY_SERVICE_HTTP_TYPES_H_
#define TRIBUTARY_SERVICE_HTTP_TYPES_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tributary::http {

// Header fields in the order sent or received; names compare
// case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

// Returns the first value of `name` in `headers`, or "" when absent.
absl::string_view FindHeader(const Headers& headers, absl::string_view name);

// One HTTP/1.1 request. The client adds Host, User-Agent and Connection itself.
struct Request {
  std::string method = "GET";
  // Absolute http:// or https:// URL.
  std::string url;
  Headers headers;
};

// A complete response; `body` holds at most RequestOptions::body_limit bytes.
struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // The URL that answered, after redirects.
  std::string url;

  absl::string_view Header(absl::string_view name) const {
    return FindHeader(headers, name);
  }
};

// TLS for every connection a Client makes. Plain value type.
struct TlsOptions {
  // PEM CA bundle trusted in addition to the system CAs.
  std::string ca_file;
  // PEM client certificate chain and its private key, presented when a server
  // asks (mutual TLS); both or neither.
  std::string cert_file;
  std::string key_file;
  // A URL of the one origin (scheme, host, port) the client certificate is
  // presented to: the upstream's own, so its configured URL will do. Every
  // other origin (a blob redirect's CDN, a token realm on another host) gets a
  // handshake without it, so a hostile or careless upstream cannot make
  // Tributary prove its identity elsewhere. Empty: presented to every origin (a
  // client that only ever talks to one server).
  std::string cert_origin;
  // No certificate or host name checks at all (tests, emergencies).
  bool insecure_skip_verify = false;
};

// Which addresses a connection may reach.
enum class AddressRule {
  kAny,
  // Public addresses only (address_rule.h): a hostile upstream's redirect or
  // token realm must not make Tributary fetch from its own host or network,
  // such as a cloud metadata service at 169.254.169.254.
  kPublicOnly,
};

struct RequestOptions {
  // Bounds DNS, TCP connect and the TLS handshake of a new connection.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Bounds the whole exchange, including connecting and reading the body.
  absl::Time deadline = absl::InfiniteFuture();
  // Streamed bodies (Client::Open): each read must make progress within this,
  // so a stalled upstream is noticed without bounding a large body's total
  // time.
  absl::Duration read_timeout = absl::Seconds(30);
  // Bounds the wait for the response header after the request is sent (with
  // read_timeout, whichever is shorter): an upstream that accepts connections
  // but never answers is given up on this quickly, whatever the deadline.
  absl::Duration header_timeout = absl::InfiniteDuration();
  // Client::Send only: a body (or a Content-Length) larger than this fails the
  // request without buffering it.
  std::size_t body_limit = 4 << 20;
  // 301/302/303/307/308 answers followed (http and https targets only).
  // Authorization is dropped when a redirect leaves the original origin:
  // registries redirect blobs to object storage, which must never see upstream
  // credentials.
  int max_redirects = 0;
  // The origin the caller trusts ("https://host:443", see Target::Origin);
  // every other origin a request reaches (a redirect's target, a token realm)
  // is held to `other_origins`. Empty: no origin is held to anything.
  std::string trusted_origin;
  AddressRule other_origins = AddressRule::kAny;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_TYPES_H_
