// `midimon validate CONFIG [--print]`: argument parsing only; the work is
// mapping::validate_config (src/mapping/config_validate.h).
#include <iostream>
#include <memory>
#include <string>

#include "mapping/config_validate.h"
#include "tools/command_group.h"

namespace midimon::tools {

namespace {
struct ValidateOptions {
  std::string path;
  bool print = false;
};
}  // namespace

void add_config_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* validate = app.add_subcommand(
      "validate", "Check a config file; exit 0 when valid (warnings on stderr), 1 with every error "
                  "as file:line:column: message");
  validate->add_option("config", o->path, "The TOML config file")->required();
  validate->add_flag("--print", o->print,
                     "Print the normalised config (every default and alias resolved) as TOML");
  commands.push_back({validate, [o] {
                        return mapping::validate_config(o->path, o->print, std::cout, std::cerr);
                      }});
}

}  // namespace midimon::tools
