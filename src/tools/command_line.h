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

// The same, then ends the process with that exit code (std::exit: atexit handlers, static
// destructors and the flush of std::cout and stdio still run) without destroying the app
// and its commands first. Tearing down CLI11's tree of apps and options only frees memory,
// and cost about 17,000 instructions, 4 % of `midimon wasm run` of a trivial module
// (docs/performance.md, "Process start"). For a program's main only: in-process callers
// (tests) use run_command_line.
[[noreturn]] void run_command_line_and_exit(int argc, char** argv,
                                            std::initializer_list<AddGroup> groups);

}  // namespace midimon::tools
