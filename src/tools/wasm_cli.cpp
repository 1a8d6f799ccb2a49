// `midimon wasm run|validate|inspect`: argument parsing for the engine's commands
// (the commands themselves are in wasm_commands.cpp).
#include <iostream>
#include <memory>
#include <string>

#include "tools/command_group.h"
#include "tools/wasm_commands.h"

namespace midimon::tools {

void add_wasm_commands(CLI::App& app, Commands& commands) {
  add_wasm_command(app, commands, WasmCommand::All);
}

void add_wasm_command(CLI::App& app, Commands& commands, WasmCommand which) {
  const auto wanted = [which](WasmCommand c) { return which == WasmCommand::All || which == c; };
  CLI::App* wasm = app.add_subcommand("wasm", "Run and examine WebAssembly modules with midimon's engine");
  wasm->require_subcommand(1);

  if (wanted(WasmCommand::Run)) {
    auto run_options = std::make_shared<RunOptions>();
    CLI::App* run = wasm->add_subcommand(
        "run", "Run a WASI command (_start) in the sandbox, or call one exported function (--invoke)");
    run->add_option("file", run_options->file, "Module binary (.wasm)")->required();
    run->add_option("--invoke", run_options->invoke,
                    "Exported function to call instead of the WASI command's _start");
    run->add_option("--fuel", run_options->fuel,
                    "Instruction budget (one unit per instruction); trap \"fuel exhausted\" when spent");
    run->add_option("--timeout-ms", run_options->timeout_ms,
                    "Wall-clock limit for the call in milliseconds; trap \"deadline exceeded\"")
        ->check(CLI::Range(uint64_t{1}, uint64_t{UINT32_MAX}));
    run->add_flag("--jit,!--interpret", run_options->jit,
                  "Run functions as x86-64 machine code, the baseline compiler (the default), "
                  "or only in the interpreter (--interpret); both meter --fuel and check "
                  "--timeout-ms");
    run->add_option("--max-memory", run_options->max_memory,
                    "Largest size of each linear memory in bytes; memory.grow beyond returns -1");
    run->add_option("--clock-start", run_options->clock_start_s,
                    "Reproducible runs: the guest's realtime clock starts at SECONDS since the "
                    "epoch and then advances as real time does")
        ->type_name("SECONDS")
        ->check(CLI::Range(uint64_t{0}, uint64_t{UINT64_MAX / 1'000'000'000ull}));
    run->add_option("--random-seed", run_options->random_seed,
                    "Reproducible runs: random_get returns a deterministic stream from N instead "
                    "of the system's random bytes")
        ->type_name("N");
    run->add_option("--dir", run_options->dirs,
                    "Preopen HOST directory as GUEST (default: the same path); :ro = read-only")
        ->type_name("HOST[::GUEST][:ro]")
        ->allow_extra_args(false);  // one value per --dir, so positionals stay positionals
    run->add_option("--env", run_options->env, "Environment variable for the guest (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    run->add_option("args", run_options->args,
                    "With --invoke: arguments by the function's parameter types (i32/i64 decimal or "
                    "0x-hex; f32/f64 decimal, inf, nan). Otherwise: the guest's argv[1..]. Put `--` "
                    "before arguments that start with a dash");
    // Negative numbers are arguments, not options.
    run->positionals_at_end(false);
    commands.push_back({run, [run_options] {
                          run_options->stdout_type = wasi::stdio_type_of_host_fd(1);
                          run_options->stderr_type = wasi::stdio_type_of_host_fd(2);
                          return run_wasm(*run_options, std::cout, std::cerr);
                        }});
  }

  auto file = std::make_shared<std::string>();
  if (wanted(WasmCommand::Validate)) {
    CLI::App* validate = wasm->add_subcommand("validate", "Decode and validate a module");
    validate->add_option("file", *file, "Module binary (.wasm)")->required();
    commands.push_back({validate, [file] { return validate_wasm(*file, std::cout, std::cerr); }});
  }
  if (wanted(WasmCommand::Inspect)) {
    CLI::App* inspect = wasm->add_subcommand("inspect", "Show a module's sections, imports, exports and more");
    inspect->add_option("file", *file, "Module binary (.wasm)")->required();
    commands.push_back({inspect, [file] { return inspect_wasm(*file, std::cout, std::cerr); }});
  }
}

}  // namespace midimon::tools
