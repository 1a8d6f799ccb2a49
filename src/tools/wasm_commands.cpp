#include "tools/wasm_commands.h"

#include <chrono>
#include <memory>
#include <span>

#include "tools/file_bytes.h"
#include "tools/run_options.h"
#include "tools/module_summary.h"
#include "tools/value_text.h"
#include "wasm/binary_reader.h"
#include "wasm/engine.h"
#include "wasi/wasi.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"
#include "wasm/validator.h"

namespace midimon::tools {
namespace {

using namespace midimon::wasm;

const char* kind_label(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed module";
    case ErrorKind::Invalid: return "invalid module";
    case ErrorKind::Unlinkable: return "unlinkable module";
    case ErrorKind::Uninstantiable: return "module not instantiable";
    case ErrorKind::Limit: return "limit exceeded";
    case ErrorKind::Usage: return "usage error";
  }
  return "error";
}

void print_error(const std::string& file, const Error& e, std::ostream& err) {
  err << file << ": " << kind_label(e.kind) << ": " << e.to_string() << "\n";
}

bool load(const std::string& file, std::vector<uint8_t>* bytes, std::ostream& err) {
  std::string message;
  if (read_file_bytes(file, bytes, &message)) return true;
  err << message << "\n";
  return false;
}

// The exported function names, for a helpful "no such export" message.
std::string exported_funcs(const ModuleInfo& m) {
  std::string names;
  for (const Export& e : m.exports) {
    if (e.kind != ExternKind::Func) continue;
    if (!names.empty()) names += ", ";
    names += e.name;
  }
  return names.empty() ? "(none)" : names;
}

}  // namespace

