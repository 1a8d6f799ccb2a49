#include "tools/wasm_commands.h"

#include <memory>
#include <span>

#include "tools/file_bytes.h"
#include "tools/module_summary.h"
#include "tools/value_text.h"
#include "wasm/binary_reader.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
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

int run_wasm(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<uint8_t> bytes;
  if (!load(options.file, &bytes, err)) return kExitInvalid;

  Engine engine;
  auto module = Module::compile(engine, bytes);
  if (!module) {
    print_error(options.file, module.error(), err);
    return kExitInvalid;
  }
  const ModuleInfo& info = (*module)->info();

  // No host is offered yet (WASI arrives later), so any import makes the module
  // unlinkable; name them all rather than only the first.
  if (!info.imports.empty()) {
    err << options.file << ": unlinkable module: it imports";
    for (const Import& im : info.imports) err << " " << im.module << "." << im.name << " (" << to_string(im.kind) << ")";
    err << ", and `midimon wasm run` provides no imports yet\n";
    return kExitInvalid;
  }

  // Check the export and the arguments before instantiating, so usage errors never
  // run the start function.
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
  std::vector<Value> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    auto v = parse_value(type.params[i], options.args[i]);
    if (!v) {
      err << "argument " << i + 1 << " of \"" << options.invoke << "\": \"" << options.args[i]
          << "\" is not a valid " << to_string(type.params[i]) << "\n";
      return kExitInvalid;
    }
    args.push_back(*v);
  }

  Store store(engine);
  auto instance = store.instantiate(*module, {});
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
  FuncInst* func = (*instance)->get_func(options.invoke);
  if (func == nullptr) {  // cannot happen after the check above, but never crash
    err << options.file << ": no exported function \"" << options.invoke << "\"\n";
    return kExitInvalid;
  }

  std::vector<Value> results(type.results.size());
  Trap trap = store.call(func, args, results);
  if (trap) {
    err << "trap: " << trap.message() << "\n";
    return kExitTrap;
  }
  for (size_t i = 0; i < results.size(); ++i) out << format_value(type.results[i], results[i]) << "\n";
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
