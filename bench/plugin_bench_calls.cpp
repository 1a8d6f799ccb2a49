// Loads one example plugin and calls `execute` N times with the benchmark request, for
// counting instructions per call under callgrind (bench/plugin_bench_callgrind.sh runs it
// with two values of N and divides the difference). Prints the fuel the last call used
// (the guest's WebAssembly instructions). Exit 1 if a call does not return 0.
//
//   plugin_bench_calls PLUGINS_DIR NAME ACTION N
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "plugin_bench_request.h"
#include "plugin/wasm_plugin.h"

int main(int argc, char** argv) {
  using namespace midimon::plugin;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PLUGINS_DIR NAME ACTION N\n", argv[0]);
    return 2;
  }
  const std::string file = std::string(argv[1]) + "/" + argv[2] + "/" + argv[2] + ".wasm";
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  NullHostServices services;
  WasmPluginOptions options;
  options.services = &services;
  auto plugin = load_wasm_plugin(bytes, options);
  if (!plugin) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), plugin.error().c_str());
    return 2;
  }
  if (auto init = (*plugin)->init(); !init) {
    std::fprintf(stderr, "%s: init: %s\n", file.c_str(), init.error().c_str());
    return 2;
  }
  ActionRequest request = midimon::bench::plugin_bench_request();
  request.action = argv[3];
  const long calls = std::strtol(argv[4], nullptr, 10);
  uint64_t fuel_used = 0;
  for (long i = 0; i < calls; ++i) {
    CallResult r = (*plugin)->execute(request);
    if (!r.ok()) {
      std::fprintf(stderr, "call %ld: %s (code %d)\n", i, r.message.c_str(), r.code);
      return 1;
    }
    fuel_used = r.fuel_used;
  }
  std::printf("fuel_used=%llu\n", static_cast<unsigned long long>(fuel_used));
  return 0;
}
