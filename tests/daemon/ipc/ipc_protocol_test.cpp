// Requests to replies without a socket: errors for hostile input, every command's shape,
// the id echo, and which commands need more than a reply.
#include <gtest/gtest.h>

#include <stdexcept>

#include "daemon/ipc_protocol.h"
#include "fake_control.h"

namespace midimon::daemon {
namespace {

using nlohmann::json;
using Next = IpcRequestOutcome::Next;

class IpcProtocol : public ::testing::Test {
 protected:
  json reply(std::string_view line) {
    IpcRequestOutcome outcome = handle_request_line(line, control);
    EXPECT_EQ(outcome.next, Next::Reply) << line;
    json parsed = json::parse(outcome.reply, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << outcome.reply;
    return parsed;
  }
  void expect_error(std::string_view line, std::string_view fragment) {
    json r = reply(line);
    EXPECT_EQ(r["ok"], false) << line;
    std::string error = r.value("error", "");
    EXPECT_NE(error.find(fragment), std::string::npos) << line << " -> " << error;
  }
  test::FakeControl control;
};

TEST_F(IpcProtocol, MalformedJsonNamesTheByte) {
  expect_error("{\"cmd\": \"status\"", "malformed JSON at byte");
  expect_error("not json", "malformed JSON at byte 2");
  expect_error("", "malformed JSON");
  expect_error("{\"cmd\":\"status\"} trailing", "malformed JSON");
  EXPECT_TRUE(control.recorded().empty());
}

TEST_F(IpcProtocol, InvalidUtf8InAStringIsAnErrorNotACrash) {
  expect_error(std::string("{\"cmd\": \"mode\", \"name\": \"\xff\xfe\"}"), "malformed JSON");
}

TEST_F(IpcProtocol, NonObjectsAndMissingCommandAreErrors) {
  expect_error("[1,2]", "must be a JSON object, not array");
  expect_error("42", "not number");
  expect_error("{}", "missing \"cmd\"");
  expect_error("{\"cmd\": 5}", "\"cmd\" must be a string, not number");
  expect_error("{\"cmd\": \"\"}", "must not be empty");
}

TEST_F(IpcProtocol, UnknownCommandListsTheKnownOnesAndEchoesTheId) {
  json r = reply(R"({"cmd": "frobnicate", "id": 7})");
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("unknown command \"frobnicate\""), std::string::npos);
  EXPECT_NE(r["error"].get<std::string>().find("ping, status"), std::string::npos);
  EXPECT_EQ(r["id"], 7);
}

TEST_F(IpcProtocol, PingAnswersItself) {
  json r = reply(R"({"cmd": "ping", "id": "a"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["pong"], true);
  EXPECT_EQ(r["pid"], ::getpid());
  EXPECT_EQ(r["id"], "a");
  EXPECT_TRUE(control.recorded().empty());
}

TEST_F(IpcProtocol, StatusCarriesTheControlsObject) {
  json r = reply(R"({"cmd": "status"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["mode"], "Default");
  EXPECT_EQ(r["events"]["midi_in"], 7);
  EXPECT_EQ(r["devices"][0]["name"], "Mikro");
  EXPECT_FALSE(r.contains("id"));
}

TEST_F(IpcProtocol, FailedReloadKeepsErrorsList) {
  json r = reply(R"({"cmd": "reload"})");
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("config.toml:3:9"), std::string::npos);
  ASSERT_TRUE(r["errors"].is_array());
  EXPECT_EQ(r["errors"].size(), 1u);
}

TEST_F(IpcProtocol, ValidateWithAndWithoutFile) {
  json r = reply(R"({"cmd": "validate"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["mappings"], 12);
  r = reply(R"({"cmd": "validate", "file": "/x/bad.toml"})");
  EXPECT_EQ(r["ok"], false);
  expect_error(R"({"cmd": "validate", "file": 3})", "\"file\" must be a string");
  EXPECT_EQ(control.recorded(), (std::vector<std::string>{"validate ", "validate /x/bad.toml"}));
}

TEST_F(IpcProtocol, ModeGetAndSet) {
  json r = reply(R"({"cmd": "mode"})");
  EXPECT_EQ(r["mode"], "Default");
  EXPECT_EQ(r["modes"].size(), 2u);
  r = reply(R"({"cmd": "mode", "name": "Media"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["mode"], "Media");
  expect_error(R"({"cmd": "mode", "name": "Nope"})", "no mode named \"Nope\"");
  expect_error(R"({"cmd": "mode", "name": ["x"]})", "\"name\" must be a string, not array");
}

TEST_F(IpcProtocol, Devices) {
  json r = reply(R"({"cmd": "devices"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["devices"][0]["connected"], true);
}

TEST_F(IpcProtocol, EveryPluginsAction) {
  EXPECT_EQ(reply(R"({"cmd": "plugins"})")["plugins"][0]["name"], "notes-to-file");
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "list"})")["ok"], true);
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "enable", "plugin": "notes-to-file"})")["enabled"], true);
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "disable", "plugin": "notes-to-file"})")["enabled"], false);
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "grant", "plugin": "notes-to-file", "capability": "midi_out"})")["grants"][1],
            "midi_out");
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "revoke", "plugin": "notes-to-file", "capability": "filesystem"})")["ok"],
            true);
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "stats"})")["stats"][0]["calls"], 3);
  EXPECT_EQ(reply(R"({"cmd": "plugins", "action": "stats", "plugin": "notes-to-file"})")["ok"], true);
  EXPECT_EQ(control.recorded(),
            (std::vector<std::string>{"plugins_list", "plugins_list", "plugin_enable notes-to-file",
                                      "plugin_disable notes-to-file",
                                      "plugin_grant notes-to-file midi_out",
                                      "plugin_revoke notes-to-file filesystem", "plugin_stats ",
                                      "plugin_stats notes-to-file"}));
}

