#include "client/frontend/basic_authorization.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "absl/strings/escaping.h"

namespace tributary::frontend {
namespace {

std::string Basic(const std::string& user_password) {
  return "Basic " + absl::Base64Escape(user_password);
}

TEST(BasicAuthorizationTest, ReadsUserAndPassword) {
  const std::optional<BasicCredentials> credentials =
      ParseBasicAuthorization(Basic("puller:s3cret"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->user, "puller");
  EXPECT_EQ(credentials->password, "s3cret");
}

TEST(BasicAuthorizationTest, SplitsAtTheFirstColonSoPasswordsMayHoldColons) {
  const std::optional<BasicCredentials> credentials =
      ParseBasicAuthorization(Basic("puller:a:b:"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->user, "puller");
  EXPECT_EQ(credentials->password, "a:b:");
}

TEST(BasicAuthorizationTest, TakesTheSchemeInAnyCaseAndSurroundingSpaces) {
  const std::string encoded = absl::Base64Escape("u:p");
  for (const std::string& value :
       {"basic " + encoded, "BASIC " + encoded, "  Basic   " + encoded + " "}) {
    const std::optional<BasicCredentials> credentials =
        ParseBasicAuthorization(value);
    ASSERT_TRUE(credentials.has_value()) << value;
    EXPECT_EQ(credentials->user, "u");
    EXPECT_EQ(credentials->password, "p");
  }
}

TEST(BasicAuthorizationTest, RefusesOtherSchemesBadBase64AndNoColon) {
  for (const std::string& value :
       {std::string(""), std::string("Basic"), std::string("Bearer abc"),
        std::string("Basic !!!notbase64"), Basic("puller"),
        "Basic\t" + absl::Base64Escape("u:p")}) {
    EXPECT_FALSE(ParseBasicAuthorization(value).has_value()) << value;
  }
}

TEST(BasicAuthorizationTest, AcceptsAnEmptyUserOrPassword) {
  // Whether they name a user is the htpasswd file's to say.
  EXPECT_TRUE(ParseBasicAuthorization(Basic(":p")).has_value());
  EXPECT_TRUE(ParseBasicAuthorization(Basic("u:")).has_value());
}

}  // namespace
}  // namespace tributary::frontend
