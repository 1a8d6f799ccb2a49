// The server over a real socket: permissions, stale/live sockets, the line limit, error
// replies that keep the connection, events, the slow client, learn, stop, and the uid
// check's enforcement path (a server told to accept only another uid).
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "daemon/ipc_server.h"
#include "fake_control.h"
#include "ipc_test_support.h"

namespace midimon::daemon {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class IpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp.path().empty());
    options.socket_path = tmp.socket();
  }
  std::unique_ptr<IpcServer> start() {
    std::string error;
    auto server = IpcServer::start(control, options, &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }
  test::TempDir tmp;
  test::FakeControl control;
  IpcServerOptions options;
};

TEST_F(IpcServerTest, DirectoryIs0700AndSocket0600AndRemovedOnStop) {
  auto server = start();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(test::file_mode(tmp.path() + "/midimon"), 0700u);
  EXPECT_EQ(test::file_mode(tmp.socket()), 0600u);
  server->stop();
  EXPECT_EQ(test::file_mode(tmp.socket()), 0xFFFFu) << "the socket file outlived stop()";
}

TEST_F(IpcServerTest, RefusesAnOpenDirectory) {
  std::string dir = tmp.path() + "/midimon";
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  std::string error;
  EXPECT_EQ(IpcServer::start(control, options, &error), nullptr);
  EXPECT_NE(error.find("refusing to use the socket directory"), std::string::npos) << error;
}

TEST_F(IpcServerTest, ReplacesAStaleSocket) {
  std::string dir = tmp.path() + "/midimon";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, tmp.socket().c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);  // a dead daemon's socket file
  auto server = start();
  ASSERT_NE(server, nullptr);
  test::TestClient client(tmp.socket());
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.request(R"({"cmd":"ping"})")["ok"], true);
}

TEST_F(IpcServerTest, ALiveServerMeansAlreadyRunning) {
  auto first = start();
  ASSERT_NE(first, nullptr);
  std::string error;
  EXPECT_EQ(IpcServer::start(control, options, &error), nullptr);
  EXPECT_NE(error.find("already running"), std::string::npos) << error;
  test::TestClient client(tmp.socket());  // the first one is untouched
  EXPECT_EQ(client.request(R"({"cmd":"ping"})")["ok"], true);
}

TEST_F(IpcServerTest, NeverReplacesAFileThatIsNotASocket) {
  std::string dir = tmp.path() + "/midimon";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  std::ofstream(tmp.socket()) << "precious";
  std::string error;
  EXPECT_EQ(IpcServer::start(control, options, &error), nullptr);
  EXPECT_NE(error.find("is not a socket"), std::string::npos) << error;
  std::ifstream in(tmp.socket());
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(IpcServerTest, ErrorsKeepTheConnectionUsable) {
  auto server = start();
  test::TestClient client(tmp.socket());
  json r = client.request("{oops");
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("malformed JSON"), std::string::npos);
  r = client.request(R"({"cmd":"launch-missiles"})");
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("unknown command"), std::string::npos);
  r = client.request(R"({"cmd":"mode","name":"Media","id":3})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["id"], 3);
  EXPECT_EQ(control.mode, "Media");
}

TEST_F(IpcServerTest, APeerThatShutsItsWritingSideStillGetsTheWholeReply) {
  auto server = start();
  // Hold the server's loop inside another request so that the request below AND its EOF
  // are both waiting when the server first reads this client: the reply (larger than the
  // socket buffer) is then still pending when the server sees the EOF.
  test::TestClient holder(tmp.socket());
  ASSERT_TRUE(holder.send_line(R"({"cmd":"validate","file":"gate"})"));
  ASSERT_TRUE(control.wait_gate_entered(5s));
  test::TestClient client(tmp.socket());  // completes through the listen backlog
  ASSERT_TRUE(client.send_line(R"({"cmd":"validate","file":"big"})"));
  ::shutdown(client.fd(), SHUT_WR);  // as `socat` / `nc -N` do after sending
  control.open_gate();
  auto line = client.read_line(10s);
  ASSERT_TRUE(line);
  json r = json::parse(*line);
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["warnings"][0].get<std::string>().size(), 600u * 1024);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(test::wait_for([&] { return server->stats().clients == 1; }, 5s));  // the holder
}

TEST_F(IpcServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start();
  test::TestClient client(tmp.socket());
  ASSERT_TRUE(client.send_raw("{\"cmd\":\"ping\",\"id\":1}\n{\"cmd\":\"status\",\"id\":2}\n"
                              "{\"cmd\":\"devices\",\"id\":3}\n"));
  for (int id = 1; id <= 3; ++id) {
    auto line = client.read_line();
    ASSERT_TRUE(line);
    EXPECT_EQ(json::parse(*line)["id"], id);
  }
}

