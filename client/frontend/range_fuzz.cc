// Fuzz target for ParseRange (a client's `Range` header against a blob of
// known size). The first eight input bytes are the blob's size, the rest the
// header. Checks that a partial range lies within the blob and is not empty,
// that a range is unsatisfiable only where the RFC says, and that writing a
// partial range out and parsing it again gives the same range.
//
// Under Bazel it runs as :range_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "client/frontend/range.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::frontend::ByteRange;
using tributary::fuzz::Check;

constexpr char kTarget[] = "range";

// A size from the first bytes: small sizes often (they hit the edges), any
// non-negative int64 sometimes.
int64_t SizeFrom(const uint8_t* data, size_t size) {
  uint64_t bits = 0;
  std::memcpy(&bits, data, size < sizeof bits ? size : sizeof bits);
  const int64_t blob_size = static_cast<int64_t>(bits >> 1);
  return (bits & 1) != 0 ? blob_size % 1024 : blob_size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::frontend::ParseRange;
  const int64_t blob_size = SizeFrom(data, size);
  const std::string_view header =
      size > 8 ? tributary::fuzz::AsText(data + 8, size - 8)
               : std::string_view();
  const ByteRange range = ParseRange(header, blob_size);
  switch (range.kind) {
    case ByteRange::Kind::kWhole:
      return 0;
    case ByteRange::Kind::kUnsatisfiable:
      Check(header.find("bytes=") != std::string_view::npos, kTarget,
            "unsatisfiable without a bytes= range");
      return 0;
    case ByteRange::Kind::kPartial:
      break;
  }
  Check(range.first >= 0 && range.first <= range.last && range.last < blob_size,
        kTarget, "a partial range is empty or outside the blob");
  Check(range.length() > 0 && range.length() <= blob_size, kTarget,
        "a partial range's length is out of bounds");
  const std::string again =
      "bytes=" + std::to_string(range.first) + "-" + std::to_string(range.last);
  const ByteRange reparsed = ParseRange(again, blob_size);
  Check(reparsed.kind == ByteRange::Kind::kPartial &&
            reparsed.first == range.first && reparsed.last == range.last,
        kTarget, "a partial range written out parses differently");
  return 0;
}
