// Runs a libFuzzer-style target (LLVMFuzzerTestOneInput) as an ordinary test
// under GCC: every file of the corpus directory given as the first argument,
// then random mutations of the corpus (50,000, or the second argument) and
// random inputs (two fifths as many) from a fixed seed. A
// target signals a bug by crashing or aborting, as under libFuzzer; the input
// that did it is then written to stderr (C-escaped), for the corpus and a
// unit test.

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string* corpus_dir = nullptr;
// How many mutated inputs to run; a slow target (a whole config parse) asks
// for fewer so that the test stays small.
int mutations = 50000;
// The input being run, for the crash report.
const std::string* current_input = nullptr;

// Characters that steer a text parser into its interesting branches.
constexpr char kInteresting[] = "\"\\=, \t;:/abzAZ09-._~+";

// Writes the current input to stderr and dies of the same signal. Only
// async-signal-safe calls (write, signal, raise).
void ReportInput(int signal_number) {
  static constexpr char kHeader[] = "fuzz replay: the input was \"";
  static constexpr char kHex[] = "0123456789abcdef";
  (void)!write(STDERR_FILENO, kHeader, sizeof kHeader - 1);
  if (current_input != nullptr) {
    for (unsigned char c : *current_input) {
      char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
      const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
      (void)!write(STDERR_FILENO, plain ? reinterpret_cast<char*>(&c) : escaped,
                   plain ? 1 : 4);
    }
  }
  (void)!write(STDERR_FILENO, "\"\n", 2);
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void RunOne(const std::string& input) {
  current_input = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()),
                         input.size());
  current_input = nullptr;
}

std::vector<std::string> ReadCorpus() {
  std::vector<std::string> inputs;
  DIR* dir = opendir(corpus_dir->c_str());
  if (dir == nullptr) {
    return inputs;
  }
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    std::ifstream file(*corpus_dir + "/" + name, std::ios::binary);
    std::ostringstream contents;
    contents << file.rdbuf();
    inputs.push_back(contents.str());
  }
  closedir(dir);
  return inputs;
}

std::string Mutate(std::string input, std::mt19937& random) {
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t at = input.empty() ? 0 : random() % (input.size() + 1);
    const char c = (random() % 2 == 0)
                       ? kInteresting[random() % (sizeof kInteresting - 1)]
                       : static_cast<char>(random() % 256);
    switch (random() % 3) {
      case 0:
        input.insert(at, 1, c);
        break;
      case 1:
        if (at < input.size()) {
          input[at] = c;
        }
        break;
      default:
        if (at < input.size()) {
          input.erase(at, 1 + random() % 8);
        }
    }
  }
  return input;
}

TEST(FuzzReplayTest, EveryCorpusInputRunsCleanly) {
  const std::vector<std::string> corpus = ReadCorpus();
  ASSERT_FALSE(corpus.empty()) << "no corpus files in " << *corpus_dir;
  for (const std::string& input : corpus) {
    RunOne(input);
  }
}

TEST(FuzzReplayTest, RandomMutationsOfTheCorpusRunCleanly) {
  const std::vector<std::string> corpus = ReadCorpus();
  ASSERT_FALSE(corpus.empty());
  std::mt19937 random(20240501);
  for (int i = 0; i < mutations; ++i) {
    RunOne(Mutate(corpus[random() % corpus.size()], random));
  }
}

TEST(FuzzReplayTest, RandomBytesRunCleanly) {
  std::mt19937 random(7);
  for (int i = 0; i < mutations * 2 / 5; ++i) {
    std::string input(random() % 64, '\0');
    for (char& c : input) {
      c = kInteresting[random() % (sizeof kInteresting - 1)];
    }
    RunOne(input);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  corpus_dir = new std::string(argc > 1 ? argv[1] : ".");
  if (argc > 2) {
    mutations = std::atoi(argv[2]);
  }
  for (int signal_number : {SIGABRT, SIGSEGV, SIGFPE, SIGBUS, SIGILL}) {
    signal(signal_number, ReportInput);
  }
  return RUN_ALL_TESTS();
}
