#include "script_runner.h"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spectest_host.h"
#include "src/wasm/engine.h"
#include "src/wasm/instance.h"
#include "src/wasm/linker.h"
#include "src/wasm/module.h"
#include "src/wasm/result.h"
#include "src/wasm/store.h"
#include "src/wasm/trap.h"
#include "value_compare.h"

namespace midimon::spec {

namespace fs = std::filesystem;
using namespace midimon::wasm;

namespace {

const char* kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::Malformed: return "Malformed";
    case ErrorKind::Invalid: return "Invalid";
    case ErrorKind::Unlinkable: return "Unlinkable";
    case ErrorKind::Uninstantiable: return "Uninstantiable";
    case ErrorKind::Limit: return "Limit";
    case ErrorKind::Usage: return "Usage";
  }
  return "?";
}

std::string describe(const Error& e) {
  return std::string(kind_name(e.kind)) + " error: " + e.to_string();
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The outcome of an action: an error of the runner or the script (no such export, bad
// argument), a trap, or the results with their types. `values` holds the engine's slots
// (two per v128); result i starts at slot `first[i]`.
struct ActionOutcome {
  std::string error;
  Trap trap;
  std::vector<ValType> types;
  std::vector<Value> values;
  std::vector<size_t> first;

  void set_types(std::span<const ValType> ts) {
    types.assign(ts.begin(), ts.end());
    first.clear();
    size_t n = 0;
    for (ValType t : ts) {
      first.push_back(n);
      n += slot_count(t);
    }
    values.assign(n, Value::from_i64(0));
  }
  const Value* result(size_t i) const { return &values[first[i]]; }
};

std::string format_results(const ActionOutcome& o) {
  std::string s = "[";
  for (size_t i = 0; i < o.types.size(); ++i) {
    if (i) s += ", ";
    s += format_value(o.types[i], o.result(i));
  }
  return s + "]";
}

std::string format_expected_list(const std::vector<ScriptValue>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += format_expected(v[i]);
  }
  return s + "]";
}

class Runner {
 public:
  Runner(const Script& script, FileResult* result, bool eager_compile, bool fuel, bool deadline,
         bool jit)
      : script_(script), result_(result), engine_(config(eager_compile, fuel, deadline, jit)),
        store_(engine_) {
    std::string error;
    if (!define_spectest(store_, linker_, &error)) setup_error_ = error;
    if (fuel && !store_.set_fuel(UINT64_MAX)) setup_error_ = "set_fuel failed";
    if (deadline && !store_.set_timeout(std::chrono::hours(1))) setup_error_ = "set_timeout failed";
  }

  // Returns the outcome category for progress reporting.
  void run(const Command& c) {
    current_ = &c;
    if (!setup_error_.empty()) return fail("cannot set up the spectest module: " + setup_error_);
    switch (c.kind) {
      case CommandKind::Module: return run_module(c);
      case CommandKind::Register: return run_register(c);
      case CommandKind::Action: return run_action_cmd(c);
      case CommandKind::AssertReturn: return run_assert_return(c);
      case CommandKind::AssertTrap:
      case CommandKind::AssertExhaustion:
        if (!c.action && !c.filename.empty()) return run_assert_uninstantiable(c);
        return run_assert_trap(c);
      case CommandKind::AssertInvalid: return run_assert_load_failure(c, ErrorKind::Invalid);
      case CommandKind::AssertMalformed: return run_assert_load_failure(c, ErrorKind::Malformed);
      case CommandKind::AssertUnlinkable: return run_assert_unlinkable(c);
      case CommandKind::AssertUninstantiable: return run_assert_uninstantiable(c);
      case CommandKind::Unknown: break;
    }
    fail("unknown command type '" + c.kind_name + "'");
  }

 private:
  void pass() {
    if (current_->kind != CommandKind::Register) ++result_->passed;
  }
  void fail(const std::string& message) {
    ++result_->failed;
    result_->failures.push_back({current_->line, current_->kind_name, message});
  }
  void not_applicable(const std::string& why) {
    ++result_->na;
    result_->not_applicable.push_back({current_->line, current_->kind_name, why});
  }
  void note(const std::string& message) {
    result_->notes.push_back({current_->line, current_->kind_name, message});
  }

  // Reads the module file named by the command; false (after fail()) if it is missing.
  bool read_module(const Command& c, std::vector<uint8_t>* bytes) {
    if (c.filename.empty()) {
      fail("the command names no module file");
      return false;
    }
    const fs::path path = script_.dir / c.filename;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      fail("module file " + path.string() + " is missing");
      return false;
    }
    bytes->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
  }

  // The text-format variants cannot reach a binary-only engine.
  bool text_module(const Command& c) {
    if (c.module_type != "text") return false;
    not_applicable("text-format module (the engine loads binaries only): " + c.text);
    return true;
  }

  void run_module(const Command& c) {
    // A module that fails leaves no current module, so later actions fail visibly
    // instead of running against an older module.
    current_instance_ = nullptr;
    if (!c.name.empty()) named_[c.name] = nullptr;
    std::vector<uint8_t> bytes;
    if (!read_module(c, &bytes)) return;
    auto module = Module::compile(engine_, bytes);
    if (!module.ok()) return fail("module failed to load: " + describe(module.error()));
    auto inst = linker_.instantiate(store_, *module);
    if (!inst.ok()) return fail("module failed to instantiate: " + describe(inst.error()));
    current_instance_ = *inst;
    if (!c.name.empty()) named_[c.name] = *inst;
    pass();
  }

  void run_register(const Command& c) {
    Instance* inst = c.name.empty() ? current_instance_ : lookup(c.name);
    if (!inst) {
      // Not counted when it works, but a register that cannot work is still a failure.
      return fail("cannot register " + (c.name.empty() ? std::string("the current module") : c.name) +
                  " as \"" + c.as + "\": no such module instance");
    }
    linker_.define_instance(c.as, *inst);
  }

  Instance* lookup(const std::string& name) {
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : it->second;
  }

  ActionOutcome perform(const ScriptAction& a) {
    ActionOutcome o;
    Instance* inst = current_instance_;
    if (!a.module.empty()) {
      auto it = named_.find(a.module);
      if (it == named_.end()) {
        o.error = "unknown module " + a.module;
        return o;
      }
      inst = it->second;
      if (!inst) {
        o.error = "module " + a.module + " failed to load or instantiate earlier";
        return o;
      }
    } else if (!inst) {
      o.error = "no current module (the most recent module failed or none was defined)";
      return o;
    }

    if (a.type == ScriptAction::Type::Get) {
      GlobalInst* g = inst->get_global(a.field);
      if (!g) {
        o.error = "no exported global \"" + a.field + "\"";
        return o;
      }
      o.set_types({&g->type.type, 1});
      o.values[0] = g->value;
      if (g->type.type == ValType::V128) o.values[1] = g->hi;
      return o;
    }
    if (a.type != ScriptAction::Type::Invoke) {
      o.error = "unknown action type '" + a.type_name + "'";
      return o;
    }

    FuncInst* f = inst->get_func(a.field);
    if (!f) {
      o.error = "no exported function \"" + a.field + "\"";
      return o;
    }
    if (!f->type) {
      o.error = "exported function \"" + a.field + "\" has no type";
      return o;
    }
    const FuncType& type = *f->type;
    if (a.args.size() != type.params.size()) {
      o.error = "\"" + a.field + "\" takes " + std::to_string(type.params.size()) +
                " arguments, the script passes " + std::to_string(a.args.size());
      return o;
    }
    std::vector<Value> args;  // slots
    for (size_t i = 0; i < a.args.size(); ++i) {
      ValType t;
      Value v[2];
      if (!parse_arg(a.args[i], v, &t, &o.error)) return o;
      if (t != type.params[i]) {
        o.error = "argument " + std::to_string(i) + " of \"" + a.field + "\" is " +
                  to_string(type.params[i]) + ", the script passes " + a.args[i].type;
        return o;
      }
      args.insert(args.end(), v, v + slot_count(t));
    }
    o.set_types(type.results);
    o.trap = store_.call(f, args, o.values);
    return o;
  }

  // Common preamble of action commands: the action must exist.
  const ScriptAction* action_of(const Command& c) {
    if (!c.action) {
      fail("the command has no action");
      return nullptr;
    }
    return &*c.action;
  }

  void run_action_cmd(const Command& c) {
    const ScriptAction* a = action_of(c);
    if (!a) return;
    ActionOutcome o = perform(*a);
    if (!o.error.empty()) return fail(o.error);
    if (o.trap) return fail("\"" + a->field + "\" trapped: " + o.trap.message());
    pass();
  }

  void run_assert_return(const Command& c) {
    const ScriptAction* a = action_of(c);
    if (!a) return;
    ActionOutcome o = perform(*a);
    if (!o.error.empty()) return fail(o.error);
    if (o.trap) {
      return fail("\"" + a->field + "\" trapped: " + o.trap.message() + "; expected " +
                  format_expected_list(c.expected));
    }
    if (o.types.size() != c.expected.size()) {
      return fail("\"" + a->field + "\" returned " + std::to_string(o.types.size()) +
                  " values, expected " + std::to_string(c.expected.size()) + ": got " +
                  format_results(o) + ", expected " + format_expected_list(c.expected));
    }
    for (size_t i = 0; i < o.types.size(); ++i) {
      std::string why;
      if (!value_matches(c.expected[i], o.types[i], o.result(i), &why)) {
        std::string msg = "\"" + a->field + "\" result " + std::to_string(i) + ": got " +
                          format_results(o) + ", expected " + format_expected_list(c.expected);
        if (!why.empty()) msg += " (" + why + ")";
        return fail(msg);
      }
    }
    pass();
  }

  void run_assert_trap(const Command& c) {
    const ScriptAction* a = action_of(c);
    if (!a) return;
    ActionOutcome o = perform(*a);
    if (!o.error.empty()) return fail(o.error);
    if (!o.trap) {
      return fail("\"" + a->field + "\" returned " + format_results(o) + ", expected trap \"" +
                  c.text + "\"");
    }
    const std::string msg = o.trap.message();
    if (!trap_text_matches(c.text, msg))
      return fail("\"" + a->field + "\" trapped with \"" + msg + "\", expected \"" + c.text + "\"");
    if (!starts_with(msg, c.text))
      note("matched \"" + c.text + "\" without the reference interpreter's index: \"" + msg + "\"");
    pass();
  }

  // assert_invalid / assert_malformed: the binary must not load. Which stage rejected it
  // and the engine's wording are recorded as notes only: engines legitimately differ.
  void run_assert_load_failure(const Command& c, ErrorKind expected) {
    if (text_module(c)) return;
    std::vector<uint8_t> bytes;
    if (!read_module(c, &bytes)) return;
    auto module = Module::compile(engine_, bytes);
    if (module.ok()) return fail("module loaded, expected it to be rejected: \"" + c.text + "\"");
    const Error& e = module.error();
    if (e.kind != expected) {
      note(std::string("rejected as ") + kind_name(e.kind) + ", the script says " +
           kind_name(expected) + " \"" + c.text + "\": " + e.to_string());
    } else if (!starts_with(e.message, c.text)) {
      note("expected \"" + c.text + "\", engine says: " + e.to_string());
    }
    pass();
  }

  // Compiles a module that the script says is valid; false (after fail()) if not.
  bool compile_valid(const Command& c, std::shared_ptr<const Module>* out) {
    std::vector<uint8_t> bytes;
    if (!read_module(c, &bytes)) return false;
    auto module = Module::compile(engine_, bytes);
    if (!module.ok()) {
      fail("module failed to load (it should load and then fail to link or instantiate): " +
           describe(module.error()));
      return false;
    }
    *out = *module;
    return true;
  }

  void run_assert_unlinkable(const Command& c) {
    if (text_module(c)) return;
    std::shared_ptr<const Module> module;
    if (!compile_valid(c, &module)) return;
    auto inst = linker_.instantiate(store_, module);
    if (inst.ok()) return fail("module instantiated, expected unlinkable \"" + c.text + "\"");
    const Error& e = inst.error();
    if (e.kind != ErrorKind::Unlinkable)
      return fail("expected an Unlinkable error \"" + c.text + "\", got " + describe(e));
    if (!starts_with(e.message, c.text)) note("expected \"" + c.text + "\", engine says: " + e.to_string());
    pass();
  }

  void run_assert_uninstantiable(const Command& c) {
    if (text_module(c)) return;
    std::shared_ptr<const Module> module;
    if (!compile_valid(c, &module)) return;
    auto inst = linker_.instantiate(store_, module);
    if (inst.ok()) return fail("module instantiated, expected trap \"" + c.text + "\"");
    const Error& e = inst.error();
    if (e.kind != ErrorKind::Uninstantiable)
      return fail("expected an Uninstantiable error (trap \"" + c.text + "\"), got " + describe(e));
    if (!trap_text_matches(c.text, e.message))
      return fail("instantiation trapped with \"" + e.message + "\", expected \"" + c.text + "\"");
    pass();
  }

  static EngineConfig config(bool eager_compile, bool fuel, bool deadline, bool jit) {
    EngineConfig c;
    c.jit = jit;
    c.lazy_compilation = !eager_compile;
    c.fuel_metering = fuel;
    c.deadline_checks = deadline;
    return c;
  }

  const Script& script_;
  FileResult* result_;
  Engine engine_;
  Store store_;
  Linker linker_;
  std::string setup_error_;
  const Command* current_ = nullptr;
  Instance* current_instance_ = nullptr;
  std::map<std::string, Instance*> named_;
};

}  // namespace

void run_script(const Script& script, FileResult* result, Progress* progress,
                bool eager_compile, bool fuel, bool deadline, bool jit) {
  if (progress) progress->total = static_cast<uint32_t>(counted_commands(script));
  Runner runner(script, result, eager_compile, fuel, deadline, jit);
  for (const auto& c : script.commands) {
    if (progress) {
      progress->line = c.line;
      progress->kind = static_cast<int>(c.kind);
    }
    runner.run(c);
    if (progress) {
      if (c.kind != CommandKind::Register) ++progress->done;
      progress->passed = static_cast<uint32_t>(result->passed);
      progress->failed = static_cast<uint32_t>(result->failed);
      progress->na = static_cast<uint32_t>(result->na);
    }
  }
}

}  // namespace midimon::spec
