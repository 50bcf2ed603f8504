#ifndef TRIBUTARY_CLIENT_CLI_ARGS_H_
#define TRIBUTARY_CLIENT_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tributary::client::cli {

// One command-line flag. Plain value type.
struct FlagSpec {
  std::string name;     // Long form without dashes: "page-size".
  char short_name = 0;  // Single-dash form ('o' for -o), or 0.
  bool takes_value = true;
};

// A parsed command line: flags (in any position, "--name=value", "--name
// value", "-o value", or "--name" for a flag without value) and positional
// arguments; "--" ends the flags. Immutable value type.
class Args {
 public:
  // Errors are InvalidArgument naming the flag: unknown, missing its value,
  // or a value given to a flag that takes none.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& args,
                                    const std::vector<FlagSpec>& specs);

  bool Has(const std::string& name) const { return flags_.contains(name); }
  // The last value given for `name`, or `fallback`.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  // Every value given for `name`, in order.
  std::vector<std::string> GetAll(const std::string& name) const;
  // Names of the flags given, sorted.
  std::vector<std::string> names() const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> flags_;
  std::vector<std::string> positional_;
};

}  // namespace tributary::client::cli

#endif  // TRIBUTARY_CLIENT_CLI_ARGS_H_
