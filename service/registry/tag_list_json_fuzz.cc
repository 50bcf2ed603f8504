// Fuzz target for ParseTagListJson (an upstream's tags/list body, parsed by
// SAX). The first input byte picks the page (size and `last`), the rest is
// the body. Checks that what it keeps is what a page may show (valid tags,
// sorted, each once, after `last`, at most page_size + 1 of them; a valid
// repository name or none), and compares it with nlohmann's DOM parse of the
// same body: both accept the same bodies and keep the same tags and name.
//
// Under Bazel it runs as :tag_list_json_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "service/oci/names.h"
#include "service/registry/tag_list_json.h"
#include "service/registry/tag_paging.h"
#include "spdlog/spdlog.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;
using tributary::registry::TagListBody;
using Json = nlohmann::json;

constexpr char kTarget[] = "tag_list_json";

// The DOM parse, and whether a top-level key came twice (the DOM keeps the
// last value, the SAX parser reads every one, so they may then differ).
struct Dom {
  Json json;
  bool repeated_key = false;
};

Dom ParseDom(std::string_view body) {
  Dom dom;
  std::set<std::string> keys;
  dom.json = Json::parse(
      body,
      [&](int depth, Json::parse_event_t event, Json& parsed) {
        if (event == Json::parse_event_t::key && depth == 1 &&
            !keys.insert(parsed.get<std::string>()).second) {
          dom.repeated_key = true;
        }
        return true;
      },
      /*allow_exceptions=*/false);
  return dom;
}

// What the page may show from a DOM's "tags" array.
std::vector<std::string> ExpectedTags(const Json& tags, int page_size,
                                      const std::string& last) {
  std::vector<std::string> kept;
  for (const Json& tag : tags) {
    if (tag.is_string() &&
        tributary::oci::ValidateTag(tag.get<std::string>()).ok()) {
      kept.push_back(tag.get<std::string>());
    }
  }
  tributary::registry::KeepPageCandidates(page_size, last, kept);
  return kept;
}

void CheckPage(const TagListBody& list, int page_size,
               const std::string& last) {
  Check(std::adjacent_find(list.tags.begin(), list.tags.end(),
                           std::greater_equal<>()) == list.tags.end(),
        kTarget, "tags are not sorted or repeat");
  for (const std::string& tag : list.tags) {
    Check(tributary::oci::ValidateTag(tag).ok(), kTarget,
          "kept an invalid tag");
    Check(last.empty() || tag > last, kTarget, "kept a tag not after last");
  }
  Check(page_size <= 0 || list.tags.size() <= size_t(page_size) + 1, kTarget,
        "kept more than page_size + 1 tags");
  Check(list.name.empty() || tributary::oci::ValidateRepository(list.name).ok(),
        kTarget, "kept a name that is not a repository");
}

// Compares the SAX result with the DOM of a body without repeated keys.
void CompareWithDom(const absl::StatusOr<TagListBody>& list, const Json& json,
                    int page_size, const std::string& last) {
  const bool dom_accepts =
      json.is_object() && (!json.contains("tags") || json["tags"].is_null() ||
                           json["tags"].is_array());
  Check(list.ok() == dom_accepts, kTarget, "SAX and DOM disagree on the body");
  if (!list.ok()) {
    return;
  }
  const std::vector<std::string> expected =
      json.contains("tags") && json["tags"].is_array()
          ? ExpectedTags(json["tags"], page_size, last)
          : std::vector<std::string>();
  Check(list->tags == expected, kTarget, "SAX and DOM keep different tags");
  std::string name;
  if (json.contains("name") && json["name"].is_string() &&
      tributary::oci::ValidateRepository(json["name"].get<std::string>())
          .ok()) {
    name = json["name"].get<std::string>();
  }
  Check(list->name == name, kTarget, "SAX and DOM keep different names");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Dropped entries are logged; a million lines say nothing here.
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  if (size == 0) {
    return 0;
  }
  static const char* const kLasts[] = {"", "a", "latest", "m", "v1"};
  const int page_size = data[0] % 8;  // 0: no page size
  const std::string last = kLasts[(data[0] / 8) % 5];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  const absl::StatusOr<TagListBody> list =
      tributary::registry::ParseTagListJson(body, page_size, last);
  if (list.ok()) {
    CheckPage(*list, page_size, last);
  } else {
    Check(list.status().code() == absl::StatusCode::kDataLoss, kTarget,
          "a refusal is not DATA_LOSS");
  }
  const Dom dom = ParseDom(body);
  if (!dom.repeated_key) {
    CompareWithDom(list, dom.json, page_size, last);
  }
  return 0;
}
