// The logging hook of src/midi: the library reports through a callback the owner plugs
// in (the daemon routes it to its logger, the CLI to stderr, tests to a vector). No
// logging library is needed here, and nothing is printed behind the owner's back.
#pragma once

#include <functional>
#include <string_view>

namespace midimon::midi {

enum class LogLevel { Debug, Info, Warning, Error };

// Called from whichever thread noticed the event (the hot-plug thread, the caller of an
// open); the sink must be thread-safe. An empty sink drops everything.
using LogSink = std::function<void(LogLevel, std::string_view)>;

const char* log_level_name(LogLevel level);  // "debug", "info", "warning", "error"

}  // namespace midimon::midi
