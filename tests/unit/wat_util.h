// Test helper: turns WebAssembly text into a binary with Debian's wat2wasm (wabt), so
// unit tests can state modules readably. Test-only; the engine never uses wabt.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace midimon::test {

inline std::vector<uint8_t> wat2wasm(const std::string& wat, const std::string& extra_flags = "") {
  char dir_template[] = "/tmp/midimon-wat-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) throw std::runtime_error("mkdtemp failed");
  const std::string in = std::string(dir) + "/m.wat";
  const std::string out = std::string(dir) + "/m.wasm";
  std::ofstream(in) << wat;
  const std::string cmd = std::string(MIDIMON_WAT2WASM) + " " + extra_flags + " " + in +
                          " -o " + out + " 2>" + dir + "/err.txt";
  const int rc = std::system(cmd.c_str());
  std::ifstream f(out, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string err;
  if (rc != 0) {
    std::ifstream e(std::string(dir) + "/err.txt");
    err.assign((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
  }
  std::system((std::string("rm -rf ") + dir).c_str());
  if (rc != 0) throw std::runtime_error("wat2wasm failed: " + err);
  return bytes;
}

}  // namespace midimon::test
