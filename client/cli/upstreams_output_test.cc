#include "client/cli/upstreams_output.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::client::cli {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNoon = 1'800'000'000;  // 2027-01-15T08:00:00Z

v1::UpstreamStatus OpenMirror() {
  v1::UpstreamStatus upstream;
  upstream.set_order(0);
  upstream.set_name("mirror");
  upstream.set_url("http://mirror.internal:5000");
  upstream.set_api_prefix("/v2");
  upstream.set_enabled(true);
  upstream.set_breaker_state(v1::BREAKER_STATE_OPEN);
  upstream.mutable_breaker_state_since()->set_seconds(kNoon);
  upstream.mutable_next_probe_time()->set_seconds(kNoon + 30);
  upstream.set_consecutive_failures(5);
  upstream.set_last_error("UNAVAILABLE: connect 10.0.0.5:5000: refused");
  upstream.mutable_last_error_time()->set_seconds(kNoon);
  upstream.set_request_count(120);
  upstream.set_failure_count(7);
  upstream.add_scope_include("library/*");
  upstream.add_registries("docker.io");
  upstream.add_registries("ghcr.io");
  upstream.mutable_auth()->set_method(v1::AUTH_METHOD_BASIC);
  upstream.mutable_auth()->set_username("bob");
  return upstream;
}

TEST(UpstreamRecordTest, CarriesConfigurationAndHealth) {
  const Record record = UpstreamRecord(OpenMirror());
  EXPECT_EQ(record["name"], "mirror");
  EXPECT_EQ(record["breaker_state"], "open");
  EXPECT_EQ(record["breaker_state_since"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(record["next_probe_time"], "2027-01-15T08:00:30Z");
  EXPECT_EQ(record["consecutive_failures"], 5);
  EXPECT_EQ(record["last_error"],
            "UNAVAILABLE: connect 10.0.0.5:5000: refused");
  EXPECT_EQ(record["last_success_time"], "");
  EXPECT_EQ(record["request_count"], 120);
  EXPECT_EQ(record["failure_count"], 7);
  EXPECT_EQ(record["scope"]["include"], Record({"library/*"}));
  EXPECT_EQ(record["scope"]["exclude"], Record::array());
  EXPECT_EQ(record["registries"], Record({"docker.io", "ghcr.io"}));
  EXPECT_EQ(record["auth"]["method"], "basic");
  EXPECT_EQ(record["auth"]["username"], "bob");
  EXPECT_TRUE(record["tls"].is_null());  // an http:// upstream
}

TEST(UpstreamRecordTest, CarriesTheTlsSettingsOfAnHttpsUpstream) {
  v1::UpstreamStatus upstream = OpenMirror();
  upstream.set_url("https://mirror.internal:5000");
  upstream.mutable_tls()->set_extra_ca(true);
  const Record record = UpstreamRecord(upstream);
  EXPECT_EQ(record["tls"]["extra_ca"], true);
  EXPECT_EQ(record["tls"]["client_certificate"], false);
  EXPECT_EQ(record["tls"]["insecure_skip_verify"], false);
}

TEST(PrintUpstreamsTableTest, ShowsTheCircuitAndTheLastError) {
  v1::ListUpstreamsResponse list;
  *list.add_upstreams() = OpenMirror();
  v1::UpstreamStatus& hub = *list.add_upstreams();
  hub.set_order(1);
  hub.set_name("hub");
  hub.set_breaker_state(v1::BREAKER_STATE_CLOSED);
  std::ostringstream out;
  PrintUpstreamsTable(out, list);
  EXPECT_THAT(out.str(), HasSubstr("CIRCUIT\n"));
  EXPECT_THAT(out.str(), HasSubstr("open (probe at 2027-01-15T08:00:30Z)\n"
                                   "      last error at 2027-01-15T08:00:00Z: "
                                   "UNAVAILABLE: connect 10.0.0.5:5000: "
                                   "refused\n"
                                   "      serves docker.io, ghcr.io\n"));
  EXPECT_THAT(out.str(), HasSubstr("closed\n"));
}

}  // namespace
}  // namespace tributary::client::cli
