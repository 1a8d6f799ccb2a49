#include "engine_runner.h"

#include <chrono>
#include <fstream>
#include <iterator>

#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::bench {

using namespace midimon::wasm;

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