TEST_F(IpcProtocol, PluginsArgumentErrors) {
  expect_error(R"({"cmd": "plugins", "action": "explode"})", "unknown plugins action \"explode\"");
  expect_error(R"({"cmd": "plugins", "action": "enable"})", "plugins enable: missing \"plugin\"");
  expect_error(R"({"cmd": "plugins", "action": "grant", "plugin": "notes-to-file"})",
               "plugins grant: missing \"capability\"");
  expect_error(R"({"cmd": "plugins", "action": "enable", "plugin": "ghost"})", "no plugin named \"ghost\"");
  EXPECT_EQ(control.recorded(), (std::vector<std::string>{"plugin_enable ghost"}));
}

TEST_F(IpcProtocol, EventsLearnAndStopNeedTheServer) {
  IpcRequestOutcome events = handle_request_line(R"({"cmd": "events", "id": 1})", control);
  EXPECT_EQ(events.next, Next::Subscribe);
  EXPECT_EQ(json::parse(events.reply), json({{"ok", true}, {"subscribed", true}, {"id", 1}}));

  IpcRequestOutcome learn = handle_request_line(R"({"cmd": "learn", "timeout_ms": 1500})", control);
  EXPECT_EQ(learn.next, Next::Learn);
  EXPECT_EQ(learn.learn_timeout.count(), 1500);
  EXPECT_TRUE(learn.reply.empty());
  expect_error(R"({"cmd": "learn", "timeout_ms": -1})", "\"timeout_ms\" must be a whole number");
  expect_error(R"({"cmd": "learn", "timeout_ms": 0})", "\"timeout_ms\" must be a whole number");

  IpcRequestOutcome stop = handle_request_line(R"({"cmd": "stop"})", control);
  EXPECT_EQ(stop.next, Next::Stop);
  EXPECT_EQ(json::parse(stop.reply)["stopping"], true);
  EXPECT_EQ(control.stop_requests.load(), 0);  // the server requests it after replying
}

TEST_F(IpcProtocol, ATrailingCarriageReturnIsAccepted) {
  EXPECT_EQ(reply("{\"cmd\": \"ping\"}\r")["ok"], true);
}

TEST_F(IpcProtocol, ReplyDataCannotOverrideOkOrError) {
  ControlResult result = ControlResult::failure("bad", {{"ok", true}, {"error", "hidden"}, {"x", 1}});
  json r = json::parse(make_reply(result, nullptr));
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"], "bad");
  EXPECT_EQ(r["x"], 1);
}

struct ThrowingControl : test::FakeControl {
  ControlResult status() override { throw std::runtime_error("boom"); }
};

TEST(IpcProtocolThrow, AThrowingControlBecomesAnErrorReply) {
  ThrowingControl control;
  IpcRequestOutcome outcome = handle_request_line(R"({"cmd": "status"})", control);
  json r = json::parse(outcome.reply);
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"], "status: internal error: boom");
}

}  // namespace
}  // namespace midimon::daemon
