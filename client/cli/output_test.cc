#include "client/cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tributary::client::cli {
namespace {

TEST(ParseFormatTest, KnowsTextAndJsonOnly) {
  EXPECT_EQ(*ParseFormat("text"), Format::kText);
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_EQ(ParseFormat("yaml").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PrintRecordTest, PrintsTextAsKeyValueLinesInOrder) {
  std::ostringstream out;
  PrintRecord(out, Format::kText,
              Record{{"digest", "sha256:ab"}, {"size", 12}, {"ok", true}});
  EXPECT_EQ(out.str(), "digest: sha256:ab\nsize: 12\nok: true\n");
}

TEST(PrintRecordTest, PrintsJsonAsOneObjectOnOneLineInOrder) {
  std::ostringstream out;
  PrintRecord(out, Format::kJson, Record{{"z", "last"}, {"a", 1}});
  EXPECT_EQ(out.str(), "{\"z\":\"last\",\"a\":1}\n");
}

TEST(PrettyManifestTest, IndentsJsonAndKeepsKeyOrder) {
  EXPECT_EQ(PrettyManifest(R"({"schemaVersion":2,"layers":[]})"),
            "{\n  \"schemaVersion\": 2,\n  \"layers\": []\n}\n");
}

TEST(PrettyManifestTest, LeavesOtherBytesAloneAndEndsTheLine) {
  EXPECT_EQ(PrettyManifest("not json"), "not json\n");
  EXPECT_EQ(PrettyManifest("line\n"), "line\n");
}

TEST(ManifestJsonTest, EmbedsParsedJsonOrTheBytesAsAString) {
  EXPECT_EQ(ManifestJson(R"({"a":1})").dump(), R"({"a":1})");
  EXPECT_EQ(ManifestJson("plain").dump(), R"("plain")");
}

v1::CacheInfo Cache(bool hit, bool stale, int64_t seconds, int32_t nanos) {
  v1::CacheInfo cache;
  cache.set_hit(hit);
  cache.set_stale(stale);
  cache.mutable_age()->set_seconds(seconds);
  cache.mutable_age()->set_nanos(nanos);
  return cache;
}

TEST(CacheTextTest, SaysMissHitOrStaleHitWithTheAge) {
  EXPECT_EQ(CacheText(v1::CacheInfo()), "miss");
  EXPECT_EQ(CacheText(Cache(true, false, 12, 400000000)), "hit (age 12s)");
  EXPECT_EQ(CacheText(Cache(true, true, 7503, 0)), "hit, stale (age 2h5m3s)");
}

TEST(CacheTextTest, PrintsAgesUnderASecondInMilliseconds) {
  EXPECT_EQ(CacheText(Cache(true, false, 0, 250400000)), "hit (age 250ms)");
  EXPECT_EQ(CacheText(Cache(true, false, 0, 0)), "hit (age 0s)");
}

TEST(CacheValueTest, IsTheTextLineForText) {
  EXPECT_EQ(CacheValue(Format::kText, v1::CacheInfo()), Record("miss"));
}

TEST(CacheValueTest, IsTheProtosJsonWithEveryFieldForJson) {
  EXPECT_EQ(CacheValue(Format::kJson, Cache(true, true, 12, 500000000)).dump(),
            R"({"hit":true,"stale":true,"age":"12.500s"})");
  EXPECT_EQ(CacheValue(Format::kJson, v1::CacheInfo()).dump(),
            R"({"hit":false,"stale":false,"age":"0s"})");
}

}  // namespace
}  // namespace tributary::client::cli
