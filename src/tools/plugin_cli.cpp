// `midimon plugin ...`: argument parsing only; the commands are in plugin_commands.cpp.
#include <iostream>
#include <memory>
#include <string>

#include "tools/command_group.h"
#include "tools/plugin_commands.h"

namespace midimon::tools {

namespace {

// The plugin being named: a path (plugin.toml, its directory, a bare .wasm/.so) or the
// name of an installed plugin.
constexpr const char* kSourceHelp = "Plugin: PATH (plugin.toml, its directory, or a .wasm/.so binary) or NAME";

// --config (the daemon's config, whose plugin settings apply) and the flags over it.
// `search`: the command looks plugins up (--plugin-dir); `policy`: it applies the
// signature policy (--require-signature / --no-require-signature).
void add_config_options(CLI::App* command, PluginConfigOptions& o, bool search, bool policy) {
  command->add_option("--config", o.config_path,
                      "Config file whose plugin settings apply (default: $XDG_CONFIG_HOME/midimon/config.toml "
                      "if it exists)");
  if (search) {
    command->add_option("--plugin-dir", o.plugin_dirs, "Look for plugins here first (repeatable)")
        ->type_name("DIR")
        ->allow_extra_args(false);
  }
  if (policy) {
    command->add_flag_function(
        "--require-signature,!--no-require-signature",
        [&o](int64_t count) { o.require_signature = count > 0; },
        "Refuse plugins without a valid signature by a trusted key (over the config's "
        "[plugins] require_signature)");
  }
}

void add_call(CLI::App* plugin, Commands& commands) {
  auto o = std::make_shared<PluginCallOptions>();
  CLI::App* call = plugin->add_subcommand("call", "Run one action of a plugin and show what it did");
  call->add_option("plugin", o->source, kSourceHelp)->required();
  call->add_option("action", o->action, "Action name (the request's \"action\")")->required();
  call->add_option("--velocity", o->velocity, "context.velocity")->check(CLI::Range(0, 127));
  call->add_option("--note", o->note, "context.note")->check(CLI::Range(0, 127));
  call->add_option("--cc", o->cc, "context.cc")->check(CLI::Range(0, 127));
  call->add_option("--value", o->value, "context.value")->check(CLI::Range(0, 127));
  call->add_option("--mode", o->mode, "context.current_mode");
  call->add_option("--params", o->params, "The mapping's params, a JSON object (also sent as context.metadata)");
  call->add_option("--grant", o->grants, "Grant a capability for this call only (repeatable)")
      ->type_name("CAP")
      ->allow_extra_args(false);
  call->add_option("--fuel", o->fuel, "Instruction budget of the call");
  call->add_option("--timeout-ms", o->timeout_ms, "Deadline of the call in milliseconds")
      ->check(CLI::Range(uint64_t{1}, uint64_t{600'000}));
  call->add_option("--max-memory", o->max_memory, "Memory cap in bytes");
  add_config_options(call, o->settings, true, true);
  commands.push_back({call, [o] { return plugin_call(*o, std::cout, std::cerr); }});
}

void add_signing(CLI::App* plugin, Commands& commands) {
  auto keygen = std::make_shared<KeygenOptions>();
  CLI::App* kg = plugin->add_subcommand("keygen", "Create an Ed25519 signing key pair (private key 0600)");
  kg->add_option("private_key", keygen->private_key, "Private key file to create")->required();
  kg->add_option("--public", keygen->public_key, "Public key file (default: PRIVATE_KEY.pub)");
  kg->add_option("--name", keygen->developer_name, "Developer name recorded with the key");
  kg->add_option("--email", keygen->developer_email, "Developer email recorded with the key");
  commands.push_back({kg, [keygen] { return plugin_keygen(*keygen, std::cout, std::cerr); }});

  auto sign = std::make_shared<SignOptions>();
  CLI::App* sg = plugin->add_subcommand("sign", "Sign a plugin binary (writes BINARY.sig, format v2)");
  sg->add_option("binary", sign->binary, "Plugin binary")->required();
  sg->add_option("--key", sign->private_key, "Private key file")->required();
  sg->add_option("--name", sign->developer_name, "Developer name (default: the key's)");
  sg->add_option("--email", sign->developer_email, "Developer email (default: the key's)");
  commands.push_back({sg, [sign] { return plugin_sign(*sign, std::cout, std::cerr); }});

  auto verify_binary = std::make_shared<std::string>();
  auto verify_settings = std::make_shared<PluginConfigOptions>();
  CLI::App* vf = plugin->add_subcommand("verify", "Check a plugin binary's signature against the trusted keys");
  vf->add_option("binary", *verify_binary, "Plugin binary")->required();
  vf->add_flag_function(
      "--require", [verify_settings](int64_t) { verify_settings->require_signature = true; },
      "Treat a missing signature as a failure (the config's [plugins] require_signature does too)");
  add_config_options(vf, *verify_settings, false, false);
  commands.push_back({vf, [verify_binary, verify_settings] {
                        return plugin_verify(*verify_binary, *verify_settings, std::cout, std::cerr);
                      }});

  CLI::App* trust = plugin->add_subcommand("trust", "Manage the trusted signing keys");
  trust->require_subcommand(1);
  auto add = std::make_shared<TrustAddOptions>();
  CLI::App* ta = trust->add_subcommand("add", "Trust a public key");
  ta->add_option("public_key", add->public_key, "Public key: 64 hex digits or a file holding them")->required();
  ta->add_option("--name", add->name, "Whose key it is")->required();
  ta->add_option("--email", add->email, "Their email");
  commands.push_back({ta, [add] { return plugin_trust_add(*add, std::cout, std::cerr); }});
  CLI::App* tl = trust->add_subcommand("list", "List the trusted keys");
  commands.push_back({tl, [] { return plugin_trust_list(std::cout, std::cerr); }});
  auto key = std::make_shared<std::string>();
  CLI::App* tr = trust->add_subcommand("remove", "Stop trusting a key");
  tr->add_option("key", *key, "Public key (hex), key id or name")->required();
  commands.push_back({tr, [key] { return plugin_trust_remove(*key, std::cout, std::cerr); }});
}

void add_management(CLI::App* plugin, Commands& commands) {
  auto list_settings = std::make_shared<PluginConfigOptions>();
  CLI::App* list = plugin->add_subcommand("list", "List the installed plugins, their grants and state");
  add_config_options(list, *list_settings, true, false);
  commands.push_back({list, [list_settings] { return plugin_list(*list_settings, std::cout, std::cerr); }});

  auto path = std::make_shared<std::string>();
  auto install_settings = std::make_shared<PluginConfigOptions>();
  CLI::App* install = plugin->add_subcommand("install", "Install a plugin directory into the user's plugin directory");
  install->add_option("dir", *path, "Directory holding plugin.toml and the binary")->required();
  add_config_options(install, *install_settings, false, true);
  commands.push_back({install, [path, install_settings] {
                        return plugin_install(*path, *install_settings, std::cout, std::cerr);
                      }});

  auto name = std::make_shared<std::string>();
  CLI::App* remove = plugin->add_subcommand("remove", "Remove an installed plugin (its data and grants stay)");
  remove->add_option("name", *name, "Plugin name")->required();
  commands.push_back({remove, [name] { return plugin_remove(*name, std::cout, std::cerr); }});
  for (bool enabled : {true, false}) {
    CLI::App* sub = plugin->add_subcommand(enabled ? "enable" : "disable",
                                           enabled ? "Enable a plugin" : "Disable a plugin (its calls are refused)");
    sub->add_option("name", *name, "Plugin name")->required();
    commands.push_back({sub, [name, enabled] { return plugin_set_enabled(*name, enabled, std::cout, std::cerr); }});
  }

  auto caps = std::make_shared<std::vector<std::string>>();
  for (bool grant : {true, false}) {
    CLI::App* sub = plugin->add_subcommand(grant ? "grant" : "revoke",
                                           grant ? "Grant capabilities to a plugin" : "Revoke capabilities");
    sub->add_option("name", *name, "Plugin name")->required();
    sub->add_option("capabilities", *caps,
                    "network, filesystem, audio, midi, subprocess, systemcontrol (or all)")
        ->required();
    commands.push_back({sub, [name, caps, grant] {
                          return plugin_change_grants(*name, *caps, grant, std::cout, std::cerr);
                        }});
  }
}

}  // namespace

void add_plugin_commands(CLI::App& app, Commands& commands) {
  CLI::App* plugin = app.add_subcommand("plugin", "Inspect, run, install and sign plugins");
  plugin->require_subcommand(1);

  auto source = std::make_shared<std::string>();
  auto info_settings = std::make_shared<PluginConfigOptions>();
  CLI::App* info = plugin->add_subcommand("info", "Show a plugin's metadata, kind, imports, grants and signature");
  info->add_option("plugin", *source, kSourceHelp)->required();
  add_config_options(info, *info_settings, true, true);
  commands.push_back({info, [source, info_settings] {
                        return plugin_info(*source, *info_settings, std::cout, std::cerr);
                      }});

  add_call(plugin, commands);
  add_management(plugin, commands);
  add_signing(plugin, commands);

  auto name = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>("c");
  auto dir = std::make_shared<std::string>();
  CLI::App* scaffold = plugin->add_subcommand("new", "Create a plugin project that builds with one command");
  scaffold->add_option("name", *name, "Plugin name (also the directory name)")->required();
  scaffold->add_option("--lang", *lang, "Language")->check(CLI::IsMember({"c", "rust"}));
  scaffold->add_option("--dir", *dir, "Where to create it (default: ./NAME)");
  commands.push_back({scaffold, [name, lang, dir] { return plugin_new(*name, *lang, *dir, std::cout, std::cerr); }});
}

}  // namespace midimon::tools
