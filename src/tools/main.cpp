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
  CLI::App* run = wasm->add_subcommand(
      "run", "Run a WASI command (_start) in the sandbox, or call one exported function (--invoke)");
  run->add_option("file", run_options.file, "Module binary (.wasm)")->required();
  run->add_option("--invoke", run_options.invoke,
                  "Exported function to call instead of the WASI command's _start");
  run->add_option("--fuel", run_options.fuel,
                  "Instruction budget (one unit per instruction); trap \"fuel exhausted\" when spent");
  run->add_option("--timeout-ms", run_options.timeout_ms,
                  "Wall-clock limit for the call in milliseconds; trap \"deadline exceeded\"")
      ->check(CLI::Range(uint64_t{1}, uint64_t{UINT32_MAX}));
  run->add_option("--max-memory", run_options.max_memory,
                  "Largest size of each linear memory in bytes; memory.grow beyond returns -1");
  run->add_option("--dir", run_options.dirs,
                  "Preopen HOST directory as GUEST (default: the same path); :ro = read-only")
      ->type_name("HOST[::GUEST][:ro]")
      ->allow_extra_args(false);  // one value per --dir, so positionals stay positionals
  run->add_option("--env", run_options.env, "Environment variable for the guest (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run->add_option("args", run_options.args,
                  "With --invoke: arguments by the function's parameter types (i32/i64 decimal or "
                  "0x-hex; f32/f64 decimal, inf, nan). Otherwise: the guest's argv[1..]. Put `--` "
                  "before arguments that start with a dash");
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
