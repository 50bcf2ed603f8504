// End to end with real clients: a real docker-registry holding a three-layer
// image (umoci insert, pushed by skopeo), the real tributary binary in front
// of it (TCP, and a Unix socket as in the pod), and two tributary-frontends in
// front of that: plain HTTP over TCP, and HTTPS over the Unix socket as the
// pod runs it. skopeo (inspect, copy) and podman (a registries.conf mirror)
// pull through the first; containerd (ctr content fetch, ctr images pull)
// through the second, configured by the shipped deploy/containerd hosts.toml
// examples, so that containerd's ?ns= reaches the frontend. Every digest is
// checked.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/registry_harness.h"
#include "tests/support/loopback_http.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kToolTimeout = absl::Seconds(120);

// Shared by every test: registries, images and processes are the slow part.
struct World {
  std::string work_dir;
  std::string policy;  // skopeo's signature policy: accept anything
  std::unique_ptr<RealRegistry> registry;
  std::string manifest_digest;
  std::vector<std::string> layers;
  std::optional<ChildProcess> tributary;
  std::optional<ChildProcess> frontend;
  std::string frontend_address;  // "127.0.0.1:PORT"
  std::string frontend_log;
  // Tributary's Unix socket (short: at most 107 bytes) and the HTTPS frontend
  // that dials it, with the CA its certificate chains to.
  std::string socket_dir;
  std::optional<ChildProcess> tls_frontend;
  std::string tls_frontend_address;  // "127.0.0.1:PORT"
  std::string tls_frontend_log;
  std::string ca_file;
};
World* world = nullptr;

absl::StatusOr<CommandResult> Tool(const std::vector<std::string>& argv) {
  auto result =
      RunCommandWithEnv(argv, {{"HOME", world->work_dir}}, kToolTimeout);
  if (result.ok() && result->exit_code != 0) {
    return absl::InternalError(absl::StrCat("`", FormatArgv(argv),
                                            "` exited with ", result->exit_code,
                                            ": ", result->output));
  }
  return result;
}

// A three-layer image (one random file per layer, so the layers differ from
// every other test's), pushed to demo/multi:v1.
absl::Status PushMultiLayerImage() {
  const std::string layout = world->work_dir + "/layout";
  const std::string image = layout + ":v1";
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{
           {"umoci", "init", "--layout", layout},
           {"umoci", "new", "--image", image}}) {
    if (auto ran = Tool(argv); !ran.ok()) return ran.status();
  }
  for (int i = 1; i <= 3; ++i) {
    const std::string file = absl::StrCat(world->work_dir, "/layer", i);
    std::string bytes;
    for (int j = 0; j < 200000 * i; ++j) {
      bytes.push_back(static_cast<char>((j * 7919 + i * 104729) % 251));
    }
    absl::StrAppend(&bytes, absl::ToUnixNanos(absl::Now()));
    if (absl::Status written = WriteFile(file, bytes); !written.ok()) {
      return written;
    }
    auto ran = Tool({"umoci", "insert", "--rootless", "--image", image, file,
                     absl::StrCat("/data/layer", i)});
    if (!ran.ok()) return ran.status();
  }
  auto pushed = Tool({"skopeo", "--policy", world->policy, "copy",
                      "--dest-tls-verify=false", "--format", "oci", "--quiet",
                      "oci:" + image,
                      absl::StrCat("docker://", world->registry->host_port(),
                                   "/demo/multi:v1")});
  if (!pushed.ok()) return pushed.status();
  // What the registry serves is the truth the pulls are checked against.
  HttpRequest get;
  get.path = "/v2/demo/multi/manifests/v1";
  get.headers = {{"Accept", kManifestAcceptHeader}};
  auto manifest =
      SendHttpRequest(world->registry->host_port(), get, absl::Seconds(10));
  if (!manifest.ok()) return manifest.status();
  world->manifest_digest = Sha256Digest(manifest->body);
  auto json = nlohmann::json::parse(manifest->body, nullptr, false);
  if (json.is_discarded() || !json.contains("layers")) {
    return absl::DataLossError("registry manifest: " + manifest->body);
  }
  world->layers.push_back(json["config"]["digest"]);
  for (const auto& layer : json["layers"]) {
    world->layers.push_back(layer["digest"]);
  }
  return absl::OkStatus();
}

