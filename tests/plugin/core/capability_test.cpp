// Every capability denied (-76 and a log line naming the function and the capability),
// granted, and revoked then called (a revoke takes effect at the next call).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

struct Case {
  const char* action;
  Capability capability;
  const char* function;  // as the denial line names it
  const char* params = "{}";
};

// Denied, granted, revoked for the host functions whose success the probe reports as 0.
void denied_granted_revoked(const Case& c, const std::function<void(Recorder&)>& check_effect) {
  SCOPED_TRACE(c.action);
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  CallResult denied = p->execute(action(c.action, c.params));
  EXPECT_EQ(denied.code, -76) << describe(denied);
  const std::string cap = "capability \"" + std::string(capability_name(c.capability)) + "\" is not granted";
  EXPECT_EQ(rec.count_logs({c.function, cap}), 1u) << rec.all_logs();
  EXPECT_TRUE(rec.midi.empty() && rec.actions.empty());

  CapabilitySet g;
  g.add(c.capability);
  p->set_grants(g);
  CallResult granted = p->execute(action(c.action, c.params));
  EXPECT_EQ(granted.status, CallResult::Status::Ok) << describe(granted);
  check_effect(rec);

  p->set_grants(CapabilitySet{});
  CallResult revoked = p->execute(action(c.action, c.params));
  EXPECT_EQ(revoked.code, -76) << describe(revoked);
  EXPECT_EQ(rec.count_logs({c.function, cap}), 2u) << rec.all_logs();
  EXPECT_EQ(p->instantiations(), 1u) << "grants other than filesystem need no new instance";
}

TEST(PluginCapabilities, Midi) {
  denied_granted_revoked({"midi", Capability::Midi, "send_midi"}, [](Recorder& rec) {
    ASSERT_EQ(rec.midi.size(), 1u);
    EXPECT_EQ(rec.midi[0], (std::vector<uint8_t>{0x90, 0x3c, 0x64, 0x80, 0x3c, 0x00}));
  });
}

TEST(PluginCapabilities, SystemControl) {
  denied_granted_revoked({"key", Capability::SystemControl, "request_action(Keystroke)"}, [](Recorder& rec) {
    ASSERT_EQ(rec.actions.size(), 1u);
    EXPECT_EQ(rec.actions[0], R"({"keys":"space","modifiers":["ctrl"],"type":"Keystroke"})");
  });
}

TEST(PluginCapabilities, Audio) {
  denied_granted_revoked({"volume", Capability::Audio, "request_action(VolumeControl)"}, [](Recorder& rec) {
    ASSERT_EQ(rec.actions.size(), 1u);
    EXPECT_NE(rec.actions[0].find("\"VolumeControl\""), std::string::npos);
  });
}

TEST(PluginCapabilities, AudioDoesNotOpenSystemControl) {
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Audio);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->execute(action("key")).code, -76);
  EXPECT_EQ(rec.count_logs({"request_action(Keystroke)", "\"systemcontrol\""}), 1u) << rec.all_logs();
  // Action types plugins may not request at all are malformed requests.
  EXPECT_EQ(p->execute(action("shell")).code, -28);
  EXPECT_TRUE(rec.actions.empty());
}

TEST(PluginCapabilities, Subprocess) {
  denied_granted_revoked({"proc", Capability::Subprocess, "run_process", R"({"prog":"/bin/true","arg":"x"})"},
                         [](Recorder& rec) { EXPECT_NE(rec.out.find(R"("exit_code":0)"), std::string::npos) << rec.out; });
  // One real call through the process runner: /bin/echo.
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Subprocess);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("proc", R"({"prog":"/bin/echo","arg":"hi there"})"));
  EXPECT_TRUE(r.ok()) << describe(r) << rec.all_logs();
  EXPECT_NE(rec.out.find(R"("exit_code":0)"), std::string::npos) << rec.out;
  EXPECT_NE(rec.out.find(R"("stdout":"hi there\n")"), std::string::npos) << rec.out;
}

