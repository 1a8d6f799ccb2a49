// Parsing a command line into one of the registered command groups and running it; the
// exit code rules (bad usage is 2) live here, shared by both programs that have groups
// (main.cpp: `midimon`, full_main.cpp: `midimon-full`).
#pragma once

#include <initializer_list>

#include "tools/command_group.h"

namespace midimon::tools {

using AddGroup = void (*)(CLI::App& app, Commands& commands);

// Builds the app from `groups`, parses argv and runs the parsed command; returns the
// process exit code.
int run_command_line(int argc, char** argv, std::initializer_list<AddGroup> groups);

}  // namespace midimon::tools