// Ready once the frontend answers a manifest from the registry: the
// frontend, Tributary and the registry all up.
absl::Status WaitUntilServing() {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    HttpRequest manifest;
    manifest.path = "/v2/demo/multi/manifests/v1";
    auto answer =
        SendHttpRequest(world->frontend_address, manifest, absl::Seconds(2));
    if (answer.ok() && answer->status == 200) {
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  auto frontend_log = ReadFile(world->frontend_log);
  auto tributary_log = ReadFile(world->work_dir + "/tributary.log");
  return absl::UnavailableError(absl::StrCat(
      "the frontend did not serve the image; frontend log: ",
      frontend_log.ok() ? *frontend_log : "",
      "\ntributary log: ", tributary_log.ok() ? *tributary_log : ""));
}

// Waits until `url` answers 200 to curl trusting the test CA.
absl::Status WaitForHttps(const std::string& url, const std::string& log) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    auto answered = RunCommand(
        {"curl", "-sf", "--cacert", world->ca_file, "-o", "/dev/null", url},
        absl::Seconds(5));
    if (answered.ok() && answered->exit_code == 0) {
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  auto text = ReadFile(log);
  return absl::UnavailableError(absl::StrCat(
      url,
      " did not answer; log: ", text.ok() ? *text : text.status().ToString()));
}

// The pod's layout: a frontend with a certificate, dialing Tributary's Unix
// socket.
absl::Status StartTlsFrontend(const std::string& socket) {
  auto ca = TestCa::Create(world->work_dir, "frontend-ca");
  if (!ca.ok()) return ca.status();
  auto cert = ca->Issue("frontend", {"127.0.0.1"});
  if (!cert.ok()) return cert.status();
  world->ca_file = ca->ca_file();
  world->tls_frontend_address =
      absl::StrCat("127.0.0.1:", PickFreeLoopbackPort());
  world->tls_frontend_log = world->work_dir + "/tls-frontend.log";
  auto frontend = ChildProcess::Start(
      {"client/frontend/tributary-frontend", "--listen_address",
       world->tls_frontend_address, "--cert_file", cert->cert_file,
       "--key_file", cert->key_file, "--tributary_address", "unix://" + socket},
      world->tls_frontend_log);
  if (!frontend.ok()) return frontend.status();
  world->tls_frontend.emplace(*std::move(frontend));
  return WaitForHttps(absl::StrCat("https://", world->tls_frontend_address,
                                   "/v2/demo/multi/manifests/v1"),
                      world->tls_frontend_log);
}

absl::Status StartWorld() {
  world = new World();
  auto dir = MakeTempDir(TestTempDir(), "frontend-e2e");
  if (!dir.ok()) return dir.status();
  world->work_dir = *dir;
  world->policy = world->work_dir + "/policy.json";
  if (absl::Status written = WriteFile(
          world->policy, R"({"default":[{"type":"insecureAcceptAnything"}]})");
      !written.ok()) {
    return written;
  }
  auto registry = RealRegistry::Start(world->work_dir);
  if (!registry.ok()) return registry.status();
  world->registry = *std::move(registry);
  if (absl::Status pushed = PushMultiLayerImage(); !pushed.ok()) {
    return pushed;
  }
  const std::string grpc_address =
      absl::StrCat("127.0.0.1:", PickFreeLoopbackPort());
  char socket_dir[] = "/tmp/fe-e2e-XXXXXX";
  if (mkdtemp(socket_dir) == nullptr) {
    return absl::InternalError("mkdtemp /tmp/fe-e2e-XXXXXX failed");
  }
  world->socket_dir = socket_dir;
  const std::string socket = world->socket_dir + "/grpc.sock";
  const std::string config_path = world->work_dir + "/tributary.yaml";
  if (absl::Status written = WriteFile(
          config_path,
          absl::StrCat("server:\n  listen_address: \"", grpc_address,
                       "\"\n  additional_listen_addresses: [\"unix://", socket,
                       "\"]\n  shutdown_grace: 1s\nmetrics:\n  disabled: true\n"
                       "cache:\n  blob_directory: ",
                       world->work_dir,
                       "/blobs\nupstreams:\n  - name: local\n"
                       // The one real registry stands in for both sources.
                       "    registries: [docker.io, ghcr.io]\n"
                       "    url: ",
                       world->registry->url(), "\n"));
      !written.ok()) {
    return written;
  }
  auto tributary =
      ChildProcess::Start({"service/tributary", "--config", config_path},
                          world->work_dir + "/tributary.log");
  if (!tributary.ok()) return tributary.status();
  world->tributary.emplace(*std::move(tributary));
  world->frontend_address = absl::StrCat("127.0.0.1:", PickFreeLoopbackPort());
  world->frontend_log = world->work_dir + "/frontend.log";
  auto frontend = ChildProcess::Start(
      {"client/frontend/tributary-frontend", "--plain_http", "--listen_address",
       world->frontend_address, "--tributary_address", grpc_address},
      world->frontend_log);
  if (!frontend.ok()) return frontend.status();
  world->frontend.emplace(*std::move(frontend));
  if (absl::Status serving = WaitUntilServing(); !serving.ok()) {
    return serving;
  }
  return StartTlsFrontend(socket);
}

class FrontendEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Status started = StartWorld();
    ASSERT_TRUE(started.ok()) << started;
  }

  static void TearDownTestSuite() {
    if (world == nullptr) {
      return;
    }
    const std::string socket_dir = world->socket_dir;
    delete world;  // stops the processes
    world = nullptr;
    std::error_code ignored;
    std::filesystem::remove_all(socket_dir, ignored);
  }

  void SetUp() override {
    ASSERT_NE(world, nullptr);
    ASSERT_TRUE(world->frontend.has_value());
  }

  // skopeo copy through the frontend into a fresh OCI layout; checks that
  // every blob of the image arrived with the bytes its digest names.
  void CopyAndCheck(const std::string& reference) {
    auto dir = MakeTempDir(world->work_dir, "copy");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto copied = Tool(
        {"skopeo", "--policy", world->policy, "copy", "--src-tls-verify=false",
         "--quiet",
         absl::StrCat("docker://", world->frontend_address, "/", reference),
         absl::StrCat("oci:", *dir, ":v1")});
    ASSERT_TRUE(copied.ok()) << copied.status();
    for (const std::string& digest : world->layers) {
      auto bytes =
          ReadFile(absl::StrCat(*dir, "/blobs/sha256/", digest.substr(7)));
      ASSERT_TRUE(bytes.ok()) << digest << ": " << bytes.status();
      EXPECT_EQ(Sha256Digest(*bytes), digest);
    }
  }
};