TEST(PluginCapabilities, NetworkDeniedGrantedRevoked) {
  Recorder rec;
  WasmPluginOptions o;
  o.allowed_hosts = {"127.0.0.1:1"};  // nothing listens on port 1
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  const auto req = action("http", R"({"url":"http://127.0.0.1:1/"})");
  EXPECT_EQ(p->execute(req).code, -76);
  EXPECT_EQ(rec.count_logs({"http_request", "capability \"network\" is not granted"}), 1u) << rec.all_logs();

  CapabilitySet g;
  g.add(Capability::Network);
  p->set_grants(g);
  CallResult granted = p->execute(req);
  EXPECT_EQ(granted.code, -29) << "granted and listed, so the connection is tried (and refused): "
                               << describe(granted) << rec.all_logs();
  // A host not on the list is refused even with the grant.
  CallResult off_list = p->execute(action("http", R"({"url":"http://127.0.0.2:1/"})"));
  EXPECT_EQ(off_list.code, -76) << describe(off_list);
  EXPECT_EQ(rec.count_logs({"http_request denied", "127.0.0.2", "network.hosts"}), 1u) << rec.all_logs();
  // Not http(s): a malformed request.
  EXPECT_EQ(p->execute(action("http", R"({"url":"file:///etc/passwd"})")).code, -28);

  p->set_grants(CapabilitySet{});
  EXPECT_EQ(p->execute(req).code, -76);
  EXPECT_EQ(rec.count_logs({"http_request", "capability \"network\" is not granted"}), 2u) << rec.all_logs();
}

// A one-shot loopback HTTP server: answers one request with `reply`.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) {
    s_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ok_ = s_ >= 0 && ::bind(s_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
          ::listen(s_, 1) == 0 && ::getsockname(s_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
    if (!ok_) return;
    thread_ = std::thread([this, reply = std::move(reply)] {
      const int c = ::accept(s_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      std::string got;
      while (got.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      (void)!::write(c, reply.data(), reply.size());
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(s_, SHUT_RDWR);  // ends an accept() nobody connected to
    if (thread_.joinable()) thread_.join();
    if (s_ >= 0) ::close(s_);
  }
  bool ok() const { return ok_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }

 private:
  int s_ = -1;
  int port_ = 0;
  bool ok_ = false;
  std::thread thread_;
};

// One real request through the transport, to a one-shot loopback server.
TEST(PluginCapabilities, NetworkRealRequest) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: yes\r\nConnection: close\r\n\r\nhello");
  ASSERT_TRUE(server.ok());
  Recorder rec;
  WasmPluginOptions o;
  o.allowed_hosts = {"127.0.0.1"};
  o.grants.add(Capability::Network);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("http", R"({"url":")" + server.url("/x") + R"("})"));
  EXPECT_TRUE(r.ok()) << describe(r) << rec.all_logs();
  EXPECT_NE(rec.out.find(R"("status":200)"), std::string::npos) << rec.out;
  EXPECT_NE(rec.out.find(R"("body":"hello")"), std::string::npos) << rec.out;
  EXPECT_NE(rec.out.find(R"("x-test":"yes")"), std::string::npos) << rec.out;
}

// A redirect off the list ends the request with -76, as the first URL would.
TEST(PluginCapabilities, NetworkRedirectOffTheListIsRefused) {
  OneShotServer server("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:9/stolen\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(server.ok());
  Recorder rec;
  WasmPluginOptions o;
  o.allowed_hosts = {"127.0.0.1"};
  o.grants.add(Capability::Network);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("http", R"({"url":")" + server.url("/go") + R"("})"));
  EXPECT_EQ(r.code, -76) << describe(r) << rec.all_logs();
  EXPECT_EQ(rec.count_logs({"http_request denied", "127.0.0.2"}), 1u) << rec.all_logs();
}

// A process that never exits is killed at its timeout (-73); without one, at the call's
// deadline. Either way the call ends in bounded time.
TEST(PluginCapabilities, SubprocessThatNeverExits) {
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Subprocess);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("proc_sleep", R"({"timeout_ms":100})"));
  EXPECT_EQ(r.code, -73) << describe(r) << rec.all_logs();
  EXPECT_LT(r.duration, std::chrono::seconds(4)) << "the call's own 5 s deadline was not needed";
  EXPECT_EQ(rec.count_logs({"run_process timed out"}), 1u) << rec.all_logs();

  PluginLimits short_call;
  short_call.timeout = std::chrono::milliseconds(300);
  p->set_limits(short_call);
  CallResult d = p->execute(action("proc_sleep"));
  const bool timed_out = d.code == -73 || d.message.find("deadline exceeded") != std::string::npos;
  EXPECT_TRUE(timed_out) << describe(d);
  EXPECT_LT(d.duration, std::chrono::seconds(3));
}

class FilesystemCapability : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/midimon-plugin-core-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::filesystem::create_directories(root_ / "install");
    std::ofstream(root_ / "install" / "readme.txt") << "read me";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(FilesystemCapability, DeniedGrantedRevoked) {
  Recorder rec;
  WasmPluginOptions o;
  o.data_dir = root_ / "data";
  o.install_dir = root_ / "install";
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  // Without the grant no preopens exist: nothing can be opened, nothing is created.
  CallResult denied = p->execute(action("fs_write"));
  EXPECT_EQ(denied.code, 76) << "wasi-libc finds no preopen for /data: ENOTCAPABLE. " << describe(denied);
  EXPECT_NE(p->execute(action("fs_read_plugin")).code, 0);
  EXPECT_FALSE(std::filesystem::exists(root_ / "data")) << "the data dir is created on first use";

  CapabilitySet g;
  g.add(Capability::Filesystem);
  p->set_grants(g);
  CallResult granted = p->execute(action("fs_write"));
  EXPECT_EQ(granted.status, CallResult::Status::Ok) << describe(granted);
  std::ifstream f(root_ / "data" / "x");
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "written by probe\n");
  EXPECT_EQ(p->execute(action("fs_read_plugin")).code, 0) << "/plugin is readable";
  EXPECT_NE(p->execute(action("fs_write_plugin")).code, 0) << "/plugin is read-only";
  EXPECT_FALSE(std::filesystem::exists(root_ / "install" / "evil.txt"));
  EXPECT_EQ(p->instantiations(), 2u) << "the grant took effect on a fresh instance";

  std::filesystem::remove(root_ / "data" / "x");
  p->set_grants(CapabilitySet{});
  EXPECT_EQ(p->execute(action("fs_write")).code, 76);
  EXPECT_FALSE(std::filesystem::exists(root_ / "data" / "x"));
  EXPECT_EQ(p->instantiations(), 3u);
}

}  // namespace
}  // namespace midimon::plugin::test
