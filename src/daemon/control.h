// The control interface the IPC server (ipc_server.h) calls for each request of the
// control socket; the daemon implements it (docs/ipc.md has the wire protocol).
//
// Why JSON payloads: every reply goes straight onto the socket as one JSON line, and
// `midimonctl --json` prints it unchanged, so the daemon builds the object once and nobody
// keeps a second struct in sync. The shapes below are the contract; midimonctl's human
// output reads exactly these keys.
//
// `ping` is answered by the server itself ({"pong": true, "pid": N, "version": "…"}).
//
// Threads: every method but the callbacks is called on the IPC server's loop thread, one
// at a time. A method must return quickly (it delays other clients, never MIDI handling):
// anything that waits (learn) takes a completion callback; `request_stop` only requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace midimon::daemon {

// One reply. On success `data`'s members are merged into the reply object next to
// "ok": true. On failure the reply is {"ok": false, "error": error} plus data's members
// (e.g. a failed reload adds "errors": [...]).
struct ControlResult {
  bool ok = true;
  nlohmann::json data = nlohmann::json::object();
  std::string error;  // one sentence; names the place (file:line:column, plugin, mode)

  static ControlResult success(nlohmann::json data = nlohmann::json::object()) {
    ControlResult result;
    result.data = std::move(data);
    return result;
  }
  static ControlResult failure(std::string error,
                               nlohmann::json data = nlohmann::json::object()) {
    ControlResult result;
    result.ok = false;
    result.error = std::move(error);
    result.data = std::move(data);
    return result;
  }
};

// A live event subscription. The daemon keeps its own bounded queue per subscription
// (EventBus); the server drains it with next() whenever `wake` (given to subscribe_events)
// was called, and writes each event as one line to the client.
class EventStream {
 public:
  virtual ~EventStream() = default;  // unsubscribes
  // Never blocks. One event as a compact JSON object, no newline:
  //   {"seq": 12, "time": "2026-11-30T00:25:01.123Z", "kind": "midi"|"gesture"|"mapping"|
  //    "action"|"plugin"|"mode"|"device"|"reload"|"log", "text": "one human line",
  //    "data": {...kind-specific...}}
  virtual std::optional<std::string> next() = 0;
  // Events the daemon's queue dropped for this subscriber (it was full).
  virtual uint64_t dropped() const = 0;
  // True when the daemon is shutting down and no more events will come.
  virtual bool closed() const = 0;
};

class Control {
 public:
  virtual ~Control() = default;

  // {"mode": "Default", "modes": ["Default", "Media"], "config_file": "/path/config.toml",
  //  "config_loaded_at": "2026-11-30T00:20:00Z" | null, "last_reload_error": "" | "f:l:c: …",
  //  "reload_phase": "idle"|"loading"|..., "uptime_ms": 12345, "input_backend": "jack",
  //  "desktop": "x11 (system)", "mappings": 42,
  //  "events": {"midi_in": 0, "gestures": 0, "matches": 0, "actions_ok": 0,
  //             "actions_failed": 0, "queue_overflows": 0, "jobs_dropped": 0},
  //  "devices": [ <as devices()> ], "plugins_loaded": 2, "event_subscribers": 1}
  virtual ControlResult status() = 0;

  // Reloads the running config file now. Success: {"mappings": N, "warnings": [...]}.
  // Failure (the old config keeps running): error = first diagnostic, data =
  // {"errors": ["file:line:column: …", ...], "warnings": [...]}.
  virtual ControlResult reload() = 0;

  // Loads and checks a file without applying it; empty path = the running config file.
  // Success: {"file": path, "mappings": N, "warnings": [...]}; failure as reload().
  virtual ControlResult validate(const std::string& path) = 0;

  // {"mode": "Default", "modes": ["Default", "Media"]}
  virtual ControlResult mode_get() = 0;
  // Switches (runs the mode's on_enter actions). Success: {"mode": name}; an unknown
  // name is an error naming it and the modes that exist.
  virtual ControlResult mode_set(const std::string& name) = 0;

  // {"devices": [{"name": "Mikro", "port": "Maschine Mikro MK3 MIDI 1",
  //               "connected": true, "virtual": false}, ...]}
  virtual ControlResult devices() = 0;

  // {"plugins": [{"name": "notes-to-file", "kind": "wasm"|"native", "version": "1.0.0",
  //               "enabled": true, "grants": ["midi_out", ...], "source": "/path"}, ...]}
  virtual ControlResult plugins_list() = 0;
  // Success: {"plugin": name, "enabled": bool}; unknown plugin: an error naming it.
  virtual ControlResult plugin_enable(const std::string& name) = 0;
  virtual ControlResult plugin_disable(const std::string& name) = 0;
  // Success: {"plugin": name, "grants": [...]}; an unknown capability is an error listing
  // the known ones.
  virtual ControlResult plugin_grant(const std::string& name, const std::string& capability) = 0;
  virtual ControlResult plugin_revoke(const std::string& name, const std::string& capability) = 0;
  // Empty name = every loaded plugin: {"stats": [{"plugin": name, "calls": N, "errors": N,
  // "traps": N, "timeouts": N, "total_us": N, "max_us": N, ...}, ...]}; a name selects one.
  virtual ControlResult plugin_stats(const std::string& name) = 0;

  // A new subscription seeing events published from now on. `wake` is called (from any
  // thread, typically the publisher's) after an event was queued or the stream closed; it
  // is cheap and never blocks (the server writes to an eventfd), so publishing stays
  // non-blocking. It may be called after the stream was destroyed: the server's wake
  // handles that itself. Null = subscriptions not available (the server replies an error).
  virtual std::unique_ptr<EventStream> subscribe_events(std::function<void()> wake) = 0;

  // Waits (on the daemon's side, not the caller's thread) for the next gesture on any
  // input and calls `done` exactly once, from any thread, with
  //   success: {"trigger": "trigger = { type = \"Note\", note = 36 }", "explanation": "…"}
  //   failure: "no MIDI input within 30 s" (timeout), "daemon stopping", ...
  // `done` may run after the requesting client went away; the server ignores it then.
  virtual void learn(std::chrono::milliseconds timeout,
                     std::function<void(ControlResult)> done) = 0;

  // Asks the daemon to stop (as SIGTERM would) and returns at once; the daemon stops the
  // IPC server afterwards from its own thread (never from inside this call).
  virtual void request_stop() = 0;
};

}  // namespace midimon::daemon