TEST_F(IpcServerTest, OversizedLineGetsAnErrorAndTheConnectionIsClosed) {
  options.max_line = 1024;
  auto server = start();
  test::TestClient client(tmp.socket());
  // 1 MiB without a newline, from another thread: the server stops reading at the limit,
  // so this writer may block until the server closes.
  std::thread writer([&] { client.send_raw(std::string(1024 * 1024, 'x')); });
  auto line = client.read_line();
  ASSERT_TRUE(line);
  json r = json::parse(*line);
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("longer than 1024 bytes"), std::string::npos);
  EXPECT_TRUE(client.closed_by_peer());
  ::shutdown(client.fd(), SHUT_RDWR);
  writer.join();
  EXPECT_EQ(server->stats().oversized, 1u);
  EXPECT_TRUE(control.recorded().empty()) << "part of the oversized line was executed";
  test::TestClient next(tmp.socket());  // the server carries on
  EXPECT_EQ(next.request(R"({"cmd":"ping"})")["ok"], true);
}

TEST_F(IpcServerTest, ALineAtTheLimitIsServed) {
  options.max_line = 1024;
  auto server = start();
  test::TestClient client(tmp.socket());
  std::string line = R"({"cmd":"ping","pad":")";
  line += std::string(1024 - line.size() - 2, 'p') + "\"}";
  ASSERT_EQ(line.size(), 1024u);
  EXPECT_EQ(client.request(line)["ok"], true);
}

TEST_F(IpcServerTest, EventsAreStreamedToSubscribers) {
  auto server = start();
  test::TestClient client(tmp.socket());
  json r = client.request(R"({"cmd":"events"})");
  EXPECT_EQ(r["subscribed"], true);
  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));
  for (int i = 0; i < 3; ++i) control.events.publish("note " + std::to_string(i));
  for (int i = 0; i < 3; ++i) {
    auto line = client.read_line();
    ASSERT_TRUE(line);
    json event = json::parse(*line);
    EXPECT_EQ(event["text"], "note " + std::to_string(i));
    EXPECT_EQ(event["seq"], i + 1);
  }
  EXPECT_EQ(client.request(R"({"cmd":"events"})")["ok"], false);  // once per connection
}

TEST_F(IpcServerTest, DroppedEventsAreReportedToTheSubscriber) {
  auto server = start();
  test::TestClient client(tmp.socket());
  EXPECT_EQ(client.request(R"({"cmd":"events"})")["ok"], true);
  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));
  control.events.first_stream()->add_dropped(5);
  control.events.publish("after the gap");
  auto line = client.read_line();
  ASSERT_TRUE(line);
  json lagged = json::parse(*line);
  EXPECT_EQ(lagged["kind"], "lagged");
  EXPECT_EQ(lagged["dropped"], 5);
  line = client.read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["text"], "after the gap");
}

TEST_F(IpcServerTest, ABurstLargerThanOneTurnArrivesCompleteAndInOrder) {
  control.events.capacity = 5000;
  auto server = start();
  test::TestClient client(tmp.socket());
  EXPECT_EQ(client.request(R"({"cmd":"events"})")["ok"], true);
  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));
  for (int i = 0; i < 2000; ++i) control.events.publish(std::to_string(i));
  for (int i = 0; i < 2000; ++i) {
    auto line = client.read_line();
    ASSERT_TRUE(line) << i;
    ASSERT_EQ(json::parse(*line)["text"], std::to_string(i));
  }
}

TEST_F(IpcServerTest, ClosingTheClientUnsubscribes) {
  auto server = start();
  {
    test::TestClient client(tmp.socket());
    EXPECT_EQ(client.request(R"({"cmd":"events"})")["ok"], true);
    ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));
  }
  EXPECT_TRUE(test::wait_for([&] { return control.events.live_streams() == 0; }, 5s));
}

TEST_F(IpcServerTest, DaemonShutdownEndsTheStream) {
  auto server = start();
  test::TestClient client(tmp.socket());
  EXPECT_EQ(client.request(R"({"cmd":"events"})")["ok"], true);
  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));
  control.events.close_all();
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(IpcServerTest, SubscriptionsUnavailableIsAnError) {
  control.events_available = false;
  auto server = start();
  test::TestClient client(tmp.socket());
  json r = client.request(R"({"cmd":"events"})");
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(client.request(R"({"cmd":"ping"})")["ok"], true);
}

