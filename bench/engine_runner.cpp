#include "engine_runner.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>

#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::bench {

using namespace midimon::wasm;

namespace {

// One compiled and instantiated kernel on an engine of its own.
struct Loaded {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Store> store;
  FuncInst* run = nullptr;
  std::string error;
};

Loaded load_kernel(const std::vector<uint8_t>& bytes, const EngineConfig& config) {
  Loaded l;
  l.engine = std::make_unique<Engine>(config);
  auto module = Module::compile(*l.engine, bytes);
  if (!module) {
    l.error = module.error().to_string();
    return l;
  }
  l.store = std::make_unique<Store>(*l.engine);
  auto instance = l.store->instantiate(*module, {});
  if (!instance) {
    l.error = instance.error().to_string();
    return l;
  }
  l.run = (*instance)->get_func("run");
  if (l.run == nullptr) l.error = "no exported function \"run\"";
  return l;
}

// Times one call of run(n); false (error in t) on a trap.
bool time_call(Loaded& l, int n, Timing& t) {
  Value arg = Value::from_i32(static_cast<uint32_t>(n));
  Value result{};
  auto start = std::chrono::steady_clock::now();
  Trap trap = l.store->call(l.run, {&arg, 1}, {&result, 1});
  auto end = std::chrono::steady_clock::now();
  if (trap) {
    t.error = "trap: " + trap.message();
    return false;
  }
  t.checksum = static_cast<int>(result.i32);
  t.ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  return true;
}

}  // namespace

LimitTimings run_limit_modes(const std::string& wasm_file, int n, int repeat, bool jit) {
  LimitTimings out;
  std::ifstream in(wasm_file, std::ios::binary);
  if (!in) {
    out.plain.error = out.fuel.error = out.deadline.error = "cannot read " + wasm_file;
    return out;
  }
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EngineConfig plain_config, fuel_config, deadline_config;
  plain_config.jit = fuel_config.jit = deadline_config.jit = jit;
  fuel_config.fuel_metering = true;
  deadline_config.deadline_checks = true;
  Loaded modes[3] = {load_kernel(bytes, plain_config), load_kernel(bytes, fuel_config),
                     load_kernel(bytes, deadline_config)};
  Timing* timings[3] = {&out.plain, &out.fuel, &out.deadline};
  bool ok[3];
  for (int m = 0; m < 3; ++m) {
    timings[m]->error = modes[m].error;
    ok[m] = modes[m].error.empty();
  }
  if (ok[2]) (void)modes[2].store->set_timeout(std::chrono::hours(1));
  for (int i = 0; i < repeat; ++i) {
    for (int m = 0; m < 3; ++m) {
      // Refilled before each call so every repetition does the same work.
      if (m == 1 && ok[1]) (void)modes[1].store->set_fuel(UINT64_MAX);
      if (ok[m]) ok[m] = time_call(modes[m], n, *timings[m]);
    }
  }
  for (int m = 0; m < 3; ++m) timings[m]->ok = ok[m];
  return out;
}

Timing run_on_engine(const std::string& wasm_file, int n, int repeat) {
  Timing t;
  std::ifstream in(wasm_file, std::ios::binary);
  if (!in) {
    t.error = "cannot read " + wasm_file;
    return t;
  }
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  Engine engine;
  auto module = Module::compile(engine, bytes);
  if (!module) {
    t.error = module.error().to_string();
    return t;
  }
  Store store(engine);
  auto instance = store.instantiate(*module, {});
  if (!instance) {
    t.error = instance.error().to_string();
    return t;
  }
  FuncInst* run = (*instance)->get_func("run");
  if (run == nullptr) {
    t.error = "no exported function \"run\"";
    return t;
  }
  for (int i = 0; i < repeat; ++i) {
    Value arg = Value::from_i32(static_cast<uint32_t>(n));
    Value result{};
    auto start = std::chrono::steady_clock::now();
    Trap trap = store.call(run, {&arg, 1}, {&result, 1});
    auto end = std::chrono::steady_clock::now();
    if (trap) {
      t.error = "trap: " + trap.message();
      return t;
    }
    t.checksum = static_cast<int>(result.i32);
    t.ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  t.ok = true;
  return t;
}

}  // namespace midimon::bench
