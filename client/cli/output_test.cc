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

}  // namespace
}  // namespace tributary::client::cli
