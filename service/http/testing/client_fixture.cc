#include "service/http/testing/client_fixture.h"

namespace tributary::http {

Request Get(std::string url) {
  Request request;
  request.url = std::move(url);
  return request;
}

::tributary::testing::FakeResponse Ok(std::string body) {
  ::tributary::testing::FakeResponse response;
  response.body = std::move(body);
  return response;
}

}  // namespace tributary::http
