#ifndef TRIBUTARY_SERVICE_HTTP_TESTING_TLS_SERVER_H_
#define TRIBUTARY_SERVICE_HTTP_TESTING_TLS_SERVER_H_

#include <memory>
#include <string>

#include "tests/support/test_ca.h"

namespace tributary::http {

// An HTTPS server on 127.0.0.1, port 0, for tests of what a client presents
// during the handshake: it asks every client for a certificate (accepting
// none, and any), records whether one was presented, and answers each request
// with one canned HTTP/1.1 response, then closes the connection. FakeUpstream
// speaks plain HTTP only; this is the TLS counterpart the mTLS tests need.
//
// Thread-safe. Serves from construction until destruction, which joins its
// thread.
class TlsServer {
 public:
  // `server` is the certificate it presents (issued for 127.0.0.1);
  // `response` the raw bytes of the answer, status line to body.
  TlsServer(const ::tributary::testing::CertFiles& server,
            std::string response);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::string url() const;  // "https://127.0.0.1:PORT"
  int handshakes() const;
  // Handshakes in which the client presented a certificate.
  int handshakes_with_certificate() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A raw response: `status_line` ("302 Found"), extra header lines (each
// ending "\r\n"), an empty body.
std::string RawResponse(const std::string& status_line,
                        const std::string& header_lines = "");

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_TESTING_TLS_SERVER_H_
