#include "bench/soak_catalog.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "service/oci/digest.h"
#include "service/util/files.h"

namespace tributary::bench {
namespace {

constexpr std::pair<absl::string_view, FaultMode> kModes[] = {
    {"reset", FaultMode::kReset},     {"503", FaultMode::kUnavailable},
    {"429", FaultMode::kRateLimited}, {"digest", FaultMode::kWrongDigest},
    {"hang", FaultMode::kHang},
};

absl::string_view ModeName(FaultMode mode) {
  for (const auto& [name, value] : kModes) {
    if (value == mode) {
      return name;
    }
  }
  return "none";
}

absl::Status BadLine(int number, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("catalog line ", number, ": ", why));
}

// Checks the digest and size fields and the repository's name.
absl::Status CheckEntry(int number, absl::string_view repository,
                        absl::string_view digest, absl::string_view size_text,
                        int64_t& size, RepositoryKind& kind) {
  if (!oci::Digest::Parse(std::string_view(digest.data(), digest.size()))
           .ok()) {
    return BadLine(number, absl::StrCat("bad digest \"", digest, "\""));
  }
  if (!absl::SimpleAtoi(size_text, &size) || size < 0) {
    return BadLine(number, absl::StrCat("bad size \"", size_text, "\""));
  }
  absl::StatusOr<RepositoryKind> parsed = KindOf(repository);
  if (!parsed.ok()) {
    return BadLine(number, parsed.status().message());
  }
  kind = *parsed;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RepositoryKind> KindOf(absl::string_view repository) {
  std::vector<absl::string_view> parts = absl::StrSplit(repository, '/');
  if (parts.size() >= 2 && parts[0] == "soak") {
    return RepositoryKind{};
  }
  if (parts.size() >= 3 && (parts[0] == "mixed" || parts[0] == "fault")) {
    for (const auto& [name, mode] : kModes) {
      if (parts[1] == name) {
        return RepositoryKind{.placement = parts[0] == "mixed"
                                               ? Placement::kFaultyFirst
                                               : Placement::kFaultyOnly,
                              .fault = mode};
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("repository \"", repository,
                   "\" is neither soak/NAME, mixed/MODE/NAME nor "
                   "fault/MODE/NAME (MODE: reset, 503, 429, digest, hang)"));
}

std::string KindLabel(const RepositoryKind& kind) {
  switch (kind.placement) {
    case Placement::kHealthy:
      return "healthy";
    case Placement::kFaultyFirst:
      return absl::StrCat("mixed/", ModeName(kind.fault));
    case Placement::kFaultyOnly:
      return absl::StrCat("fault/", ModeName(kind.fault));
  }
  return "?";
}

absl::StatusOr<Catalog> ParseCatalog(absl::string_view text) {
  Catalog catalog;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
    if (line.empty()) {
      continue;
    }
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields[0] == "image" && fields.size() == 5) {
      Image image{.repository = std::string(fields[1]),
                  .tag = std::string(fields[2]),
                  .digest = std::string(fields[3])};
      if (absl::Status checked = CheckEntry(number, fields[1], fields[3],
                                            fields[4], image.size, image.kind);
          !checked.ok()) {
        return checked;
      }
      catalog.tags[image.repository].push_back(image.tag);
      catalog.images.push_back(std::move(image));
    } else if (fields[0] == "blob" && fields.size() == 4) {
      Blob blob{.repository = std::string(fields[1]),
                .digest = std::string(fields[2])};
      if (absl::Status checked = CheckEntry(number, fields[1], fields[2],
                                            fields[3], blob.size, blob.kind);
          !checked.ok()) {
        return checked;
      }
      catalog.blobs.push_back(std::move(blob));
    } else {
      return BadLine(number,
                     "want \"image REPOSITORY TAG DIGEST SIZE\" or \"blob "
                     "REPOSITORY DIGEST SIZE\"");
    }
  }
  for (auto& [repository, tags] : catalog.tags) {
    std::sort(tags.begin(), tags.end());
  }
  return catalog;
}

absl::StatusOr<Catalog> ReadCatalog(const std::string& path) {
  absl::StatusOr<std::string> text = util::ReadFileToString(path);
  if (!text.ok()) {
    return text.status();
  }
  absl::StatusOr<Catalog> catalog = ParseCatalog(*text);
  if (!catalog.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", catalog.status().message()));
  }
  return catalog;
}

}  // namespace tributary::bench
