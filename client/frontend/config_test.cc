#include "client/frontend/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace tributary::frontend {
namespace {

using ::testing::HasSubstr;

FrontendConfig PlainConfig() {
  FrontendConfig config;
  config.plain_http = true;
  config.tributary.address = "127.0.0.1:50051";
  return config;
}

TEST(ConfigTest, AcceptsPlainHttpWithDefaults) {
  EXPECT_TRUE(ValidateConfig(PlainConfig()).ok());
}

struct BadCase {
  std::function<void(FrontendConfig&)> change;
  std::string message;  // the field and the reason
};

TEST(ConfigTest, RefusesBadSettingsNamingFieldFileAndReason) {
  const BadCase cases[] = {
      {[](FrontendConfig& c) { c.listen_address = "nohost"; },
       "listen_address: \"nohost\" is not HOST:PORT"},
      {[](FrontendConfig& c) { c.listen_address = "0.0.0.0:99999"; },
       "listen_address"},
      {[](FrontendConfig& c) { c.metrics_listen_address = ":x"; },
       "metrics_listen_address"},
      {[](FrontendConfig& c) { c.plain_http = false; },
       "cert_file: HTTPS needs cert_file and key_file (or set plain_http)"},
      {[](FrontendConfig& c) {
         c.plain_http = false;
         c.cert_file = "/nonexistent/tls.crt";
         c.key_file = "/nonexistent/tls.key";
       },
       "cert_file: /nonexistent/tls.crt: cannot read: No such file"},
      {[](FrontendConfig& c) { c.cert_file = "/x.pem"; },
       "plain_http: set together with cert_file/key_file"},
      {[](FrontendConfig& c) { c.htpasswd_file = "/nonexistent/htpasswd"; },
       "htpasswd_file: /nonexistent/htpasswd: cannot read"},
      {[](FrontendConfig& c) { c.tributary.address = ""; },
       "tributary_address: empty"},
      {[](FrontendConfig& c) { c.blob_timeout = absl::ZeroDuration(); },
       "blob_timeout: must be positive"},
      {[](FrontendConfig& c) { c.idle_timeout = -absl::Seconds(1); },
       "idle_timeout: must be positive"},
      {[](FrontendConfig& c) { c.max_header_bytes = 10; },
       "max_header_bytes: must be within"},
      {[](FrontendConfig& c) { c.io_threads = 0; }, "io_threads"},
      {[](FrontendConfig& c) { c.grpc_threads = 0; }, "grpc_threads"},
      {[](FrontendConfig& c) { c.max_blob_downloads = 0; },
       "max_blob_downloads"},
  };
  for (const BadCase& c : cases) {
    FrontendConfig config = PlainConfig();
    c.change(config);
    const absl::Status status = ValidateConfig(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace tributary::frontend
