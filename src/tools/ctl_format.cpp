#include "tools/ctl_format.h"

#include <sstream>

namespace midimon::tools {
namespace {

using nlohmann::json;

std::string str(const json& object, const char* key, const char* fallback = "") {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string joined(const json& array) {
  if (!array.is_array() || array.empty()) return "(none)";
  std::string out;
  for (const json& item : array) {
    if (!out.empty()) out += ", ";
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

void list_warnings(std::ostringstream& out, const json& reply) {
  auto it = reply.find("warnings");
  if (it == reply.end() || !it->is_array()) return;
  for (const json& warning : *it) out << "warning: " << (warning.is_string() ? warning.get<std::string>() : warning.dump()) << '\n';
}

void device_lines(std::ostringstream& out, const json& devices) {
  if (!devices.is_array() || devices.empty()) {
    out << "  (no devices configured)\n";
    return;
  }
  for (const json& d : devices) {
    out << "  " << str(d, "name") << ": "
        << (d.value("connected", false) ? "connected" : "not connected");
    std::string port = str(d, "port");
    if (!port.empty()) out << " (" << port << ")";
    if (d.value("virtual", false)) out << " [virtual]";
    out << '\n';
  }
}

std::string status_text(const json& r) {
  std::ostringstream out;
  out << "mode:        " << str(r, "mode") << "  (modes: " << joined(r.value("modes", json::array())) << ")\n";
  out << "config:      " << str(r, "config_file") << ", loaded " << str(r, "config_loaded_at", "never") << '\n';
  std::string error = str(r, "last_reload_error");
  out << "last reload: " << (error.empty() ? "ok" : error) << '\n';
  if (r.contains("uptime_ms") && r["uptime_ms"].is_number()) {
    uint64_t seconds = r["uptime_ms"].get<uint64_t>() / 1000;
    out << "uptime:      " << seconds / 3600 << "h " << (seconds / 60) % 60 << "m " << seconds % 60 << "s\n";
  }
  out << "input:       " << str(r, "input_backend") << "; desktop: " << str(r, "desktop") << '\n';
  out << "mappings:    " << str(r, "mappings", "0") << "; plugins loaded: " << str(r, "plugins_loaded", "0")
      << "; event subscribers: " << str(r, "event_subscribers", "0") << '\n';
  const json events = r.value("events", json::object());
  if (events.is_object() && !events.empty()) {
    out << "events:     ";
    for (auto it = events.begin(); it != events.end(); ++it) out << ' ' << it.key() << '=' << it.value().dump();
    out << '\n';
  }
  out << (r.value("every_source", false) ? "devices (no [device] in the config: every MIDI source):\n"
                                          : "devices:\n");
  device_lines(out, r.value("devices", json::array()));
  return out.str();
}

std::string plugins_text(const std::string& action, const json& r) {
  std::ostringstream out;
  if (action.empty() || action == "list") {
    const json plugins = r.value("plugins", json::array());
    if (!plugins.is_array() || plugins.empty()) return "no plugins loaded\n";
    for (const json& p : plugins) {
      out << str(p, "name") << ' ' << str(p, "version") << " (" << str(p, "kind") << ", "
          << (p.value("enabled", true) ? "enabled" : "disabled") << ") grants: "
          << joined(p.value("grants", json::array())) << '\n';
    }
    return out.str();
  }
  if (action == "enable" || action == "disable") {
    out << "plugin " << str(r, "plugin") << ' ' << (r.value("enabled", action == "enable") ? "enabled" : "disabled") << '\n';
    return out.str();
  }
  if (action == "grant" || action == "revoke") {
    out << "plugin " << str(r, "plugin") << " grants: " << joined(r.value("grants", json::array())) << '\n';
    return out.str();
  }
  const json stats = r.value("stats", json::array());
  if (!stats.is_array() || stats.empty()) return "no plugin statistics\n";
  for (const json& s : stats) {
    out << str(s, "plugin") << ':';
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() != "plugin") out << ' ' << it.key() << '=' << it.value().dump();
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace

std::string format_reply(const std::string& command, const std::string& action, const json& r) {
  std::ostringstream out;
  if (command == "ping") {
    out << "midimon is running (pid " << str(r, "pid", "?") << ")\n";
  } else if (command == "status") {
    return status_text(r);
  } else if (command == "reload") {
    out << "reloaded: " << str(r, "mappings", "0") << " mappings\n";
    list_warnings(out, r);
  } else if (command == "validate") {
    out << str(r, "file", "config") << ": valid, " << str(r, "mappings", "0") << " mappings\n";
    list_warnings(out, r);
  } else if (command == "mode") {
    out << str(r, "mode");
    if (r.contains("modes")) out << "  (modes: " << joined(r["modes"]) << ")";
    out << '\n';
  } else if (command == "devices") {
    device_lines(out, r.value("devices", json::array()));
  } else if (command == "plugins") {
    return plugins_text(action, r);
  } else if (command == "learn") {
    out << str(r, "trigger") << '\n';
  } else if (command == "stop") {
    out << "midimon is stopping\n";
  } else if (command == "events") {
    // The subscription's confirmation: nothing to say, the events follow.
  }
  return out.str();
}

std::string format_event(const json& event) {
  if (str(event, "kind") == "lagged") return "(" + str(event, "text") + ")\n";
  std::string time = str(event, "time");
  // "2026-11-30T00:25:01.123Z" -> "00:25:01.123"
  auto t = time.find('T');
  if (t != std::string::npos) time = time.substr(t + 1);
  if (!time.empty() && time.back() == 'Z') time.pop_back();
  std::string kind = str(event, "kind");
  if (kind.size() < 8) kind.resize(8, ' ');
  return time + ' ' + kind + ' ' + str(event, "text") + '\n';
}

std::string format_error(const json& reply) {
  std::ostringstream out;
  out << "error: " << str(reply, "error", "the daemon reported an error without a message") << '\n';
  auto it = reply.find("errors");
  if (it != reply.end() && it->is_array()) {
    for (const json& e : *it) {
      std::string text = e.is_string() ? e.get<std::string>() : e.dump();
      if (text != str(reply, "error")) out << "  " << text << '\n';
    }
  }
  return out.str();
}

}  // namespace midimon::tools
