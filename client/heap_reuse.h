#ifndef TRIBUTARY_CLIENT_HEAP_REUSE_H_
#define TRIBUTARY_CLIENT_HEAP_REUSE_H_

namespace tributary::client {

// For a process that receives blobs through this library: stops glibc from
// handing freed heap memory back to the kernel after every blob message. gRPC
// receives each GetBlob message (256 KiB to 1 MiB) into freshly malloc'd
// slices and frees them once the chunk is consumed; with glibc's dynamic
// thresholds the freed top of the heap was returned (brk, madvise) and
// faulted back in, zeroed, for the next message. That made tributary-frontend
// cost about 7.8 CPU-s per GiB of a warm blob, 2.1 with this
// (docs/benchmarks.md, "Through tributary-frontend"). Allocations below 32 MiB
// (glibc's own ceiling for the dynamic mmap threshold) stay on the heap, and
// up to 64 MiB free at a heap's top is kept; the heap still shrinks past that.
// Call once at start, before other threads allocate.
void KeepFreedHeapForReuse();

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_HEAP_REUSE_H_
