#include "tools/ctl_commands.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/ipc_paths.h"
#include "tools/ctl_client.h"
#include "tools/ctl_format.h"

namespace midimon::tools {

volatile bool g_ctl_interrupted = false;

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

struct Parsed {
  bool json_output = false;
  std::string socket;
  std::string command;
  std::string action;  // plugins' sub-command
  json request = json::object();
  milliseconds reply_timeout{10000};
};

// Builds the CLI; each subcommand fills `parsed` in its callback.
void define(CLI::App& app, Parsed& p, std::string& arg1, std::string& arg2, std::string& arg3,
            unsigned& learn_seconds) {
  app.add_flag("--json", p.json_output, "Print the daemon's JSON replies unchanged, one per line");
  app.add_option("--socket", p.socket, "Control socket (default $XDG_RUNTIME_DIR/midimon/midimon.sock)");
  app.require_subcommand(1);
  app.fallthrough();

  app.add_subcommand("ping", "Check that the daemon answers");
  app.add_subcommand("status", "Mode, devices, config, last reload error, uptime, event counts");
  app.add_subcommand("reload", "Reload the config file now (a bad one keeps the old running)");
  app.add_subcommand("validate", "Check a config file without applying it (default: the running one)")
      ->add_option("file", arg1, "Config file");
  app.add_subcommand("mode", "Print the current mode, or switch to NAME")
      ->add_option("name", arg1, "Mode to switch to");
  app.add_subcommand("devices", "The configured MIDI devices and whether they are connected");
  auto* plugins = app.add_subcommand("plugins", "Loaded plugins: list|enable|disable|grant|revoke|stats");
  plugins->add_option("action", arg1, "list (default), enable NAME, disable NAME, grant NAME CAP, "
                                      "revoke NAME CAP, stats [NAME]")
      ->check(CLI::IsMember({"list", "enable", "disable", "grant", "revoke", "stats"}));
  plugins->add_option("plugin", arg2, "Plugin name");
  plugins->add_option("capability", arg3, "Capability (grant, revoke)");
  app.add_subcommand("events", "Follow the live event stream until interrupted (Ctrl-C)");
  app.add_subcommand("learn", "Wait for the next gesture and print its TOML trigger line")
      ->add_option("--timeout", learn_seconds, "Seconds to wait (default 30)")
      ->check(CLI::Range(1u, 3600u));
  app.add_subcommand("stop", "Stop the daemon");
}

// Turns the parsed command line into the request; false with a usage error.
bool build_request(CLI::App& app, Parsed& p, const std::string& arg1, const std::string& arg2,
                   const std::string& arg3, unsigned learn_seconds, std::string* error) {
  for (CLI::App* sub : app.get_subcommands()) p.command = sub->get_name();
  p.request["cmd"] = p.command;
  if (p.command == "validate" && !arg1.empty()) p.request["file"] = arg1;
  if (p.command == "mode" && !arg1.empty()) p.request["name"] = arg1;
  if (p.command == "learn") {
    p.request["timeout_ms"] = static_cast<uint64_t>(learn_seconds) * 1000;
    p.reply_timeout = milliseconds(static_cast<int64_t>(learn_seconds) * 1000 + 5000);
  }
  if (p.command == "reload" || p.command == "validate") p.reply_timeout = milliseconds(60000);
  if (p.command == "plugins") {
    p.action = arg1.empty() ? "list" : arg1;
    p.request["action"] = p.action;
    bool needs_name = p.action == "enable" || p.action == "disable" || p.action == "grant" ||
                      p.action == "revoke";
    bool needs_capability = p.action == "grant" || p.action == "revoke";
    if (needs_name && arg2.empty()) {
      *error = "plugins " + p.action + " needs a plugin name";
      return false;
    }
    if (needs_capability && arg3.empty()) {
      *error = "plugins " + p.action + " needs a capability (e.g. midi_out)";
      return false;
    }
    if (!needs_capability && !arg3.empty()) {
      *error = "plugins " + p.action + " takes no capability";
      return false;
    }
    if (p.action == "list" && !arg2.empty()) {
      *error = "plugins list takes no plugin name";
      return false;
    }
    if (!arg2.empty()) p.request["plugin"] = arg2;
    if (!arg3.empty()) p.request["capability"] = arg3;
  }
  return true;
}

// Reads one reply line and prints it; returns the exit code.
int print_reply(const Parsed& p, const std::string& line, std::ostream& out, std::ostream& err) {
  json reply = json::parse(line, nullptr, false);
  if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok")) {
    err << "midimonctl: the daemon sent something that is not a reply: " << line.substr(0, 200) << '\n';
    return kCtlExitError;
  }
  bool ok = reply["ok"].is_boolean() && reply["ok"].get<bool>();
  if (p.json_output) {
    out << line << '\n';
  } else if (ok) {
    out << format_reply(p.command, p.action, reply);
  } else {
    err << "midimonctl: " << format_error(reply);
  }
  return ok ? kCtlExitOk : kCtlExitError;
}