TEST_F(FrontendEndToEndTest, SkopeoInspectSeesTheRegistrysManifest) {
  auto inspected = Tool(
      {"skopeo", "--policy", world->policy, "inspect", "--tls-verify=false",
       absl::StrCat("docker://", world->frontend_address, "/demo/multi:v1")});
  ASSERT_TRUE(inspected.ok()) << inspected.status();
  auto json = nlohmann::json::parse(inspected->output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << inspected->output;
  EXPECT_EQ(json["Digest"], world->manifest_digest);
  EXPECT_EQ(json["Layers"].size(), 3u);
  EXPECT_EQ(json["RepoTags"], nlohmann::json::array({"v1"}));
}

TEST_F(FrontendEndToEndTest, SkopeoCopiesEveryLayerVerified) {
  CopyAndCheck("demo/multi:v1");
}

TEST_F(FrontendEndToEndTest, SkopeoCopiesThroughAHostPathComponent) {
  // /v2/ghcr.io/demo/multi/...: the frontend takes ghcr.io as the source
  // registry and asks Tributary for demo/multi.
  CopyAndCheck("ghcr.io/demo/multi:v1");
  auto log = ReadFile(world->frontend_log);
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("route=manifest target=\"/v2/ghcr.io/demo/multi/"
                              "manifests/v1\" registry=ghcr.io status=200"));
}

