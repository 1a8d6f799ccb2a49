// `midimon devices [--backend auto|jack|alsa]`: argument parsing only; the work is
// midi::list_devices_command (src/midi/device_listing.h).
#include <iostream>
#include <memory>
#include <string>

#include "midi/device_listing.h"
#include "tools/command_group.h"

namespace midimon::tools {

namespace {
struct DevicesOptions {
  std::string backend = "auto";
};
}  // namespace

void add_midi_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<DevicesOptions>();
  CLI::App* devices = app.add_subcommand(
      "devices", "List the MIDI inputs and outputs of each backend; exit 1 when no backend is "
                 "available");
  devices->add_option("--backend", o->backend, "auto (every backend), jack or alsa")
      ->check(CLI::IsMember({"auto", "jack", "alsa"}))
      ->capture_default_str();
  commands.push_back({devices, [o] {
                        const auto choice = midi::parse_backend_choice(o->backend);
                        return midi::list_devices_command(choice.value_or(midi::BackendChoice::Auto),
                                                          std::cout, std::cerr);
                      }});
}

}  // namespace midimon::tools