namespace {

// Non-WASI imports, which `run` cannot provide; empty if there are none.
std::string foreign_imports(const ModuleInfo& info) {
  std::string names;
  for (const Import& im : info.imports) {
    if (im.module == "wasi_snapshot_preview1") continue;
    names += " " + im.module + "." + im.name + " (" + to_string(im.kind) + ")";
  }
  return names;
}

// Checks --invoke's export and arguments before instantiating, so usage errors never
// run the start function. Returns kExitOk or the exit code to fail with.
int check_invoke(const RunOptions& options, const ModuleInfo& info, std::vector<Value>* args,
                 std::ostream& err) {
  const Export* target = nullptr;
  for (const Export& e : info.exports) {
    if (e.name == options.invoke) target = &e;
  }
  if (target == nullptr || target->kind != ExternKind::Func) {
    err << options.file << ": no exported function \"" << options.invoke
        << "\"; exported functions: " << exported_funcs(info) << "\n";
    return kExitInvalid;
  }
  const FuncType& type = info.func_type(target->index);
  if (options.args.size() != type.params.size()) {
    err << "\"" << options.invoke << "\" takes " << type.params.size() << " argument"
        << (type.params.size() == 1 ? "" : "s") << " " << type.to_string() << ", got "
        << options.args.size() << "\n";
    return kExitInvalid;
  }
  for (size_t i = 0; i < type.params.size(); ++i) {
    // A v128 goes to the engine as two slots (value.h).
    if (type.params[i] == ValType::V128) {
      if (auto v = parse_v128(options.args[i])) {
        args->insert(args->end(), v->begin(), v->end());
        continue;
      }
    } else if (auto v = parse_value(type.params[i], options.args[i])) {
      args->push_back(*v);
      continue;
    }
    err << "argument " << i + 1 << " of \"" << options.invoke << "\": \"" << options.args[i]
        << "\" is not a valid " << to_string(type.params[i]) << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

// The WASI configuration from the options; false (message on `err`) on a bad option.
bool wasi_config(const RunOptions& options, std::ostream& out, std::ostream& err,
                 wasi::WasiConfig* config) {
  config->args.push_back(options.file);
  if (options.invoke.empty()) config->args.insert(config->args.end(), options.args.begin(), options.args.end());
  for (const std::string& e : options.env) {
    if (!valid_env_option(e)) {
      err << "--env \"" << e << "\": expected KEY=VALUE\n";
      return false;
    }
    config->env.push_back(e);
  }
  for (const std::string& d : options.dirs) {
    std::string message;
    auto p = parse_dir_option(d, &message);
    if (!p) {
      err << message << "\n";
      return false;
    }
    config->preopens.push_back(*p);
  }
  if (options.clock_start_s) config->realtime_start_ns = *options.clock_start_s * 1'000'000'000ull;
  config->random_seed = options.random_seed;
  config->stdout_type = options.stdout_type;
  config->stderr_type = options.stderr_type;
  config->stdout_cb = [&out](std::string_view s) { out.write(s.data(), static_cast<std::streamsize>(s.size())); out.flush(); };
  config->stderr_cb = [&err](std::string_view s) { err.write(s.data(), static_cast<std::streamsize>(s.size())); err.flush(); };
  return true;
}

// Exit code and message for a trap: the guest's own code for proc_exit.
int report_trap(const Trap& trap, std::ostream& err) {
  if (trap.kind == TrapKind::Exit) return trap.exit_code;
  err << "trap: " << trap.message() << "\n";
  return kExitTrap;
}

}  // namespace

int run_wasm(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<uint8_t> bytes;
  if (!load(options.file, &bytes, err)) return kExitInvalid;

  // Instrumentation only for the limits asked for: without them the code has no trace
  // of fuel or deadline polling.
  EngineConfig engine_config;
  engine_config.fuel_metering = options.fuel.has_value();
  engine_config.deadline_checks = options.timeout_ms.has_value();
  engine_config.jit = options.jit;
  Engine engine(engine_config);
  auto module = Module::compile(engine, bytes);
  if (!module) {
    print_error(options.file, module.error(), err);
    return kExitInvalid;
  }
  const ModuleInfo& info = (*module)->info();

  // Only WASI is offered; name every other import rather than only the first.
  if (const std::string foreign = foreign_imports(info); !foreign.empty()) {
    err << options.file << ": unlinkable module: it imports" << foreign
        << ", and `midimon wasm run` provides only wasi_snapshot_preview1\n";
    return kExitInvalid;
  }

  std::vector<Value> args;
  const std::string entry = options.invoke.empty() ? "_start" : options.invoke;
  if (!options.invoke.empty()) {
    if (int rc = check_invoke(options, info, &args, err); rc != kExitOk) return rc;
  } else {
    const Export* start = nullptr;
    for (const Export& e : info.exports) {
      if (e.name == "_start" && e.kind == ExternKind::Func) start = &e;
    }
    if (start == nullptr || !info.func_type(start->index).params.empty() ||
        !info.func_type(start->index).results.empty()) {
      err << options.file << ": not a WASI command (no exported function \"_start\" of type () -> ()); "
          << "use --invoke NAME to call a function; exported functions: " << exported_funcs(info) << "\n";
      return kExitInvalid;
    }
  }

  wasi::WasiConfig config;
  if (!wasi_config(options, out, err, &config)) return kExitInvalid;
  auto host = wasi::WasiHost::create(std::move(config));
  if (!host) {
    err << host.error().message << "\n";
    return kExitInvalid;
  }

  StoreLimits limits;
  if (options.max_memory) {
    if (*options.max_memory == 0) {
      err << "--max-memory must be at least 1 byte\n";
      return kExitInvalid;
    }
    limits.max_memory_bytes = *options.max_memory;
  }
  Store store(engine, limits);
  if (options.fuel) (void)store.set_fuel(*options.fuel);  // cannot fail: metering is on
  if (options.timeout_ms) (void)store.set_timeout(std::chrono::milliseconds(*options.timeout_ms));
  Linker linker;
  (*host)->define_imports(linker, store, info);

  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    const Error& e = instance.error();
    // A trap in the start function or in segment initialisation is a trap for the user.
    if (e.kind == ErrorKind::Uninstantiable) {
      err << "trap: " << e.message << "\n";
      return kExitTrap;
    }
    print_error(options.file, e, err);
    return kExitInvalid;
  }
  FuncInst* func = (*instance)->get_func(entry);
  if (func == nullptr) {  // cannot happen after the checks above, but never crash
    err << options.file << ": no exported function \"" << entry << "\"\n";
    return kExitInvalid;
  }

  const FuncType& type = *func->type;
  std::vector<Value> results(slot_count(type.results));  // two slots per v128
  Trap trap = store.call(func, args, results);
  if (trap) return report_trap(trap, err);
  for (size_t i = 0, slot = 0; i < type.results.size(); slot += slot_count(type.results[i]), ++i) {
    const ValType t = type.results[i];
    out << (t == ValType::V128 ? format_v128(&results[slot]) : format_value(t, results[slot])) << "\n";
  }
  return kExitOk;
}

int validate_wasm(const std::string& file, std::ostream& out, std::ostream& err) {
  std::vector<uint8_t> bytes;
  if (!load(file, &bytes, err)) return kExitInvalid;
  auto result = Module::validate(bytes);
  if (!result) {
    print_error(file, result.error(), err);
    return kExitInvalid;
  }
  out << file << ": valid\n";
  return kExitOk;
}

int inspect_wasm(const std::string& file, std::ostream& out, std::ostream& err) {
  std::vector<uint8_t> bytes;
  if (!load(file, &bytes, err)) return kExitInvalid;
  auto info = read_module(bytes);
  if (!info) {
    print_error(file, info.error(), err);
    return kExitInvalid;
  }
  describe_module(*info, out);
  auto valid = validate_module(*info);
  if (!valid) {
    out << "validation: failed\n";
    print_error(file, valid.error(), err);
    return kExitInvalid;
  }
  out << "validation: ok\n";
  return kExitOk;
}

}  // namespace midimon::tools
