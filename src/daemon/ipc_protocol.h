// The control protocol's request side: one JSON object per line, {"cmd": "...", ...},
// optionally with an "id" (any JSON value) that the reply echoes. This file turns a line
// into the reply for every command that answers at once, and tells the server which
// commands need more than a reply (events: a subscription; learn: a later reply; stop:
// the stop request after the reply). docs/ipc.md has every command and its shapes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/control.h"

namespace midimon::daemon {

inline constexpr std::size_t kDefaultMaxLine = 64 * 1024;

struct IpcRequestOutcome {
  enum class Next { Reply, Subscribe, Learn, Stop };
  Next next = Next::Reply;
  // Reply / Subscribe / Stop: the line to send (no newline). Learn: empty; the reply
  // comes from Control::learn's callback, through make_reply().
  std::string reply;
  nlohmann::json id;  // the request's "id" (null when absent), for a deferred reply
  std::chrono::milliseconds learn_timeout{30000};
};

// Handles one request line. Malformed JSON, a non-object, a missing or unknown "cmd" and
// bad arguments all give {"ok": false, "error": "..."} replies; nothing throws.
IpcRequestOutcome handle_request_line(std::string_view line, Control& control);

// A ControlResult as a reply line (the id added when not null).
std::string make_reply(const ControlResult& result, const nlohmann::json& id);
std::string make_error_reply(std::string_view error, const nlohmann::json& id = nullptr);

// The commands, for error messages and docs ("ping, status, ...").
const char* ipc_command_list();

}  // namespace midimon::daemon