// The shipped example deploy/containerd/REGISTRY/hosts.toml with its two
// placeholders, the frontend's address and CA file, replaced by the test
// frontend's: the example cannot rot. Each placeholder must be there once.
absl::StatusOr<std::string> ShippedHostsToml(const std::string& registry) {
  const std::string file =
      absl::StrCat("deploy/containerd/", registry, "/hosts.toml");
  auto text = ReadFile(file);
  if (!text.ok()) return text.status();
  const std::pair<std::string, std::string> placeholders[] = {
      {"https://10.96.0.50:5000",
       absl::StrCat("https://", world->tls_frontend_address)},
      {"/etc/containerd/certs.d/tributary-frontend-ca.crt", world->ca_file}};
  for (const auto& [placeholder, value] : placeholders) {
    const size_t at = text->find(placeholder);
    if (at == std::string::npos ||
        text->find(placeholder, at + 1) != std::string::npos) {
      return absl::FailedPreconditionError(absl::StrCat(
          file, ": placeholder ", placeholder, " is not there exactly once"));
    }
    text->replace(at, placeholder.size(), value);
  }
  return text;
}

// containerd as a node runs it: its own root, state and socket, the registry
// names docker.io and ghcr.io mirrored to the HTTPS frontend by the shipped
// hosts.toml examples.
class ContainerdTest : public FrontendEndToEndTest {
 protected:
  void SetUp() override {
    FrontendEndToEndTest::SetUp();
    auto dir = MakeTempDir(world->work_dir, "containerd");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    // A Unix socket path has at most 107 bytes; the test's temp dir is long.
    char socket_dir[] = "/tmp/ctrd-XXXXXX";
    ASSERT_NE(mkdtemp(socket_dir), nullptr);
    socket_dir_ = socket_dir;
    socket_ = socket_dir_ + "/containerd.sock";
    const std::string config = dir_ + "/config.toml";
    ASSERT_TRUE(
        WriteFile(
            config,
            absl::StrCat(
                "version = 2\nroot = \"", dir_, "/root\"\nstate = \"", dir_,
                "/state\"\ndisabled_plugins = "
                "[\"io.containerd.grpc.v1.cri\", "
                "\"io.containerd.snapshotter.v1.btrfs\", "
                "\"io.containerd.snapshotter.v1.zfs\", "
                "\"io.containerd.snapshotter.v1.devmapper\", "
                "\"io.containerd.snapshotter.v1.aufs\"]\n[grpc]\n  "
                "address = \"",
                socket_, "\"\n[ttrpc]\n  address = \"", socket_, ".ttrpc\"\n"))
            .ok());
    hosts_dir_ = dir_ + "/hosts";
    for (const std::string registry : {"docker.io", "ghcr.io"}) {
      auto hosts = ShippedHostsToml(registry);
      ASSERT_TRUE(hosts.ok()) << hosts.status();
      std::filesystem::create_directories(hosts_dir_ + "/" + registry);
      ASSERT_TRUE(
          WriteFile(hosts_dir_ + "/" + registry + "/hosts.toml", *hosts).ok());
    }
    auto containerd = ChildProcess::Start({"containerd", "--config", config},
                                          dir_ + "/containerd.log");
    ASSERT_TRUE(containerd.ok()) << containerd.status();
    containerd_.emplace(*std::move(containerd));
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (access(socket_.c_str(), F_OK) != 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(access(socket_.c_str(), F_OK), 0)
        << "containerd did not start; see " << dir_ << "/containerd.log";
  }

  absl::StatusOr<CommandResult> Ctr(std::vector<std::string> args) {
    std::vector<std::string> argv = {"ctr", "--address", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    return Tool(argv);
  }

  void TearDown() override {
    if (containerd_.has_value()) {
      containerd_->Stop();
    }
    std::error_code ignored;
    std::filesystem::remove_all(socket_dir_, ignored);
  }

  std::string dir_;
  std::string socket_dir_;
  std::string socket_;
  std::string hosts_dir_;
  std::optional<ChildProcess> containerd_;
};

TEST_F(ContainerdTest, CtrContentFetchPullsThroughTheMirrorWithNs) {
  auto fetched = Ctr({"content", "fetch", "--hosts-dir", hosts_dir_,
                      "docker.io/demo/multi:v1"});
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  auto listed = Ctr({"content", "ls", "-q"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  for (const std::string& digest : world->layers) {
    EXPECT_THAT(listed->output, HasSubstr(digest));
  }
  auto log = ReadFile(world->tls_frontend_log);
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("target=\"/v2/demo/multi/manifests/v1?ns=docker."
                              "io\" registry=docker.io status=200"));
}

TEST_F(ContainerdTest, CtrContentFetchPullsGhcrThroughItsShippedHostsToml) {
  auto fetched = Ctr(
      {"content", "fetch", "--hosts-dir", hosts_dir_, "ghcr.io/demo/multi:v1"});
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  auto log = ReadFile(world->tls_frontend_log);
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("target=\"/v2/demo/multi/manifests/v1?ns=ghcr."
                              "io\" registry=ghcr.io status=200"));
}

TEST_F(ContainerdTest, CtrImagesPullUnpacksWithTheNativeSnapshotter) {
  auto pulled = Ctr({"images", "pull", "--snapshotter", "native", "--hosts-dir",
                     hosts_dir_, "docker.io/demo/multi:v1"});
  ASSERT_TRUE(pulled.ok()) << pulled.status();
  auto images = Ctr({"images", "ls", "-q"});
  ASSERT_TRUE(images.ok()) << images.status();
  EXPECT_THAT(images->output, HasSubstr("docker.io/demo/multi:v1"));
}

// podman as root runs it here: its own storage (vfs: no overlay mounts) and
// state, cgroupfs (no systemd), file events, and a registries.conf mirroring
// docker.io to the plain-HTTP frontend.
class PodmanTest : public FrontendEndToEndTest {
 protected:
  void SetUp() override {
    FrontendEndToEndTest::SetUp();
    auto dir = MakeTempDir(world->work_dir, "podman");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    // podman refuses a --runroot longer than 50 bytes; the test's temp dir
    // is longer. Its libpod state (--tmpdir) goes there too: the default,
    // /run/libpod, is read-only in Bazel's sandbox.
    char runroot[] = "/tmp/podman-run-XXXXXX";
    ASSERT_NE(mkdtemp(runroot), nullptr);
    runroot_ = runroot;
    // containers-registries.conf(5). The registry's own location stays on
    // loopback (a closed port): were the mirror to fail, podman's fallback
    // must fail here rather than reach Docker Hub.
    ASSERT_TRUE(WriteFile(dir_ + "/registries.conf",
                          absl::StrCat("unqualified-search-registries = []\n\n"
                                       "[[registry]]\nprefix = \"docker.io\"\n"
                                       "location = \"127.0.0.1:1\"\n"
                                       "insecure = true\n\n"
                                       "[[registry.mirror]]\nlocation = \"",
                                       world->frontend_address,
                                       "\"\ninsecure = true\n"))
                    .ok());
  }

  absl::StatusOr<CommandResult> Podman(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"podman",
                                     "--root",
                                     dir_ + "/root",
                                     "--runroot",
                                     runroot_,
                                     "--storage-driver",
                                     "vfs",
                                     "--cgroup-manager",
                                     "cgroupfs",
                                     "--events-backend",
                                     "file",
                                     "--tmpdir",
                                     runroot_ + "/libpod"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = RunCommandWithEnv(
        argv,
        {{"HOME", world->work_dir},
         {"CONTAINERS_REGISTRIES_CONF", dir_ + "/registries.conf"}},
        kToolTimeout);
    if (result.ok() && result->exit_code != 0) {
      return absl::InternalError(
          absl::StrCat("`", FormatArgv(argv), "` exited with ",
                       result->exit_code, ": ", result->output));
    }
    return result;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(runroot_, ignored);
  }

  std::string dir_;
  std::string runroot_;
};

TEST_F(PodmanTest, PodmanPullsThroughARegistriesConfMirror) {
  auto pulled = Podman(
      {"pull", "--signature-policy", world->policy, "docker.io/demo/multi:v1"});
  ASSERT_TRUE(pulled.ok()) << pulled.status();
  auto digest = Podman({"image", "inspect", "--format", "{{.Digest}}",
                        "docker.io/demo/multi:v1"});
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_THAT(digest->output, HasSubstr(world->manifest_digest));
}

}  // namespace
}  // namespace tributary::testing
