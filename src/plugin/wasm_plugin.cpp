// WasmPlugin: load-time checks, the instance lifecycle and the ABI v1 calls.
#include "plugin/wasm_plugin.h"

#include <algorithm>
#include <cstring>
#include <system_error>

#include "plugin/metadata_json.h"
#include "plugin/request_json.h"
#include "wasi/wasi.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/store.h"

namespace midimon::plugin {

using wasm::FuncInst;
using wasm::FuncType;
using wasm::Trap;
using wasm::TrapKind;
using wasm::ValType;
using wasm::Value;

namespace {

constexpr std::string_view kWasiModule = "wasi_snapshot_preview1";

FuncType func_type(std::vector<ValType> params, std::vector<ValType> results) {
  FuncType t;
  t.params = std::move(params);
  t.results = std::move(results);
  return t;
}

std::string describe_import(const wasm::Module& module, const wasm::Import& im) {
  switch (im.kind) {
    case wasm::ExternKind::Func: return "func " + module.info().types[im.func_type].to_string();
    case wasm::ExternKind::Table: return "table";
    case wasm::ExternKind::Memory: return "memory";
    case wasm::ExternKind::Global: return "global";
  }
  return "?";
}

std::string quoted(std::string_view a, std::string_view b) {
  return "\"" + std::string(a) + "\" \"" + std::string(b) + "\"";
}

// The ABI v1 exports (plugin-abi.md); dealloc is optional.
Expected<void> check_exports(const wasm::Module& module) {
  const wasm::ModuleInfo& info = module.info();
  auto find = [&](std::string_view name) -> const wasm::Export* {
    for (const wasm::Export& e : info.exports) {
      if (e.name == name) return &e;
    }
    return nullptr;
  };
  const wasm::Export* memory = find("memory");
  if (!memory) return Failure{"missing export \"memory\" (the plugin's linear memory)"};
  if (memory->kind != wasm::ExternKind::Memory) {
    return Failure{std::string("export \"memory\" is a ") + wasm::to_string(memory->kind) + ", not a memory"};
  }
  struct Want { const char* name; FuncType type; bool optional; };
  const Want wants[] = {
      {"init", func_type({}, {ValType::I64}), false},
      {"alloc", func_type({ValType::I32}, {ValType::I32}), false},
      {"execute", func_type({ValType::I32, ValType::I32}, {ValType::I32}), false},
      {"dealloc", func_type({ValType::I32, ValType::I32}, {}), true},
  };
  for (const Want& w : wants) {
    const wasm::Export* e = find(w.name);
    if (!e) {
      if (w.optional) continue;
      return Failure{std::string("missing export \"") + w.name + "\" (func " + w.type.to_string() + ")"};
    }
    if (e->kind != wasm::ExternKind::Func) {
      return Failure{std::string("export \"") + w.name + "\" is a " + wasm::to_string(e->kind) +
                     ", not a function " + w.type.to_string()};
    }
    const FuncType& got = info.func_type(e->index);
    if (!(got == w.type)) {
      return Failure{std::string("export \"") + w.name + "\" has type " + got.to_string() +
                     ", expected " + w.type.to_string()};
    }
  }
  return {};
}

// Every import must be something we offer; WASI's names and types are checked by the
// linker at instantiation (the WASI host owns that table), the `midimon` ones here.
Expected<std::vector<ImportInfo>> check_imports(const wasm::Module& module) {
  std::vector<ImportInfo> out;
  for (const wasm::Import& im : module.info().imports) {
    ImportInfo ii{im.module, im.name, describe_import(module, im), {}};
    if (im.kind != wasm::ExternKind::Func) {
      return Failure{"import " + quoted(im.module, im.name) + " (" + ii.type +
                     ") is not offered by the host: plugins may import only functions"};
    }
    if (im.module == kHostModule) {
      const HostFunctionSpec* spec = find_host_function(im.name);
      if (!spec) {
        return Failure{"unknown import " + quoted(im.module, im.name) + " (" + ii.type +
                       "): the midimon host API has no such function"};
      }
      const FuncType& want = module.info().types[im.func_type];
      bool ok = false;
      for (const FuncType& t : spec->signatures) ok = ok || t == want;
      if (!ok) {
        return Failure{"import " + quoted(im.module, im.name) + " has type " + want.to_string() +
                       ", but the host offers " + spec->signatures.front().to_string()};
      }
      ii.needs = spec->needs;
    } else if (im.module == kWasiModule) {
      if (im.name.starts_with("path_")) ii.needs.add(Capability::Filesystem);
    } else {
      return Failure{"unknown import " + quoted(im.module, im.name) + " (" + ii.type +
                     "): the host offers only the modules \"midimon\" and \"wasi_snapshot_preview1\""};
    }
    out.push_back(std::move(ii));
  }
  return out;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

}  // namespace

wasm::Engine& plugin_engine() {
  static wasm::Engine engine([] {
    wasm::EngineConfig c;
    c.fuel_metering = true;
    c.deadline_checks = true;
    c.jit = true;  // machine code (the baseline compiler), fuel and deadlines included
    return c;
  }());
  return engine;
}

// One instance and everything it needs; destroyed as a whole after a trap. The store is
// declared after the WASI host so it goes first (its host functions point into it).
struct WasmPlugin::Live {
  std::unique_ptr<wasi::WasiHost> wasi;
  std::unique_ptr<wasm::Store> store;
  wasm::Instance* instance = nullptr;
  wasm::MemoryInst* memory = nullptr;
  FuncInst* init = nullptr;
  FuncInst* alloc = nullptr;
  FuncInst* execute = nullptr;
  FuncInst* dealloc = nullptr;
  // A host function of this store that runs alloc, the copy, execute and dealloc as
  // nested calls: one outermost Store::call per plugin call, so the deadline is armed
  // once and covers all of it.
  FuncInst* driver = nullptr;
  bool filesystem = false;  // the preopens exist
};

WasmPlugin::WasmPlugin(std::shared_ptr<const wasm::Module> module, WasmPluginOptions options)
    : module_(std::move(module)),
      options_(std::move(options)),
      limiter_(options_.log_rate, options_.log_clock),
      state_(options_.state_dir, options_.state_bounds) {
  set_grants(options_.grants);
  context_.plugin = this;
  context_.services = options_.services ? options_.services : &null_services_;
  context_.name = options_.name.empty() ? "wasm-plugin" : options_.name;
  context_.state = &state_;
  context_.limiter = &limiter_;
  context_.allowed_hosts = options_.allowed_hosts;
}

WasmPlugin::~WasmPlugin() = default;

CapabilitySet WasmPlugin::requested_capabilities() const {
  CapabilitySet s;
  for (const ImportInfo& i : imports_) s = CapabilitySet(s.bits() | i.needs.bits());
  return s;
}

Expected<void> WasmPlugin::instantiate() {
  live_.reset();
  auto live = std::make_unique<Live>();
  live->filesystem = grants().has(Capability::Filesystem);

  wasi::WasiConfig wc;  // empty args, environment and stdin
  HostServices* services = context_.services;
  const std::string* name = &context_.name;
  wc.stdout_cb = [services, name](std::string_view s) { services->output(*name, OutputStream::Stdout, s); };
  wc.stderr_cb = [services, name](std::string_view s) { services->output(*name, OutputStream::Stderr, s); };
  if (live->filesystem) {
    if (!options_.data_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(options_.data_dir, ec);
      if (ec) return Failure{"cannot create the data directory " + options_.data_dir.string() + ": " + ec.message()};
      wc.preopens.push_back({options_.data_dir.string(), "/data", false});
    }
    if (!options_.install_dir.empty()) wc.preopens.push_back({options_.install_dir.string(), "/plugin", true});
  }
  auto wasi_host = wasi::WasiHost::create(std::move(wc));
  if (!wasi_host) return Failure{wasi_host.error().message};
  live->wasi = std::move(*wasi_host);

  wasm::StoreLimits sl;
  sl.max_memory_bytes = options_.limits.max_memory_bytes;
  sl.max_store_memory_bytes = options_.limits.max_memory_bytes;
  live->store = std::make_unique<wasm::Store>(plugin_engine(), sl);
  wasm::Store& store = *live->store;

  wasm::Linker linker;
  live->wasi->define_imports(linker, store, module_->info());
  for (const wasm::Import& im : module_->info().imports) {
    if (im.module != kHostModule) continue;
    define_host_function(linker, store, *find_host_function(im.name),
                         module_->info().types[im.func_type], &context_);
  }
  // A start function runs under the call limits too (the caller's shared deadline).
  (void)store.set_fuel(options_.limits.fuel);
  if (shared_deadline_ && options_.limits.timeout.count() > 0) {
    const auto left = *shared_deadline_ - std::chrono::steady_clock::now();
    (void)store.set_timeout(std::max<std::chrono::nanoseconds>(left, std::chrono::nanoseconds(1)));
  } else {
    (void)store.set_timeout(options_.limits.timeout);
  }
  auto inst = linker.instantiate(store, module_);
  if (!inst) {
    const wasm::Error& e = inst.error();
    if (e.kind == wasm::ErrorKind::Unlinkable) {
      for (const wasm::Import& im : module_->info().imports) {
        if (im.offset == e.offset) {
          return Failure{"import " + quoted(im.module, im.name) + " (" + describe_import(*module_, im) +
                         ") is not offered by the host: " + e.message};
        }
      }
    }
    return Failure{"cannot instantiate the plugin: " + e.to_string()};
  }
  Live& l = *live;
  l.instance = *inst;
  l.memory = l.instance->get_memory("memory");
  l.init = l.instance->get_func("init");
  l.alloc = l.instance->get_func("alloc");
  l.execute = l.instance->get_func("execute");
  l.dealloc = l.instance->get_func("dealloc");
  l.driver = store.create_host_func(FuncType{}, [this](wasm::Caller&, const Value*, Value*) {
    return pending_ ? run_request(*pending_) : Trap::host("driver called without a request");
  });
  ++instantiations_;
  live_ = std::move(live);

  // WASI reactors (clang -mexec-model=reactor, Rust cdylibs) need their constructors run.
  if (FuncInst* init = l.instance->get_func("_initialize"); init && init->type->params.empty() &&
                                                             init->type->results.empty()) {
    Trap t = call(init, {}, {});
    if (t) {
      live_.reset();
      return Failure{"_initialize trapped: " + t.message()};
    }
  }
  return {};
}

// Starts a deadline shared by several outermost calls (instantiation, init and the
// request after a trap); end_call() drops it.
void WasmPlugin::begin_call() {
  shared_deadline_ = std::chrono::steady_clock::now() + options_.limits.timeout;
}

// One outermost engine call. Normally it gets the whole timeout (the request's alloc,
// execute and dealloc are nested in one call, see run_request); under a shared deadline
// it gets what is left of it.
Trap WasmPlugin::call(FuncInst* func, std::span<const Value> args, std::span<Value> results) {
  wasm::Store& store = *live_->store;
  if (options_.limits.timeout.count() > 0 && shared_deadline_) {
    const auto left = *shared_deadline_ - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds(0)) return Trap(TrapKind::DeadlineExceeded);
    (void)store.set_timeout(left);
  } else {
    (void)store.set_timeout(options_.limits.timeout);
  }
  return store.call(func, args, results);
}

// Calls the plugin's init and returns the metadata bytes it points at.
Expected<std::string> WasmPlugin::call_init() {
  Value packed{};
  Trap t = call(live_->init, {}, {&packed, 1});
  if (t) {
    live_.reset();
    return Failure{"init trapped: " + t.message()};
  }
  const uint32_t ptr = static_cast<uint32_t>(packed.i64 >> 32);
  const uint32_t len = static_cast<uint32_t>(packed.i64 & 0xFFFFFFFFu);
  if (len > kMaxMetadataBytes) {
    return Failure{"init returned a metadata length of " + std::to_string(len) +
                   " bytes, over the " + std::to_string(kMaxMetadataBytes) + "-byte cap"};
  }
  const uint8_t* p = live_->memory->view(ptr, len);
  if (!p) {
    return Failure{"init returned metadata at " + hex32(ptr) + " (" + std::to_string(len) +
                   " bytes), outside the plugin's " + std::to_string(live_->memory->size) + "-byte memory"};
  }
  return std::string(reinterpret_cast<const char*>(p), len);
}

Expected<void> WasmPlugin::init() {
  if (initialized_) return {};
  begin_call();
  if (!live_) {
    if (auto r = instantiate(); !r) {
      shared_deadline_.reset();
      return r;
    }
  }
  live_->store->set_fuel(options_.limits.fuel).ok();
  auto bytes = call_init();
  shared_deadline_.reset();
  if (!bytes) return Failure{bytes.error()};
  auto meta = parse_metadata(*bytes);
  if (!meta) return Failure{meta.error()};
  metadata_ = std::move(*meta);
  if (options_.name.empty()) context_.name = metadata_.name;
  initialized_ = true;
  return {};
}

CallResult WasmPlugin::finish(CallResult r, Trap trap) {
  if (live_) {
    const uint64_t left = live_->store->fuel_remaining();
    r.fuel_used = options_.limits.fuel > left ? options_.limits.fuel - left : 0;
  }
  if (trap) {
    r.status = CallResult::Status::Trapped;
    r.message = trap.kind == TrapKind::Exit ? "the plugin called proc_exit(" + std::to_string(trap.exit_code) + ")"
                                            : trap.message();
    if (trap.kind == TrapKind::FuelExhausted) r.fuel_used = options_.limits.fuel;
    // The instance may be in any state now: the next call gets a fresh one.
    live_.reset();
    context_.log(LogLevel::Error, "trap: " + r.message);
  }
  return r;
}

CallResult WasmPlugin::execute(const ActionRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto error = [&](std::string message) {
    CallResult r;
    r.status = CallResult::Status::Error;
    r.message = std::move(message);
    r.duration = std::chrono::steady_clock::now() - start;
    context_.log(LogLevel::Error, r.message);
    return r;
  };
  const bool params_checked = request.params_json == params_checked_;
  auto json = request_json(request, params_checked);
  if (!json) return error(json.error());
  if (!params_checked) params_checked_ = request.params_json;

  if (!initialized_) {
    if (auto r = init(); !r) return error(r.error());
  }
  // A grant or revoke of `filesystem` changes the preopens, which exist only from
  // instantiation: take effect now, on a fresh instance.
  if (live_ && live_->filesystem != grants().has(Capability::Filesystem)) live_.reset();
  if (!live_) {
    begin_call();  // instantiation, init and the request share one deadline
    if (auto r = instantiate(); !r) {
      shared_deadline_.reset();
      return error(r.error());
    }
    live_->store->set_fuel(options_.limits.fuel).ok();
    if (auto m = call_init(); !m) {
      shared_deadline_.reset();
      return error("re-instantiation: " + m.error());
    }
  }

  live_->store->set_fuel(options_.limits.fuel).ok();
  Pending pending;
  pending.request = *json;
  pending_ = &pending;
  Trap t = call(live_->driver, {}, {});
  pending_ = nullptr;
  shared_deadline_.reset();
  if (!pending.error.empty()) {
    live_.reset();  // a plugin that lies about its memory is not trusted further
    return error(std::move(pending.error));
  }
  CallResult r = finish(CallResult{}, std::move(t));
  if (r.status == CallResult::Status::Trapped) {
    if (*pending.stage != 0 && std::string_view(pending.stage) != "execute") {
      r.message = std::string(pending.stage) + ": " + r.message;
    }
  } else {
    r.code = pending.code;
    r.status = r.code == 0 ? CallResult::Status::Ok : CallResult::Status::Failed;
  }
  r.duration = std::chrono::steady_clock::now() - start;
  return r;
}

// Runs inside the driver host function: every guest call here is nested in one
// outermost call and shares its deadline and fuel.
Trap WasmPlugin::run_request(Pending& p) {
  Live& l = *live_;
  wasm::Store& store = *l.store;
  const uint32_t len = static_cast<uint32_t>(p.request.size());
  const Value len_arg = Value::from_i32(len);
  Value ptr_v{};
  p.stage = "alloc";
  if (Trap t = store.call(l.alloc, {&len_arg, 1}, {&ptr_v, 1})) return t;
  const uint32_t ptr = ptr_v.i32;
  if (ptr != 0) {
    uint8_t* dst = l.memory->view(ptr, len);
    if (!dst) {
      p.error = "alloc returned " + hex32(ptr) + " for a " + std::to_string(len) +
                "-byte request, which does not fit the plugin's " + std::to_string(l.memory->size) +
                "-byte memory";
      return Trap();
    }
    std::memcpy(dst, p.request.data(), len);
  }
  // A null from alloc means "takes no input" (MIDIMon's minimal plugin): execute(0, 0).
  const Value args[2] = {Value::from_i32(ptr), Value::from_i32(ptr == 0 ? 0 : len)};
  Value code{};
  p.stage = "execute";
  if (Trap t = store.call(l.execute, args, {&code, 1})) return t;
  p.code = static_cast<int32_t>(code.i32);
  if (l.dealloc && ptr != 0) {
    p.stage = "dealloc";
    const Value dargs[2] = {Value::from_i32(ptr), Value::from_i32(len)};
    if (Trap t = store.call(l.dealloc, dargs, {})) return t;
  }
  p.stage = "";
  return Trap();
}

Expected<std::unique_ptr<WasmPlugin>> load_wasm_plugin(std::span<const uint8_t> bytes,
                                                       WasmPluginOptions options) {
  auto config = nlohmann::json::parse(options.config_json.empty() ? "{}" : options.config_json,
                                      nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object()) {
    return Failure{"the plugin's configuration is not a JSON object"};
  }
  auto module = wasm::Module::compile(plugin_engine(), bytes);
  if (!module) return Failure{"invalid WebAssembly module: " + module.error().to_string()};
  if (auto r = check_exports(**module); !r) return Failure{r.error()};
  auto imports = check_imports(**module);
  if (!imports) return Failure{imports.error()};

  std::unique_ptr<WasmPlugin> plugin(new WasmPlugin(std::move(*module), std::move(options)));
  plugin->context_.config = std::move(config);
  plugin->imports_ = std::move(*imports);
  if (auto r = plugin->instantiate(); !r) return Failure{r.error()};
  return plugin;
}

}  // namespace midimon::plugin
