#include "service/http/testing/tls_server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read_until.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/ssl/stream.hpp"
#include "boost/asio/streambuf.hpp"
#include "boost/asio/write.hpp"

namespace tributary::http {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string RawResponse(const std::string& status_line,
                        const std::string& header_lines) {
  return absl::StrCat("HTTP/1.1 ", status_line, "\r\n", header_lines,
                      "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

class TlsServer::Impl {
 public:
  Impl(const ::tributary::testing::CertFiles& server, std::string response)
      : response_(std::move(response)),
        tls_(asio::ssl::context::tls_server),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls_.use_certificate_chain_file(server.cert_file);
    tls_.use_private_key_file(server.key_file, asio::ssl::context::pem);
    // Ask for a client certificate, accept any or none: the test only wants
    // to know whether one came.
    tls_.set_verify_mode(asio::ssl::verify_peer);
    tls_.set_verify_callback(
        [](bool, asio::ssl::verify_context&) { return true; });
    thread_ = std::thread([this] { Serve(); });
  }

  ~Impl() {
    stopping_ = true;
    boost::system::error_code ignored;
    // Wakes the blocking accept with a connection of our own.
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  int port() const { return acceptor_.local_endpoint().port(); }
  int handshakes() const { return handshakes_; }
  int with_certificate() const { return with_certificate_; }

 private:
  void Serve() {
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (error || stopping_) {
        continue;
      }
      ServeOne(std::move(socket));
    }
  }

  void ServeOne(tcp::socket socket) {
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    boost::system::error_code error;
    stream.handshake(asio::ssl::stream_base::server, error);
    if (error) {
      return;
    }
    ++handshakes_;
    X509* peer = SSL_get_peer_certificate(stream.native_handle());
    if (peer != nullptr) {
      ++with_certificate_;
      X509_free(peer);
    }
    asio::streambuf request;
    asio::read_until(stream, request, "\r\n\r\n", error);
    asio::write(stream, asio::buffer(response_), error);
    stream.shutdown(error);
  }

  const std::string response_;
  asio::io_context io_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> handshakes_ = 0;
  std::atomic<int> with_certificate_ = 0;
  std::thread thread_;
};

TlsServer::TlsServer(const ::tributary::testing::CertFiles& server,
                     std::string response)
    : impl_(std::make_unique<Impl>(server, std::move(response))) {}

TlsServer::~TlsServer() = default;

std::string TlsServer::url() const {
  return absl::StrCat("https://127.0.0.1:", impl_->port());
}
int TlsServer::handshakes() const { return impl_->handshakes(); }
int TlsServer::handshakes_with_certificate() const {
  return impl_->with_certificate();
}

}  // namespace tributary::http
