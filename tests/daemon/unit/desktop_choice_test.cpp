// [desktop] input_backend: the choice for each machine, and a reload that changes it
// switching the desktop the actions use (no display and no uinput here, so the system
// desktop's actions fail saying why, where the print-only one said what it would do).
#include <gtest/gtest.h>

#include <stdlib.h>

#include "daemon/daemon.h"
#include "daemon/desktop_switch.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;
using mapping::InputBackend;
using testing::RecordingLog;
using testing::RecordingMidiOut;
using testing::TempDir;
using testing::write_file;

TEST(DesktopChoice, AutoTakesWhatTheMachineHas) {
  DesktopChoice x11 = choose_desktop(InputBackend::Auto, true, true);
  EXPECT_TRUE(x11.system);
  EXPECT_EQ(x11.label, "x11 (input_backend = auto)");
  EXPECT_TRUE(x11.warning.empty());
  DesktopChoice uinput = choose_desktop(InputBackend::Auto, false, true);
  EXPECT_TRUE(uinput.system);
  EXPECT_EQ(uinput.label, "uinput (input_backend = auto)");
  EXPECT_TRUE(uinput.open_at_once);  // the compositor must see the device before the first key
  EXPECT_FALSE(x11.open_at_once);
  DesktopChoice none = choose_desktop(InputBackend::Auto, false, false);
  EXPECT_FALSE(none.system);
  EXPECT_NE(none.label.find("print-only"), std::string::npos);
  EXPECT_NE(none.warning.find("no X display and no writable /dev/uinput"), std::string::npos);
}

TEST(DesktopChoice, ANamedBackendIsUsedEvenWhenItCannotWorkAndSaysWhy) {
  DesktopChoice x11 = choose_desktop(InputBackend::X11, false, true);
  EXPECT_TRUE(x11.system);
  EXPECT_EQ(x11.backend, InputBackend::X11);
  EXPECT_NE(x11.warning.find("$DISPLAY is not set"), std::string::npos);
  EXPECT_TRUE(choose_desktop(InputBackend::X11, true, false).warning.empty());
  DesktopChoice uinput = choose_desktop(InputBackend::Uinput, true, false);
  EXPECT_TRUE(uinput.system);
  EXPECT_EQ(uinput.label, "uinput (input_backend = uinput)");
  EXPECT_TRUE(uinput.open_at_once);
  EXPECT_NE(uinput.warning.find("/dev/uinput is not writable"), std::string::npos);
  EXPECT_TRUE(choose_desktop(InputBackend::Uinput, false, true).warning.empty());
}

const char* kKeystroke = R"(
[[modes]]
name = "Default"

[[modes.mappings]]
description = "space"
trigger = { type = "Note", note = 60 }
action = { type = "Keystroke", keys = "space" }
)";

TEST(DesktopReload, ChangingInputBackendSwitchesTheDesktopActionsUse) {
  if (access("/dev/uinput", W_OK) == 0) GTEST_SKIP() << "SKIPPED LOUDLY: this machine has a writable /dev/uinput, so auto would pick it; the switch without uinput is not checked here";
  ::unsetenv("DISPLAY");  // this test process only: auto finds nothing
  MemoryPluginSettings settings;
  TempDir dir;
  RecordingMidiOut midi;
  RecordingLog log;
  std::string config = dir.file("config.toml");
  write_file(config, std::string("[desktop]\ninput_backend = \"auto\"\n") + kKeystroke);
  DaemonOptions options = testing::test_options(config, log, settings);
  options.midi_out = &midi;
  auto daemon = testing::start_daemon(std::move(options));
  ASSERT_TRUE(daemon);
  auto press = [&] {
    const uint8_t on[] = {0x90, 60, 100};
    daemon->in_process_input()->send_bytes(on, sizeof on);
    ASSERT_TRUE(daemon->wait_idle(5s));
  };
  EXPECT_NE(daemon->status().desktop.find("print-only (input_backend = auto"), std::string::npos)
      << daemon->status().desktop;
  press();
  EXPECT_FALSE(log.contains("Keystroke failed")) << "print-only says what it would do";

  write_file(config, std::string("[desktop]\ninput_backend = \"x11\"\n") + kKeystroke);
  ASSERT_TRUE(daemon->reload().ok);
  EXPECT_EQ(daemon->status().desktop, "x11 (input_backend = x11)");
  EXPECT_TRUE(log.contains("$DISPLAY is not set"));
  press();
  EXPECT_TRUE(log.contains("Keystroke failed")) << "the X11 injector cannot open a display";

  // A bad value changes nothing.
  write_file(config, std::string("[desktop]\ninput_backend = \"wayland\"\n") + kKeystroke);
  ReloadResult bad = daemon->reload();
  EXPECT_FALSE(bad.ok);
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_NE(bad.errors[0].find(config + ":2:17:"), std::string::npos) << bad.errors[0];
  EXPECT_EQ(daemon->status().desktop, "x11 (input_backend = x11)");
  daemon->stop();
}

}  // namespace
}  // namespace midimon::daemon
