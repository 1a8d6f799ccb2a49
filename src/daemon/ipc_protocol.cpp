#include "daemon/ipc_protocol.h"

#include <unistd.h>

#include <exception>

namespace midimon::daemon {
namespace {

using nlohmann::json;

// Strings in replies may hold bytes from anywhere (file names, plugin output): never let
// invalid UTF-8 throw inside dump().
std::string dump_line(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A string argument: absent -> "" (when optional), wrong type -> error text.
bool string_arg(const json& request, const char* key, bool required, std::string* out,
                std::string* error) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) {
    if (required) *error = std::string("missing \"") + key + "\" (a string)";
    return !required;
  }
  if (!it->is_string()) {
    *error = std::string("\"") + key + "\" must be a string, not " + it->type_name();
    return false;
  }
  *out = it->get<std::string>();
  if (required && out->empty()) {
    *error = std::string("\"") + key + "\" must not be empty";
    return false;
  }
  return true;
}

ControlResult plugins_command(const json& request, Control& control) {
  std::string action = "list", plugin, capability, error;
  if (!string_arg(request, "action", false, &action, &error)) return ControlResult::failure(error);
  if (action.empty() || action == "list") return control.plugins_list();
  if (action == "stats") {
    if (!string_arg(request, "plugin", false, &plugin, &error)) return ControlResult::failure(error);
    return control.plugin_stats(plugin);
  }
  bool needs_capability = action == "grant" || action == "revoke";
  if (action != "enable" && action != "disable" && !needs_capability) {
    return ControlResult::failure("unknown plugins action \"" + action +
                                  "\" (list, enable, disable, grant, revoke, stats)");
  }
  if (!string_arg(request, "plugin", true, &plugin, &error)) {
    return ControlResult::failure("plugins " + action + ": " + error);
  }
  if (action == "enable") return control.plugin_enable(plugin);
  if (action == "disable") return control.plugin_disable(plugin);
  if (!string_arg(request, "capability", true, &capability, &error)) {
    return ControlResult::failure("plugins " + action + ": " + error);
  }
  return action == "grant" ? control.plugin_grant(plugin, capability)
                           : control.plugin_revoke(plugin, capability);
}

IpcRequestOutcome reply_now(const ControlResult& result, const json& id) {
  IpcRequestOutcome outcome;
  outcome.reply = make_reply(result, id);
  outcome.id = id;
  return outcome;
}

}  // namespace

const char* ipc_command_list() {
  return "ping, status, reload, validate, mode, devices, plugins, events, learn, stop";
}

std::string make_reply(const ControlResult& result, const json& id) {
  json reply = json::object();
  reply["ok"] = result.ok;
  if (!result.ok) reply["error"] = result.error;
  if (result.data.is_object()) {
    for (auto it = result.data.begin(); it != result.data.end(); ++it) {
      if (it.key() == "ok" || it.key() == "error" || it.key() == "id") continue;
      reply[it.key()] = it.value();
    }
  }
  if (!id.is_null()) reply["id"] = id;
  return dump_line(reply);
}

std::string make_error_reply(std::string_view error, const json& id) {
  return make_reply(ControlResult::failure(std::string(error)), id);
}

IpcRequestOutcome handle_request_line(std::string_view line, Control& control) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  json request;
  try {
    request = json::parse(line.begin(), line.end());
  } catch (const json::parse_error& e) {
    // e.byte is 1-based; what() repeats the position in its own words.
    return reply_now(ControlResult::failure("malformed JSON at byte " + std::to_string(e.byte) +
                                            ": " + e.what()),
                     nullptr);
  }
  if (!request.is_object()) {
    return reply_now(ControlResult::failure(std::string("a request must be a JSON object, not ") +
                                            request.type_name()),
                     nullptr);
  }
  json id = request.contains("id") ? request["id"] : json(nullptr);
  std::string cmd, error;
  if (!string_arg(request, "cmd", true, &cmd, &error)) {
    return reply_now(ControlResult::failure(error + "; commands: " + ipc_command_list()), id);
  }

  try {
    if (cmd == "ping") {
      return reply_now(ControlResult::success({{"pong", true}, {"pid", ::getpid()}}), id);
    }
    if (cmd == "status") return reply_now(control.status(), id);
    if (cmd == "reload") return reply_now(control.reload(), id);
    if (cmd == "validate") {
      std::string file;
      if (!string_arg(request, "file", false, &file, &error)) {
        return reply_now(ControlResult::failure("validate: " + error), id);
      }
      return reply_now(control.validate(file), id);
    }
    if (cmd == "mode") {
      std::string name;
      if (!string_arg(request, "name", false, &name, &error)) {
        return reply_now(ControlResult::failure("mode: " + error), id);
      }
      return reply_now(name.empty() ? control.mode_get() : control.mode_set(name), id);
    }
    if (cmd == "devices") return reply_now(control.devices(), id);
    if (cmd == "plugins") return reply_now(plugins_command(request, control), id);
    if (cmd == "events") {
      IpcRequestOutcome outcome = reply_now(ControlResult::success({{"subscribed", true}}), id);
      outcome.next = IpcRequestOutcome::Next::Subscribe;
      return outcome;
    }
    if (cmd == "learn") {
      IpcRequestOutcome outcome;
      outcome.next = IpcRequestOutcome::Next::Learn;
      outcome.id = id;
      auto it = request.find("timeout_ms");
      if (it != request.end() && !it->is_null()) {
        if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 ||
            it->get<uint64_t>() > 3600'000) {
          return reply_now(ControlResult::failure(
                               "learn: \"timeout_ms\" must be a whole number from 1 to 3600000"),
                           id);
        }
        outcome.learn_timeout = std::chrono::milliseconds(it->get<uint64_t>());
      }
      return outcome;
    }
    if (cmd == "stop") {
      IpcRequestOutcome outcome = reply_now(ControlResult::success({{"stopping", true}}), id);
      outcome.next = IpcRequestOutcome::Next::Stop;
      return outcome;
    }
  } catch (const std::exception& e) {
    // A Control implementation that throws must not take the server down.
    return reply_now(ControlResult::failure(cmd + ": internal error: " + e.what()), id);
  }
  return reply_now(ControlResult::failure("unknown command \"" + cmd + "\"; commands: " +
                                          ipc_command_list()),
                   id);
}

}  // namespace midimon::daemon
