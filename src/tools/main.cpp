// midimon: the command-line front end. Parses arguments, calls the library, prints.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "tools/wasm_commands.h"

int main(int argc, char** argv) {
  using namespace midimon::tools;

  CLI::App app{"midimon: MIDI controllers as programmable control surfaces"};
  app.require_subcommand(1);

  CLI::App* wasm = app.add_subcommand("wasm", "Run and examine WebAssembly modules with midimon's engine");
  wasm->require_subcommand(1);

  RunOptions run_options;
  CLI::App* run = wasm->add_subcommand("run", "Instantiate a module and call one exported function");
  run->add_option("file", run_options.file, "Module binary (.wasm)")->required();
  run->add_option("--invoke", run_options.invoke, "Exported function to call")->required();
  run->add_option("args", run_options.args,
                  "Arguments, by the function's parameter types (i32/i64 decimal or 0x-hex; "
                  "f32/f64 decimal, inf, nan); put `--` before negative numbers if needed");
  // Negative numbers are arguments, not options.
  run->positionals_at_end(false);

  std::string file;
  CLI::App* validate = wasm->add_subcommand("validate", "Decode and validate a module");
  validate->add_option("file", file, "Module binary (.wasm)")->required();
  CLI::App* inspect = wasm->add_subcommand("inspect", "Show a module's sections, imports, exports and more");
  inspect->add_option("file", file, "Module binary (.wasm)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Bad usage is exit code 2, whatever CLI11's own code for the error would be.
    app.exit(e);
    return kExitInvalid;
  }

  if (run->parsed()) return run_wasm(run_options, std::cout, std::cerr);
  if (validate->parsed()) return validate_wasm(file, std::cout, std::cerr);
  if (inspect->parsed()) return inspect_wasm(file, std::cout, std::cerr);
  return kExitInvalid;
}
