#include "client/heap_reuse.h"

#include <malloc.h>

namespace tributary::client {

void KeepFreedHeapForReuse() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace tributary::client
