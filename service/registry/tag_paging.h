#ifndef TRIBUTARY_SERVICE_REGISTRY_TAG_PAGING_H_
#define TRIBUTARY_SERVICE_REGISTRY_TAG_PAGING_H_

#include <string>
#include <vector>

#include "service/registry/types.h"

namespace tributary::registry {

// Makes an upstream's tag page honour the caller's `n` and `last` even when the
// upstream ignored them: as of distribution 2.8 (Debian 12's docker-registry,
// checked 2026-11) tags/list returns every tag whatever the query says, and in
// storage order, not the lexical order the distribution spec requires. So the
// tags are sorted (and repeats dropped), tags not after `last` are dropped, and
// a page longer than `page_size` is cut, with `next_last` set to the last tag
// kept. A page the upstream paginated itself keeps its `next_last`.
void ApplyTagPaging(int page_size, const std::string& last, TagPage& page);

// Drops from `tags` what cannot be on the page ApplyTagPaging makes of them:
// repeats, tags not after `last`, and with `page_size` > 0 all but the
// page_size + 1 lowest (the one more keeps the page's cut visible). Leaves
// the rest sorted. ApplyTagPaging gives the same page before and after.
void KeepPageCandidates(int page_size, const std::string& last,
                        std::vector<std::string>& tags);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TAG_PAGING_H_
