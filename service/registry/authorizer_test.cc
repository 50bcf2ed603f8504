#include "service/registry/authorizer.h"

#include <future>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_future.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Credentials Basic() { return Credentials{.username = "bob", .password = "pw"}; }

class AuthorizerTest : public ::testing::Test {
 protected:
  Authorizer Make(Credentials credentials,
                  std::string url = "https://registry.example") {
    return Authorizer(std::move(credentials), std::move(url), http_,
                      absl::Seconds(5));
  }

  // Runs Answer to completion on a strand of a private I/O context.
  absl::StatusOr<std::string> Answer(Authorizer& authorizer,
                                     const std::string& challenge,
                                     const std::string& sent = "") {
    http::Headers headers = {{"WWW-Authenticate", challenge}};
    std::future<absl::StatusOr<std::string>> answer =
        asio::co_spawn(asio::make_strand(io_),
                       authorizer.Answer(headers, "repository:demo/app:pull",
                                         sent, absl::Now() + absl::Seconds(5)),
                       asio::use_future);
    io_.restart();
    io_.run();
    return answer.get();
  }

  asio::io_context io_;
  http::Client http_{http::ClientOptions{}};
};

TEST_F(AuthorizerTest, AnswersOnlyTheUpstreamsOwnOrigin) {
  Authorizer authorizer = Make({}, "https://Registry.Example");
  EXPECT_TRUE(authorizer.Answers("https://registry.example/v2/x"));
  EXPECT_TRUE(authorizer.Answers("https://registry.example:443/v2/x"));
  EXPECT_FALSE(authorizer.Answers("http://registry.example/v2/x"));
  EXPECT_FALSE(authorizer.Answers("https://registry.example:8443/v2/x"));
  EXPECT_FALSE(authorizer.Answers("https://cdn.example/blobs/x"));
  EXPECT_FALSE(authorizer.Answers("not a url"));
}

TEST_F(AuthorizerTest, SendsNothingBeforeTheUpstreamAsks) {
  Authorizer authorizer = Make(Basic());
  EXPECT_EQ(authorizer.Preemptive("repository:demo/app:pull"), "");
}

TEST_F(AuthorizerTest, AStaticTokenGoesWithTheFirstRequest) {
  Authorizer authorizer = Make({.token = "t0k"});
  EXPECT_EQ(authorizer.Preemptive("repository:demo/app:pull"), "Bearer t0k");
}

TEST_F(AuthorizerTest, ABasicChallengeIsAnsweredAndThenSentAtOnce) {
  Authorizer authorizer = Make(Basic());
  auto answer = Answer(authorizer, R"(Basic realm="Registry")");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, "Basic Ym9iOnB3");  // bob:pw
  EXPECT_EQ(authorizer.Preemptive("repository:other:pull"), "Basic Ym9iOnB3");
}

TEST_F(AuthorizerTest, RefusedBasicCredentialsAreNotSentAgain) {
  Authorizer authorizer = Make(Basic());
  auto answer =
      Answer(authorizer, R"(Basic realm="Registry")", "Basic Ym9iOnB3");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("the Basic credentials were refused"));
}

TEST_F(AuthorizerTest, AnAnonymousUpstreamCannotAnswerBasic) {
  Authorizer authorizer = Make({});
  auto answer = Answer(authorizer, R"(Basic realm="Registry")");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("asks for Basic credentials; none are configured"));
}

TEST_F(AuthorizerTest, AnUnknownSchemeIsPermissionDenied) {
  Authorizer authorizer = Make(Basic());
  auto answer = Answer(authorizer, R"(Negotiate abc)");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("no Bearer or Basic challenge"));
}

TEST_F(AuthorizerTest, ARealmThatIsNotAnHttpUrlIsRefusedAndQuotedSafely) {
  Authorizer authorizer = Make({});
  auto answer = Answer(authorizer, "Bearer realm=\"ftp://x/\\\"\\n\"");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("realm is not an http(s)"));
  EXPECT_THAT(std::string(answer.status().message()),
              ::testing::Not(HasSubstr("\n")));
}

TEST_F(AuthorizerTest, ARealmWithUserInfoIsRefused) {
  Authorizer authorizer = Make({});
  auto answer =
      Answer(authorizer, R"(Bearer realm="https://user:pw@auth.example/t")");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthorizerTest, CredentialsNeverGoToAPlainHttpRealmOfAnHttpsUpstream) {
  Authorizer authorizer = Make(Basic());
  auto answer = Answer(
      authorizer, R"(Bearer realm="http://auth.example/token",service="s")");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              StartsWith("token server http://auth.example/token is plain "
                         "http behind an https upstream"));
}

TEST_F(AuthorizerTest, AStaticTokenThatIsRefusedIsNotReplaced) {
  Authorizer authorizer = Make({.token = "t0k"});
  auto answer = Answer(
      authorizer, R"(Bearer realm="https://auth.example/token")", "Bearer t0k");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(answer.status().message()),
              HasSubstr("the configured bearer token was refused"));
}

TEST(PullScopeTest, NamesTheRepositoryAndThePullAction) {
  EXPECT_EQ(PullScope("library/alpine"), "repository:library/alpine:pull");
}

}  // namespace
}  // namespace tributary::registry
