#include "tests/support/fake_upstream.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;
using Request = http::request<http::string_body>;

constexpr std::string_view kNotFoundBody =
    R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"not found"}]})";

std::string ToString(beast::string_view s) {
  return std::string(s.data(), s.size());
}

// First header called `name` (case-insensitive), or nullptr.
const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

bool HasHeader(const Headers& headers, std::string_view name) {
  return FindHeader(headers, name) != nullptr;
}

// What a registry answers for a manifest it does not have.
FakeResponse NotFound() {
  FakeResponse response;
  response.status = 404;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = std::string(kNotFoundBody);
  return response;
}

RecordedRequest Record(const Request& request) {
  RecordedRequest recorded;
  recorded.method = ToString(request.method_string());
  recorded.target = ToString(request.target());
  for (const auto& field : request) {
    recorded.headers.emplace_back(ToString(field.name_string()),
                                  ToString(field.value()));
  }
  return recorded;
}

// RFC 9110 6.4.1: these statuses never carry content.
bool StatusAllowsBody(int status) {
  return status / 100 != 1 && status != 204 && status != 304;
}

bool KeepsAlive(const Request& request, const FakeResponse& response) {
  // A truncated body is only detectable by the client if the connection ends.
  if (response.truncate_body_at.has_value()) {
    return false;
  }
  const std::string* connection = FindHeader(response.headers, "Connection");
  if (connection != nullptr && beast::iequals(*connection, "close")) {
    return false;
  }
  return request.keep_alive();
}

// The bytes to send for one response, and whether the connection stays open.
struct Reply {
  std::string head;
  std::string_view body;  // Points into the FakeResponse.
  bool keep_alive = false;
};

void AppendHeader(std::string_view name, std::string_view value,
                  std::string& head) {
  head.append(name).append(": ").append(value).append("\r\n");
}

// Headers are written by hand rather than by Beast's serializer so that a
// route can send exactly what it lists, including a wrong Content-Length.
Reply BuildReply(const Request& request, const FakeResponse& response) {
  Reply reply;
  reply.keep_alive = KeepsAlive(request, response);
  const auto status =
      http::int_to_status(static_cast<unsigned>(response.status));
  reply.head = "HTTP/1.1 " + std::to_string(response.status) + " " +
               ToString(http::obsolete_reason(status)) + "\r\n";
  for (const auto& [name, value] : response.headers) {
    AppendHeader(name, value, reply.head);
  }
  if (StatusAllowsBody(response.status) &&
      !HasHeader(response.headers, "Content-Length") &&
      !HasHeader(response.headers, "Transfer-Encoding")) {
    AppendHeader("Content-Length", std::to_string(response.body.size()),
                 reply.head);
  }
  if (!HasHeader(response.headers, "Connection")) {
    if (!reply.keep_alive) {
      AppendHeader("Connection", "close", reply.head);
    } else if (request.version() < 11) {
      AppendHeader("Connection", "keep-alive", reply.head);
    }
  }
  reply.head.append("\r\n");
  if (request.method() != http::verb::head &&
      StatusAllowsBody(response.status)) {
    reply.body =
        std::string_view(response.body)
            .substr(0,
                    response.truncate_body_at.value_or(response.body.size()));
  }
  return reply;
}

beast::error_code Listen(tcp::acceptor& acceptor) {
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  return ec;
}

}  // namespace

// The server behind FakeUpstream: one thread blocked in accept() plus one
// thread per connection, all synchronous. Thread-safe.
class FakeUpstream::Impl {
 public:
  Impl();
  ~Impl();

