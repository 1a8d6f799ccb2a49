// midimonctl's human output: each successful reply (the JSON shapes of daemon/control.h)
// as a few readable lines, and an event as one line. --json bypasses all of this.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace midimon::tools {

// `command` is the request's "cmd" ("status", "plugins", ...), `action` its sub-command
// ("list", "grant", ... or "" ), to pick the layout. Ends with a newline when not empty.
std::string format_reply(const std::string& command, const std::string& action,
                         const nlohmann::json& reply);

// One event line of the stream: "00:25:01.123 midi     Note On ch1 36 v100".
std::string format_event(const nlohmann::json& event);

// An error reply: "error: <error>" plus each extra diagnostic of "errors" on its own line.
std::string format_error(const nlohmann::json& reply);

}  // namespace midimon::tools
