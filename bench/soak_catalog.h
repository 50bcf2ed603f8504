#ifndef TRIBUTARY_BENCH_SOAK_CATALOG_H_
#define TRIBUTARY_BENCH_SOAK_CATALOG_H_

// What the soak (bench/soak.sh) pushed where, as the load generator and the
// fault upstream both need to know it: every image and blob, and what each
// repository's name says about the upstreams serving it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tributary::bench {

// Which upstreams serve a repository. The soak's config gives each name
// prefix its own upstreams (scopes), so the name alone predicts the outcome.
enum class Placement {
  kHealthy,      // "soak/...": the real registries only
  kFaultyFirst,  // "mixed/MODE/...": the fault upstream, then a real registry
                 // with the same content
  kFaultyOnly,   // "fault/MODE/...": the fault upstream only
};

// What the fault upstream does to a repository's requests (some of them).
enum class FaultMode {
  kNone,
  kReset,        // "reset": TCP resets mid-body, or instead of an answer
  kUnavailable,  // "503": bursts of 503
  kRateLimited,  // "429": 429 with a Retry-After (1s, or 1h: past the cap)
  kWrongDigest,  // "digest": manifest and blob bytes that do not match
  kHang,         // "hang": no answer, or a body that stops mid-way
};

struct RepositoryKind {
  Placement placement = Placement::kHealthy;
  FaultMode fault = FaultMode::kNone;
};

// "soak/app" -> healthy; "mixed/503/app" -> faulty first, 503 bursts;
// "fault/digest/app" -> faulty only, wrong digests. InvalidArgument for any
// other name, naming it.
absl::StatusOr<RepositoryKind> KindOf(absl::string_view repository);

// A short label for reports: "healthy", "mixed/503", "fault/digest".
std::string KindLabel(const RepositoryKind& kind);

struct Image {
  std::string repository;
  std::string tag;
  std::string digest;  // of the manifest
  int64_t size = 0;    // of the manifest
  RepositoryKind kind;
};

struct Blob {
  std::string repository;
  std::string digest;
  int64_t size = 0;
  RepositoryKind kind;
};

// Everything pushed. Plain value type.
struct Catalog {
  std::vector<Image> images;
  std::vector<Blob> blobs;
  // Every repository with images: its tags, sorted.
  std::map<std::string, std::vector<std::string>> tags;
};

// Parses the catalog soak.sh writes, one entry a line ('#' starts a comment):
//   image REPOSITORY TAG DIGEST SIZE
//   blob REPOSITORY DIGEST SIZE
// InvalidArgument naming the line number and what is wrong.
absl::StatusOr<Catalog> ParseCatalog(absl::string_view text);

// ParseCatalog of a file; errors name the file.
absl::StatusOr<Catalog> ReadCatalog(const std::string& path);

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_SOAK_CATALOG_H_