  int port() const { return port_; }
  void SetRoute(std::string method, std::string target,
                std::vector<FakeResponse> responses) ABSL_LOCKS_EXCLUDED(mu_);
  void SetHandler(std::string method, std::string path, Handler handler)
      ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<RecordedRequest> requests() const ABSL_LOCKS_EXCLUDED(mu_);
  int RequestCount(std::string_view method, std::string_view target) const
      ABSL_LOCKS_EXCLUDED(mu_);
  int connections_accepted() const ABSL_LOCKS_EXCLUDED(mu_);
  int open_connections() const ABSL_LOCKS_EXCLUDED(mu_);
  void Release() ABSL_LOCKS_EXCLUDED(mu_);
  bool WaitForRequests(int count, absl::Duration timeout) const
      ABSL_LOCKS_EXCLUDED(mu_);
  bool WaitForNoOpenConnections(absl::Duration timeout) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The answers of one route; `next` counts the requests already answered.
  struct RouteState {
    std::vector<FakeResponse> responses;
    size_t next = 0;
  };

  void AcceptLoop();
  // Registers the connection and starts its thread; false once stopping.
  bool StartConnection(std::unique_ptr<tcp::socket> socket)
      ABSL_LOCKS_EXCLUDED(mu_);
  void ServeConnection(std::unique_ptr<tcp::socket> socket)
      ABSL_LOCKS_EXCLUDED(mu_);
  // What becomes of a connection after one request.
  enum class AfterRequest { kKeepOpen, kClose, kReset };
  // Answers one request.
  AfterRequest ServeRequest(tcp::socket& socket, const Request& request);
  FakeResponse RecordAndPickResponse(const Request& request)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Returns false if the server started stopping, or the client closed the
  // connection, during the sleep.
  bool SleepUnlessStopping(absl::Duration delay, tcp::socket& socket)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The same, until Release.
  bool HoldUnlessStopping(tcp::socket& socket) ABSL_LOCKS_EXCLUDED(mu_);
  bool ReleasedOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return released_ || stopping_;
  }
  void WakeAcceptor();

  asio::io_context io_context_;  // Never run: all I/O is synchronous.
  // Used by the accept thread alone until the destructor has joined it.
  tcp::acceptor acceptor_;
  int port_ = 0;
  std::thread accept_thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::pair<std::string, std::string>, RouteState> routes_
      ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, Handler> handlers_
      ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  int connections_accepted_ ABSL_GUARDED_BY(mu_) = 0;
  // Sockets of live connections, each owned by its connection thread, which
  // removes it before closing it. The destructor shuts them down to unblock
  // those threads.
  std::set<tcp::socket*> open_sockets_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> connection_threads_ ABSL_GUARDED_BY(mu_);
};

FakeUpstream::Impl::Impl() : acceptor_(io_context_) {
  beast::error_code ec = Listen(acceptor_);
  if (!ec) {
    port_ = acceptor_.local_endpoint(ec).port();
  }
  if (ec) {
    std::fprintf(stderr, "FakeUpstream cannot listen on 127.0.0.1: %s\n",
                 ec.message().c_str());
    std::abort();
  }
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

FakeUpstream::Impl::~Impl() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  WakeAcceptor();
  accept_thread_.join();
  beast::error_code ignored;
  acceptor_.close(ignored);
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    // Unblocks reads and writes; the threads close their sockets themselves.
    for (tcp::socket* socket : open_sockets_) {
      socket->shutdown(tcp::socket::shutdown_both, ignored);
    }
    threads.swap(connection_threads_);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

// Closing the acceptor from another thread does not interrupt a blocking
// accept(), so the destructor connects to it instead; the accept loop then
// sees `stopping_` and returns.
void FakeUpstream::Impl::WakeAcceptor() {
  tcp::socket socket(io_context_);
  beast::error_code ignored;
  socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(),
                               static_cast<unsigned short>(port_)),
                 ignored);
}

void FakeUpstream::Impl::AcceptLoop() {
  for (;;) {
    auto socket = std::make_unique<tcp::socket>(io_context_);
    beast::error_code ec;
    acceptor_.accept(*socket, ec);
    if (ec == asio::error::connection_aborted) {
      continue;  // The client gave up before accept(); not our problem.
    }
    if (ec || !StartConnection(std::move(socket))) {
      return;
    }
  }
}

bool FakeUpstream::Impl::StartConnection(std::unique_ptr<tcp::socket> socket) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    return false;
  }
  ++connections_accepted_;
  open_sockets_.insert(socket.get());
  connection_threads_.emplace_back(&Impl::ServeConnection, this,
                                   std::move(socket));
  return true;
}

