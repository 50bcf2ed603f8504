#include <gtest/gtest.h>
#include "tributary/v1/resolver.pb.h"
#include "tributary/v1/config.pb.h"
#include "grpc/health/v1/health.pb.h"
TEST(Smoke, Builds) { tributary::v1::GetManifestRequest r; r.set_repository("x"); EXPECT_EQ(r.repository(), "x"); }
