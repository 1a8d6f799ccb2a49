// The fixture of the `midimon plugin` CLI tests (plugin_cli_test.cpp,
// plugin_cli_config_test.cpp): `midimon` runs the built binary with HOME and the XDG
// directories in a fresh temporary directory; plugin(NAME) is an example plugin's
// directory in the build tree.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run_cli.h"

namespace midimon::plugin::testing {

inline const std::filesystem::path kExamplePlugins = MIDIMON_TEST_PLUGINS_DIR;

struct PluginCliTest : ::testing::Test {
  MidimonCli midimon{MIDIMON_TEST_CLI_BINARY};
  static std::string plugin(const std::string& name) { return (kExamplePlugins / name).string(); }
};

}  // namespace midimon::plugin::testing
