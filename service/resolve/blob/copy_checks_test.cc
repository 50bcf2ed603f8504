#include "service/resolve/blob/copy_checks.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "boost/asio/io_context.hpp"

namespace tributary::resolve {
namespace {

namespace fs = std::filesystem;

const oci::Digest& TheDigest() {
  static const oci::Digest digest =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha256, "stored bytes");
  return digest;
}

class CopyChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(std::getenv("TEST_TMPDIR")) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    Put(*Open());
    store_ = Open();  // restarted: the copy is unverified until checked
  }

  std::unique_ptr<cache::BlobStore> Open() {
    auto store = cache::BlobStore::Open(dir_, 1 << 20, nullptr);
    EXPECT_TRUE(store.ok()) << store.status();
    return *std::move(store);
  }

  static void Put(cache::BlobStore& store) {
    auto writer = store.Create(TheDigest());
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Append("stored bytes").ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  std::shared_ptr<Doorbell> NewDoorbell() {
    return std::make_shared<Doorbell>(io_.get_executor(), 1);
  }

  static bool Rung(Doorbell& doorbell) {
    bool rung = false;
    doorbell.try_receive([&](boost::system::error_code) { rung = true; });
    return rung;
  }

  fs::path dir_;
  boost::asio::io_context io_;
  std::unique_ptr<cache::BlobStore> store_;
};

TEST_F(CopyChecksTest, CallersOfOneCopyShareOneCheck) {
  CopyChecks checks(*store_);
  auto first = store_->Find(TheDigest());
  auto second = store_->Find(TheDigest());
  ASSERT_FALSE(first->verified());
  auto waiter = NewDoorbell();

  CopyChecks::Joined hashing = checks.Join(TheDigest(), *first, NewDoorbell());
  CopyChecks::Joined waiting = checks.Join(TheDigest(), *second, waiter);

  EXPECT_TRUE(hashing.mine);
  EXPECT_FALSE(waiting.mine);
  EXPECT_FALSE(waiting.check->verdict().has_value());
  EXPECT_EQ(checks.in_flight(), 1);

  checks.Finish(TheDigest(), *first, /*intact=*/true);

  EXPECT_TRUE(Rung(*waiter));
  EXPECT_EQ(waiting.check->verdict(), true);
  EXPECT_EQ(checks.in_flight(), 0);
  EXPECT_TRUE(store_->Find(TheDigest())->verified());
}

TEST_F(CopyChecksTest, ACallerArrivingAfterTheVerdictIsNotHashedAgain) {
  CopyChecks checks(*store_);
  auto early = store_->Find(TheDigest());
  auto late = store_->Find(TheDigest());  // opened before the verdict
  ASSERT_TRUE(checks.Join(TheDigest(), *early, NewDoorbell()).mine);
  checks.Finish(TheDigest(), *early, /*intact=*/false);

  CopyChecks::Joined joined = checks.Join(TheDigest(), *late, NewDoorbell());

  EXPECT_FALSE(joined.mine);
  EXPECT_EQ(joined.check->verdict(), false);  // that copy is gone
  EXPECT_EQ(store_->Find(TheDigest()), nullptr);
}

TEST_F(CopyChecksTest, AFailedCheckKeepsAFreshCopyCommittedMeanwhile) {
  CopyChecks checks(*store_);
  auto judged = store_->Find(TheDigest());
  ASSERT_TRUE(checks.Join(TheDigest(), *judged, NewDoorbell()).mine);

  Put(*store_);  // a refresh commits a fresh, verified copy
  checks.Finish(TheDigest(), *judged, /*intact=*/false);

  auto fresh = store_->Find(TheDigest());
  ASSERT_NE(fresh, nullptr);
  EXPECT_TRUE(fresh->verified());
  EXPECT_TRUE(fs::exists(store_->PathOf(TheDigest())));
  // Joining the fresh copy needs no check: it was verified as it was written.
  EXPECT_EQ(checks.Join(TheDigest(), *fresh, NewDoorbell()).check->verdict(),
            true);
}

}  // namespace
}  // namespace tributary::resolve
