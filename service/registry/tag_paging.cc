#include "service/registry/tag_paging.h"

#include <algorithm>

namespace tributary::registry {

void KeepPageCandidates(int page_size, const std::string& last,
                        std::vector<std::string>& tags) {
  // Whatever order the upstream used (distribution 2.8 lists tags in storage
  // order), pages go out in lexical order, each tag once, as the spec says.
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (!last.empty()) {
    std::erase_if(tags,
                  [&last](const std::string& tag) { return tag <= last; });
  }
  if (page_size > 0 && static_cast<int>(tags.size()) > page_size + 1) {
    tags.resize(page_size + 1);
  }
}

void ApplyTagPaging(int page_size, const std::string& last, TagPage& page) {
  KeepPageCandidates(page_size, last, page.tags);
  if (page_size > 0 && static_cast<int>(page.tags.size()) > page_size) {
    page.tags.resize(page_size);
    page.next_last = page.tags.back();
  }
}

}  // namespace tributary::registry