void FakeUpstream::Impl::ServeConnection(std::unique_ptr<tcp::socket> socket) {
  beast::flat_buffer buffer;
  AfterRequest after = AfterRequest::kKeepOpen;
  while (after == AfterRequest::kKeepOpen) {
    Request request;
    beast::error_code ec;
    http::read(*socket, buffer, request, ec);
    // Ends on the client's close, a malformed request, or shutdown.
    after = ec ? AfterRequest::kClose : ServeRequest(*socket, request);
  }
  {
    absl::MutexLock lock(&mu_);
    open_sockets_.erase(socket.get());
  }
  beast::error_code ignored;
  if (after == AfterRequest::kReset) {
    // A zero linger time makes close() send RST and drop unsent bytes; no
    // FIN first, or the client would see an orderly end.
    socket->set_option(asio::socket_base::linger(true, 0), ignored);
  } else {
    socket->shutdown(tcp::socket::shutdown_send, ignored);
  }
  socket->close(ignored);
}

FakeUpstream::Impl::AfterRequest FakeUpstream::Impl::ServeRequest(
    tcp::socket& socket, const Request& request) {
  const FakeResponse response = RecordAndPickResponse(request);
  const AfterRequest closing =
      response.reset_connection ? AfterRequest::kReset : AfterRequest::kClose;
  if ((response.hold && !HoldUnlessStopping(socket)) ||
      !SleepUnlessStopping(response.delay, socket)) {
    return AfterRequest::kClose;
  }
  if (response.close_without_response) {
    return closing;
  }
  const Reply reply = BuildReply(request, response);
  const std::array<asio::const_buffer, 4> buffers = {
      asio::buffer(response.interim), asio::buffer(reply.head),
      asio::buffer(reply.body.data(), reply.body.size()),
      asio::buffer(response.trailing)};
  beast::error_code ec;
  asio::write(socket, buffers, ec);
  if (ec) {
    return AfterRequest::kClose;
  }
  if (response.truncate_body_at.has_value() &&
      response.stall_after_truncation &&
      !SleepUnlessStopping(absl::InfiniteDuration(), socket)) {
    return AfterRequest::kClose;  // the client gave up, or we are stopping
  }
  return reply.keep_alive && !response.reset_connection
             ? AfterRequest::kKeepOpen
             : closing;
}

FakeResponse FakeUpstream::Impl::RecordAndPickResponse(const Request& request) {
  RecordedRequest recorded = Record(request);
  Handler handler;
  {
    absl::MutexLock lock(&mu_);
    requests_.push_back(recorded);
    const auto route =
        routes_.find(std::make_pair(recorded.method, recorded.target));
    if (route != routes_.end()) {
      RouteState& state = route->second;
      return state
          .responses[std::min(state.next++, state.responses.size() - 1)];
    }
    const std::string path =
        recorded.target.substr(0, recorded.target.find('?'));
    const auto found = handlers_.find(std::make_pair(recorded.method, path));
    if (found == handlers_.end()) {
      return NotFound();
    }
    handler = found->second;
  }
  // Outside the lock: a handler may take its time.
  return handler(recorded);
}

void FakeUpstream::Impl::SetHandler(std::string method, std::string path,
                                    Handler handler) {
  absl::MutexLock lock(&mu_);
  handlers_[std::make_pair(std::move(method), std::move(path))] =
      std::move(handler);
}

bool FakeUpstream::Impl::SleepUnlessStopping(absl::Duration delay,
                                             tcp::socket& socket) {
  // In short steps, so that a client giving up is seen (and counted as a
  // closed connection) at once, as a real server would see it.
  const absl::Time end = absl::Now() + delay;
  for (absl::Time now = absl::Now(); now < end; now = absl::Now()) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                               std::min(end - now, absl::Milliseconds(10)))) {
        return false;
      }
    }
    char byte;
    if (::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) ==
        0) {
      return false;  // the client closed the connection
    }
  }
  return true;
}