int follow_events(const Parsed& p, CtlClient& client, std::ostream& out, std::ostream& err) {
  for (;;) {
    std::string line, error;
    switch (client.read_line(&line, milliseconds(-1), &g_ctl_interrupted, &error)) {
      case CtlClient::ReadStatus::Line: break;
      case CtlClient::ReadStatus::Interrupted: return kCtlExitOk;
      case CtlClient::ReadStatus::Closed:
        err << "midimonctl: the daemon closed the event stream (it stopped, or this client "
               "fell too far behind)\n";
        return kCtlExitError;
      case CtlClient::ReadStatus::Timeout:
      case CtlClient::ReadStatus::Error:
        err << "midimonctl: " << error << '\n';
        return kCtlExitError;
    }
    if (p.json_output) {
      out << line << '\n';
    } else {
      json event = json::parse(line, nullptr, false);
      if (event.is_object() && event.contains("ok")) {
        // A reply in the stream can only be an error (e.g. a dropped subscription).
        if (!event["ok"].is_boolean() || !event["ok"].get<bool>()) {
          err << "midimonctl: " << format_error(event);
          return kCtlExitError;
        }
        continue;
      }
      out << (event.is_object() ? format_event(event) : line + "\n");
    }
    out.flush();
  }
}

}  // namespace

int run_midimonctl(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"midimonctl: control a running midimon daemon"};
  Parsed p;
  std::string arg1, arg2, arg3;
  unsigned learn_seconds = 30;
  define(app, p, arg1, arg2, arg3, learn_seconds);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return kCtlExitUsage;
  }
  std::string error;
  if (!build_request(app, p, arg1, arg2, arg3, learn_seconds, &error)) {
    err << "midimonctl: " << error << '\n';
    return kCtlExitUsage;
  }
  if (p.socket.empty()) {
    p.socket = daemon::default_socket_path(&error);
    if (p.socket.empty()) {
      err << "midimonctl: " << error << '\n';
      return kCtlExitError;
    }
  }

  CtlClient client;
  if (!client.connect(p.socket, &error) || !client.send_line(p.request.dump(), &error)) {
    err << "midimonctl: " << error << '\n';
    return kCtlExitError;
  }
  std::string line;
  switch (client.read_line(&line, p.reply_timeout, &g_ctl_interrupted, &error)) {
    case CtlClient::ReadStatus::Line: break;
    case CtlClient::ReadStatus::Timeout:
      err << "midimonctl: no reply from the daemon within " << p.reply_timeout.count() / 1000 << " s\n";
      return kCtlExitError;
    case CtlClient::ReadStatus::Closed:
      err << "midimonctl: the daemon closed the connection without a reply (a server that "
             "refuses this user closes at once)\n";
      return kCtlExitError;
    case CtlClient::ReadStatus::Interrupted: return kCtlExitError;
    case CtlClient::ReadStatus::Error:
      err << "midimonctl: " << error << '\n';
      return kCtlExitError;
  }
  int code = print_reply(p, line, out, err);
  if (code != kCtlExitOk || p.command != "events") return code;
  out.flush();
  return follow_events(p, client, out, err);
}

}  // namespace midimon::tools
