// Peak RSS of parsing the largest tag list Tributary accepts
// (limits.max_tag_list_bytes, 8 MiB), as the old DOM parse or the SAX parser
// (tag_list_json.h) does it. One parse per process, so the peak is its own:
//
//   tag_list_rss dom|sax repeated|distinct [page_size]
//
// "repeated" is ["a","a",…]; "distinct" is as many different short tags as
// fit. Prints one line: mode, list, tags in the list, tags kept, peak RSS
// before and after the parse (MiB). bench/tag_list_rss.sh runs every case.

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "service/registry/tag_list_json.h"

namespace {

constexpr size_t kLargestList = 8 << 20;

double PeakRssMiB() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The tag list body, and how many tags it holds.
std::string Body(bool distinct, size_t& count) {
  std::string body = R"({"name":"demo","tags":[)";
  body.reserve(kLargestList);
  count = 0;
  while (body.size() < kLargestList - 64) {
    absl::StrAppend(&body, "\"", distinct ? absl::StrCat("t", count) : "a",
                    "\",");
    ++count;
  }
  body.back() = ']';
  body += "}";
  return body;
}

// What the old ParseTagPage kept: every string in "tags", from a DOM.
size_t ParseDom(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  std::vector<std::string> tags;
  for (const auto& tag : json["tags"]) {
    if (tag.is_string()) {
      tags.push_back(tag.get<std::string>());
    }
  }
  return tags.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s dom|sax repeated|distinct [page_size]\n",
                 argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const bool distinct = std::string(argv[2]) == "distinct";
  const int page_size = argc > 3 ? std::atoi(argv[3]) : 0;
  size_t count = 0;
  const std::string body = Body(distinct, count);
  const double before = PeakRssMiB();
  size_t kept = 0;
  if (mode == "dom") {
    kept = ParseDom(body);
  } else {
    auto list =
        tributary::registry::ParseTagListJson(body, page_size, std::string());
    if (!list.ok()) {
      std::fprintf(stderr, "%s\n",
                   std::string(list.status().message()).c_str());
      return 1;
    }
    kept = list->tags.size();
  }
  std::printf(
      "%s %s page_size=%d body_bytes=%zu tags=%zu kept=%zu "
      "peak_rss_before_mib=%.1f peak_rss_after_mib=%.1f\n",
      mode.c_str(), argv[2], page_size, body.size(), count, kept, before,
      PeakRssMiB());
  return 0;
}
