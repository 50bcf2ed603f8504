#include "tests/support/test_ca.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/ip/address.hpp"
#include "tests/support/files.h"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

constexpr absl::Duration kOpensslTimeout = absl::Seconds(20);

absl::Status Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  absl::StatusOr<CommandResult> result = RunCommand(args, kOpensslTimeout);
  if (!result.ok()) {
    return result.status();
  }
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat(
        FormatArgv(args), " exited ", result->exit_code, ": ", result->output));
  }
  return absl::OkStatus();
}

std::string SubjectAltName(const std::vector<std::string>& names) {
  std::vector<std::string> entries;
  for (const std::string& name : names) {
    boost::system::error_code not_ip;
    boost::asio::ip::make_address(name, not_ip);
    entries.push_back(absl::StrCat(not_ip ? "DNS:" : "IP:", name));
  }
  return absl::StrJoin(entries, ",");
}

}  // namespace

absl::StatusOr<TestCa> TestCa::Create(const std::string& work_dir,
                                      const std::string& name) {
  absl::StatusOr<std::string> dir = MakeTempDir(work_dir, "ca-");
  if (!dir.ok()) {
    return dir.status();
  }
  CertFiles ca{absl::StrCat(*dir, "/ca.pem"), absl::StrCat(*dir, "/ca.key")};
  absl::Status made = Openssl(
      {"req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca.key_file, "-out",
       ca.cert_file, "-days", "2", "-subj", absl::StrCat("/CN=", name),
       "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
       "keyUsage=critical,keyCertSign,cRLSign"});
  if (!made.ok()) {
    return made;
  }
  return TestCa(*std::move(dir), std::move(ca));
}

absl::StatusOr<CertFiles> TestCa::Issue(
    const std::string& file_stem, const std::vector<std::string>& names) const {
  const std::string stem = absl::StrCat(dir_, "/", file_stem);
  CertFiles issued{stem + ".pem", stem + ".key"};
  const std::string extensions = stem + ".ext";
  absl::Status written = WriteFile(
      extensions,
      absl::StrCat("subjectAltName=", SubjectAltName(names),
                   "\nextendedKeyUsage=serverAuth,clientAuth\n"
                   "basicConstraints=critical,CA:FALSE\n"
                   "keyUsage=critical,digitalSignature,keyEncipherment\n"));
  if (!written.ok()) {
    return written;
  }
  absl::Status requested = Openssl(
      {"req", "-new", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", issued.key_file,
       "-out", stem + ".csr", "-subj", absl::StrCat("/CN=", names.front())});
  if (!requested.ok()) {
    return requested;
  }
  absl::Status signed_ =
      Openssl({"x509", "-req", "-in", stem + ".csr", "-CA", ca_.cert_file,
               "-CAkey", ca_.key_file, "-CAcreateserial", "-out",
               issued.cert_file, "-days", "2", "-extfile", extensions});
  if (!signed_.ok()) {
    return signed_;
  }
  return issued;
}

}  // namespace tributary::testing
