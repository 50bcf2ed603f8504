#include "client/cli/args.h"

#include <cstddef>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tributary::client::cli {
namespace {

const FlagSpec* FindLong(const std::vector<FlagSpec>& specs,
                         const std::string& name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

const FlagSpec* FindShort(const std::vector<FlagSpec>& specs, char name) {
  for (const FlagSpec& spec : specs) {
    if (spec.short_name != 0 && spec.short_name == name) {
      return &spec;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& args,
                                 const std::vector<FlagSpec>& specs) {
  Args parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      parsed.positional_.insert(parsed.positional_.end(), args.begin() + i + 1,
                                args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positional_.push_back(arg);
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::string written;  // The flag as the user wrote it, for errors.
    std::string value;
    bool has_value = false;
    if (absl::StartsWith(arg, "--")) {
      const size_t equals = arg.find('=');
      const std::string name = arg.substr(2, equals - 2);
      written = "--" + name;
      spec = FindLong(specs, name);
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
        has_value = true;
      }
    } else if (arg.size() == 2) {
      written = arg;
      spec = FindShort(specs, arg[1]);
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", written.empty() ? arg : written));
    }
    if (!spec->takes_value) {
      if (has_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag ", written, " takes no value"));
      }
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag ", written, " needs a value"));
      }
      value = args[++i];
    }
    parsed.flags_[spec->name].push_back(value);
  }
  return parsed;
}

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? std::vector<std::string>() : it->second;
}

std::vector<std::string> Args::names() const {
  std::vector<std::string> names;
  for (const auto& [name, values] : flags_) {
    names.push_back(name);
  }
  return names;
}

}  // namespace tributary::client::cli