bool FakeUpstream::Impl::HoldUnlessStopping(tcp::socket& socket) {
  // In short steps, for the same reason as SleepUnlessStopping.
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(this, &Impl::ReleasedOrStopping),
                               absl::Milliseconds(10))) {
        return !stopping_;
      }
    }
    char byte;
    if (::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) ==
        0) {
      return false;  // the client closed the connection
    }
  }
}

void FakeUpstream::Impl::Release() {
  absl::MutexLock lock(&mu_);
  released_ = true;
}

bool FakeUpstream::Impl::WaitForRequests(int count,
                                         absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(requests_.size()) >= count;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

bool FakeUpstream::Impl::WaitForNoOpenConnections(
    absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const auto none = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return open_sockets_.empty();
  };
  return mu_.AwaitWithTimeout(absl::Condition(&none), timeout);
}

void FakeUpstream::Impl::SetRoute(std::string method, std::string target,
                                  std::vector<FakeResponse> responses) {
  auto key = std::make_pair(std::move(method), std::move(target));
  absl::MutexLock lock(&mu_);
  if (responses.empty()) {
    routes_.erase(key);
    return;
  }
  RouteState& state = routes_[std::move(key)];
  state.responses = std::move(responses);
  state.next = 0;
}

std::vector<RecordedRequest> FakeUpstream::Impl::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

int FakeUpstream::Impl::RequestCount(std::string_view method,
                                     std::string_view target) const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(std::count_if(
      requests_.begin(), requests_.end(), [&](const RecordedRequest& r) {
        return r.method == method && r.target == target;
      }));
}

int FakeUpstream::Impl::open_connections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(open_sockets_.size());
}

int FakeUpstream::Impl::connections_accepted() const {
  absl::MutexLock lock(&mu_);
  return connections_accepted_;
}

std::string RecordedRequest::Header(std::string_view name) const {
  const std::string* value = FindHeader(headers, name);
  return value == nullptr ? "" : *value;
}

FakeUpstream::FakeUpstream() : impl_(std::make_unique<Impl>()) {}

FakeUpstream::~FakeUpstream() = default;

int FakeUpstream::port() const { return impl_->port(); }

std::string FakeUpstream::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeUpstream::Route(std::string method, std::string target,
                         FakeResponse response) {
  std::vector<FakeResponse> responses;
  responses.push_back(std::move(response));
  impl_->SetRoute(std::move(method), std::move(target), std::move(responses));
}

void FakeUpstream::RouteSequence(std::string method, std::string target,
                                 std::vector<FakeResponse> responses) {
  impl_->SetRoute(std::move(method), std::move(target), std::move(responses));
}

void FakeUpstream::Handle(std::string method, std::string path,
                          Handler handler) {
  impl_->SetHandler(std::move(method), std::move(path), std::move(handler));
}

void FakeUpstream::RouteManifest(std::string target, std::string media_type,
                                 std::string body, std::string digest) {
  FakeResponse response;
  response.headers = {{"Content-Type", std::move(media_type)},
                      {"Docker-Content-Digest", std::move(digest)}};
  response.body = std::move(body);
  // HEAD answers drop the body but keep its Content-Length.
  Route("HEAD", target, response);
  Route("GET", std::move(target), std::move(response));
}

std::vector<RecordedRequest> FakeUpstream::requests() const {
  return impl_->requests();
}

int FakeUpstream::request_count(std::string_view method,
                                std::string_view target) const {
  return impl_->RequestCount(method, target);
}

int FakeUpstream::open_connections() const { return impl_->open_connections(); }

void FakeUpstream::Release() { impl_->Release(); }

bool FakeUpstream::WaitForRequests(int count, absl::Duration timeout) const {
  return impl_->WaitForRequests(count, timeout);
}

bool FakeUpstream::WaitForNoOpenConnections(absl::Duration timeout) const {
  return impl_->WaitForNoOpenConnections(timeout);
}

int FakeUpstream::connections_accepted() const {
  return impl_->connections_accepted();
}

}  // namespace tributary::testing
