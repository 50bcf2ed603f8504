#include "service/registry/tag_paging.h"

#include <algorithm>

namespace tributary::registry {

void ApplyTagPaging(int page_size, const std::string& last, TagPage& page) {
  // Whatever order the upstream used (distribution 2.8 lists tags in storage
  // order), pages go out in lexical order, each tag once, as the spec says.
  std::sort(page.tags.begin(), page.tags.end());
  page.tags.erase(std::unique(page.tags.begin(), page.tags.end()),
                  page.tags.end());
  if (!last.empty()) {
    std::erase_if(page.tags,
                  [&last](const std::string& tag) { return tag <= last; });
  }
  if (page_size > 0 && static_cast<int>(page.tags.size()) > page_size) {
    page.tags.resize(page_size);
    page.next_last = page.tags.back();
  }
}

}  // namespace tributary::registry
