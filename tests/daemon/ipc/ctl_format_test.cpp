// midimonctl's human output for the shapes of control.h that the binary tests do not
// print: events (incl. the lag notice), error lists, enable/disable, empty lists.
#include <gtest/gtest.h>

#include "tools/ctl_format.h"

namespace midimon::tools {
namespace {

using nlohmann::json;

TEST(CtlFormat, EventLine) {
  json event = {{"seq", 1}, {"time", "2026-11-30T00:25:01.123Z"}, {"kind", "gesture"}, {"text", "Note 36"}};
  EXPECT_EQ(format_event(event), "00:25:01.123 gesture  Note 36\n");
}

TEST(CtlFormat, LagNotice) {
  json lag = {{"kind", "lagged"}, {"dropped", 5}, {"text", "5 event(s) dropped"}};
  EXPECT_EQ(format_event(lag), "(5 event(s) dropped)\n");
}

TEST(CtlFormat, ErrorListsEachDiagnosticOnce) {
  json reply = {{"ok", false}, {"error", "a.toml:1:1: x"}, {"errors", {"a.toml:1:1: x", "a.toml:2:1: y"}}};
  EXPECT_EQ(format_error(reply), "error: a.toml:1:1: x\n  a.toml:2:1: y\n");
  EXPECT_EQ(format_error(json::object()), "error: the daemon reported an error without a message\n");
}

TEST(CtlFormat, PluginsAndDevicesEdgeCases) {
  EXPECT_EQ(format_reply("plugins", "disable", {{"ok", true}, {"plugin", "p"}, {"enabled", false}}),
            "plugin p disabled\n");
  EXPECT_EQ(format_reply("plugins", "list", {{"ok", true}, {"plugins", json::array()}}), "no plugins loaded\n");
  EXPECT_EQ(format_reply("devices", "", {{"ok", true}, {"devices", json::array()}}),
            "  (no devices configured)\n");
  EXPECT_EQ(format_reply("devices", "",
                         {{"ok", true},
                          {"devices", {{{"name", "v"}, {"port", ""}, {"connected", false}, {"virtual", true}}}}}),
            "  v: not connected [virtual]\n");
  EXPECT_EQ(format_reply("events", "", {{"ok", true}, {"subscribed", true}}), "");
}

}  // namespace
}  // namespace midimon::tools