// The acceptance test: a subscriber that never reads must not slow the publisher, and is
// dropped once its bounded output is full; a reading subscriber keeps up.
TEST_F(IpcServerTest, ASubscriberThatNeverReadsIsDroppedAndNeverBlocksThePublisher) {
  options.max_output = 64 * 1024;
  control.events.capacity = 1024;
  auto server = start();
  test::TestClient stuck(tmp.socket());
  // Small kernel buffers so the server's own buffer fills quickly.
  int small = 4096;
  ::setsockopt(stuck.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(stuck.send_line(R"({"cmd":"events"})"));
  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 5s));

  const std::string text(200, 'e');
  std::chrono::nanoseconds slowest{0};
  auto flood_started = std::chrono::steady_clock::now();
  int published = 0;
  // Publish until the server has dropped the stuck client (bounded by a count and a
  // deadline so a broken server fails instead of hanging).
  while (server->stats().slow_dropped == 0 && published < 2'000'000 &&
         std::chrono::steady_clock::now() - flood_started < 20s) {
    auto t0 = std::chrono::steady_clock::now();
    control.events.publish(text);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    ++published;
  }
  EXPECT_EQ(server->stats().slow_dropped, 1u) << "after " << published << " events";
  // A publish is a lock, a queue push and an eventfd write: far below 250 ms even on a
  // loaded sanitizer build. A publisher that waited for the client would block forever.
  EXPECT_LT(slowest, std::chrono::milliseconds(250)) << "over " << published << " publishes";
  RecordProperty("published", published);
  RecordProperty("slowest_publish_us", static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(slowest).count()));
  EXPECT_TRUE(test::wait_for([&] { return control.events.live_streams() == 0; }, 5s));
  EXPECT_TRUE(stuck.closed_by_peer(10s));

  test::TestClient fresh(tmp.socket());  // the server is still responsive
  EXPECT_EQ(fresh.request(R"({"cmd":"ping"})")["ok"], true);
}

TEST_F(IpcServerTest, PeersOfAnotherUidAreClosedAtOnce) {
  // One user cannot connect as another, so the server is told to accept only another
  // uid: our own connection then takes the refusal path (SO_PEERCRED checked on accept).
  options.allowed_uid = static_cast<int>(::geteuid()) + 1;
  auto server = start();
  test::TestClient client(tmp.socket());
  ASSERT_TRUE(client.connected());
  client.send_line(R"({"cmd":"status"})");
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(server->stats().refused_peers, 1u);
  EXPECT_EQ(server->stats().accepted, 0u);
  EXPECT_TRUE(control.recorded().empty());
}

TEST_F(IpcServerTest, TooManyClientsAreRefused) {
  options.max_clients = 2;
  auto server = start();
  test::TestClient a(tmp.socket()), b(tmp.socket());
  EXPECT_EQ(a.request(R"({"cmd":"ping"})")["ok"], true);
  EXPECT_EQ(b.request(R"({"cmd":"ping"})")["ok"], true);
  test::TestClient c(tmp.socket());
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(server->stats().refused_peers, 1u);
}

TEST_F(IpcServerTest, LearnRepliesWhenTheGestureArrives) {
  auto server = start();
  test::TestClient client(tmp.socket());
  ASSERT_TRUE(client.send_line(R"({"cmd":"learn","timeout_ms":2000,"id":"L"})"));
  std::thread completer([&] {
    EXPECT_TRUE(control.complete_learn(
        ControlResult::success({{"trigger", "trigger = { type = \"Note\", note = 36 }"},
                                {"explanation", "a note"}}),
        5s));
  });
  auto line = client.read_line();
  completer.join();
  ASSERT_TRUE(line);
  json r = json::parse(*line);
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["id"], "L");
  EXPECT_EQ(r["trigger"], "trigger = { type = \"Note\", note = 36 }");
  EXPECT_EQ(control.learn_timeout.count(), 2000);
  // While learning the connection still answers (the server thread is not waiting).
  EXPECT_EQ(client.request(R"({"cmd":"ping"})")["ok"], true);
}

TEST_F(IpcServerTest, ALateLearnAfterTheClientLeftIsIgnored) {
  auto server = start();
  {
    test::TestClient client(tmp.socket());
    ASSERT_TRUE(client.send_line(R"({"cmd":"learn"})"));
    ASSERT_TRUE(test::wait_for([&] { return control.recorded().size() == 1; }, 5s));
  }
  ASSERT_TRUE(control.complete_learn(ControlResult::failure("no MIDI input within 30 s"), 5s));
  test::TestClient other(tmp.socket());
  EXPECT_EQ(other.request(R"({"cmd":"ping"})")["ok"], true);
  EXPECT_EQ(control.learn_timeout.count(), 30000);
}

TEST_F(IpcServerTest, ALearnCompletingAfterTheServerIsGoneIsHarmless) {
  auto server = start();
  test::TestClient client(tmp.socket());
  ASSERT_TRUE(client.send_line(R"({"cmd":"learn"})"));
  ASSERT_TRUE(test::wait_for([&] { return control.recorded().size() == 1; }, 5s));
  server.reset();
  EXPECT_TRUE(control.complete_learn(ControlResult::failure("daemon stopping"), 5s));
}

TEST_F(IpcServerTest, StopRepliesThenRequestsTheStop) {
  auto server = start();
  test::TestClient client(tmp.socket());
  json r = client.request(R"({"cmd":"stop"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["stopping"], true);
  // The server requests the stop right after sending the reply.
  EXPECT_TRUE(test::wait_for([&] { return control.stop_requests.load() == 1; }, 5s));
}

TEST_F(IpcServerTest, StopWithClientsConnectedReturns) {
  auto server = start();
  test::TestClient a(tmp.socket());
  EXPECT_EQ(a.request(R"({"cmd":"events"})")["ok"], true);
  server->stop();
  EXPECT_TRUE(a.closed_by_peer());
  server->stop();  // idempotent
}

}  // namespace
}  // namespace midimon::daemon
