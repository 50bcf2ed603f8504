#include "service/resolve/source_registries.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::resolve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// docker.io (the default) and ghcr.io are served.
SourceRegistries Registries() {
  return SourceRegistries("docker.io", {"docker.io", "ghcr.io"});
}

TEST(SourceRegistriesTest, RoutesARequestWithoutARegistryToTheDefault) {
  EXPECT_EQ(Registries().Route("").value_or("?"), "docker.io");
}

TEST(SourceRegistriesTest, RoutesAServedRegistryToItself) {
  EXPECT_EQ(Registries().Route("ghcr.io").value_or("?"), "ghcr.io");
  EXPECT_EQ(Registries().Route("docker.io").value_or("?"), "docker.io");
}

TEST(SourceRegistriesTest, AnIllFormedRegistryIsInvalidArgument) {
  const absl::StatusOr<std::string> routed = Registries().Route("GHCR.io");
  EXPECT_EQ(routed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(routed.status().message(), HasSubstr("registry \"GHCR.io\""));
}

TEST(SourceRegistriesTest, ARegistryNobodyServesIsNotFoundNamingThoseServed) {
  const absl::StatusOr<std::string> routed = Registries().Route("quay.io");
  EXPECT_EQ(routed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(routed.status().message(),
              HasSubstr("registry \"quay.io\": no upstream serves it "
                        "(served: docker.io, ghcr.io)"));
}

TEST(SourceRegistriesTest, CollectsEveryUpstreamsRegistriesOnceInOrder) {
  v1::Config config;
  config.set_default_registry("docker.io");
  v1::UpstreamConfig* hub = config.add_upstreams();
  hub->add_registries("docker.io");
  v1::UpstreamConfig* mirror = config.add_upstreams();
  mirror->add_registries("ghcr.io");
  mirror->add_registries("docker.io");
  const SourceRegistries registries = SourceRegistries::FromConfig(config);
  EXPECT_EQ(registries.default_registry(), "docker.io");
  EXPECT_THAT(registries.served(), ElementsAre("docker.io", "ghcr.io"));
}

}  // namespace
}  // namespace tributary::resolve
