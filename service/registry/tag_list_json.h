#ifndef TRIBUTARY_SERVICE_REGISTRY_TAG_LIST_JSON_H_
#define TRIBUTARY_SERVICE_REGISTRY_TAG_LIST_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tributary::registry {

// What a page needs from a tags/list body: the repository name (when it is
// one) and the tags that can be on the page.
struct TagListBody {
  std::string name;
  std::vector<std::string> tags;  // sorted, each once; see ParseTagListJson
};

// Parses distribution's tag list, `{"name": "...", "tags": [...]}`, with
// nlohmann's SAX interface: no DOM of the list is built (8 MiB of
// `["a","a",…]` as a DOM is a value object and a string allocation per tag,
// over 100 MiB), only the tags kept. Kept are the tags that are valid tags
// and can be on the page: those after `last`, each once, and with
// `page_size` > 0 only the page_size + 1 lowest of them (one more tells that
// the page is cut), pruned as the list is read, so memory follows the page
// (or the distinct tags, without a page size), not the list.
// ApplyTagPaging (tag_paging.h) then cuts what is kept. A "name"
// that is not a repository name, and entries that are not tags, are dropped
// with a log line. A body that is not a JSON object, or whose "tags" is
// neither an array nor null, is DATA_LOSS.
absl::StatusOr<TagListBody> ParseTagListJson(std::string_view body,
                                             int page_size,
                                             const std::string& last);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TAG_LIST_JSON_H_
