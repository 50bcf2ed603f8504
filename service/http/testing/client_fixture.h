#ifndef TRIBUTARY_SERVICE_HTTP_TESTING_CLIENT_FIXTURE_H_
#define TRIBUTARY_SERVICE_HTTP_TESTING_CLIENT_FIXTURE_H_

#include <future>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/http/types.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {

// A GET of `url` with no headers.
Request Get(std::string url);

// A 200 answer carrying `body`.
::tributary::testing::FakeResponse Ok(std::string body);

// The fixture of the Client tests: a Client on a single-threaded io_context,
// talking to one FakeUpstream on port 0. The io_context only runs inside Run(),
// so every test is sequential apart from the FakeUpstream's own threads. Not
// thread-safe.
class ClientTest : public ::testing::Test {
 protected:
  // Starts `client.Send` on the io_context; the result is ready after Run().
  std::future<absl::StatusOr<Response>> Start(Client& client, Request request,
                                              RequestOptions options) {
    return boost::asio::co_spawn(io_, client.Send(std::move(request), options),
                                 boost::asio::use_future);
  }

  // Runs the io_context until every started request has completed. Idle pooled
  // connections have no pending operation, so this returns.
  void Run() {
    io_.restart();
    io_.run();
  }

  absl::StatusOr<Response> Send(Client& client, Request request,
                                RequestOptions options = {}) {
    auto result = Start(client, std::move(request), options);
    Run();
    return result.get();
  }

  absl::StatusOr<Response> Send(Request request, RequestOptions options = {}) {
    return Send(client_, std::move(request), options);
  }

  // Puts two keep-alive connections into the pool by sending two requests at
  // once (neither finds an idle connection, so each opens its own).
  void FillPoolWithTwoConnections() {
    upstream_.Route("GET", "/warm", Ok("warm"));
    auto first = Start(client_, Get(upstream_.url() + "/warm"), {});
    auto second = Start(client_, Get(upstream_.url() + "/warm"), {});
    Run();
    ASSERT_TRUE(first.get().ok());
    ASSERT_TRUE(second.get().ok());
    ASSERT_EQ(upstream_.connections_accepted(), 2);
    ASSERT_EQ(client_.IdleConnections(), 2);
  }

  std::string Url(std::string_view path) const {
    return upstream_.url() + std::string(path);
  }

  ::tributary::testing::FakeUpstream upstream_;
  boost::asio::io_context io_;
  // Declared after io_: its pooled sockets must go before the io_context.
  Client client_{ClientOptions{}};
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_TESTING_CLIENT_FIXTURE_H_
