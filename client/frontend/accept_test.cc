#include "client/frontend/accept.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::frontend {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(AcceptTest, PassesMediaTypesOnInOrderWithoutParametersOrWildcards) {
  EXPECT_THAT(
      AcceptedMediaTypes(
          {"application/vnd.oci.image.index.v1+json;q=0.9, */*",
           "application/vnd.docker.distribution.manifest.v2+json, "
           "application/*, application/vnd.oci.image.index.v1+json"}),
      ElementsAre("application/vnd.oci.image.index.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json"));
}

TEST(AcceptTest, SkipsInvalidEntriesRatherThanRefusing) {
  EXPECT_THAT(AcceptedMediaTypes({"nonsense, , text/, application/json"}),
              ElementsAre("application/json"));
  EXPECT_THAT(AcceptedMediaTypes({}), IsEmpty());
  EXPECT_THAT(AcceptedMediaTypes({"*/*"}), IsEmpty());
}

}  // namespace
}  // namespace tributary::frontend
