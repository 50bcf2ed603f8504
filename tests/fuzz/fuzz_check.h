#ifndef TRIBUTARY_TESTS_FUZZ_FUZZ_CHECK_H_
#define TRIBUTARY_TESTS_FUZZ_FUZZ_CHECK_H_

// What the fuzz targets (LLVMFuzzerTestOneInput) share. A target reports a
// broken property by aborting: libFuzzer and the GCC replay (replay_main.cc)
// both treat an abort as a found bug and keep the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tributary::fuzz {

// Aborts with "<target> fuzz: <what>" on stderr unless `holds`.
inline void Check(bool holds, const char* target, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "%s fuzz: %s\n", target, what);
    std::abort();
  }
}

// The fuzzer's bytes as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Printable ASCII only: what an error message built from untrusted input must
// be, so that it cannot split a log line or break a gRPC status.
// Takes std::string_view and Debian's absl::string_view (a distinct type).
template <typename Text>
bool IsPrintableAscii(const Text& text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

// Splits the input at its first `separator`: the part before it in `head`,
// the rest in `tail` (all of it in `head` when there is none). Lets one input
// carry two arguments.
inline void SplitAt(std::string_view input, char separator,
                    std::string_view& head, std::string_view& tail) {
  const size_t at = input.find(separator);
  head = input.substr(0, at);
  tail =
      at == std::string_view::npos ? std::string_view() : input.substr(at + 1);
}

}  // namespace tributary::fuzz

#endif  // TRIBUTARY_TESTS_FUZZ_FUZZ_CHECK_H_
