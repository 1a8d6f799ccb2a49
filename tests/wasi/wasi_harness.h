// Test helpers: run a WASI guest through WasiHost + Linker + Store, and build a scratch
// directory tree (read-write and read-only preopens, plus "outside" files that must
// never change).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "wasi/wasi.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/module.h"

namespace midimon::wasi::test {

namespace fs = std::filesystem;

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
inline std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
inline void write_text(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

inline std::string guest(const std::string& name) {
  return std::string(MIDIMON_WASI_GUEST_DIR) + "/" + name + ".wasm";
}

struct RunOut {
  wasm::TrapKind kind = wasm::TrapKind::None;
  int exit_code = 0;  // 0 when _start returned normally
  std::string out, err, trap;
  bool loaded = false;
};

// Runs `entry` of an already compiled module (tests running one guest many times compile
// it once).
inline RunOut run_compiled(wasm::Engine& engine, const std::shared_ptr<const wasm::Module>& module,
                           WasiConfig config, const std::string& entry = "_start") {
  RunOut r;
  config.stdout_cb = [&r](std::string_view s) { r.out.append(s); };
  config.stderr_cb = [&r](std::string_view s) { r.err.append(s); };
  auto host = WasiHost::create(std::move(config));
  if (!host) { r.trap = "create: " + host.error().message; return r; }
  wasm::Store store(engine);
  wasm::Linker linker;
  (*host)->define(linker, store);
  auto inst = linker.instantiate(store, module);
  if (!inst) { r.trap = "instantiate: " + inst.error().to_string(); return r; }
  wasm::FuncInst* f = (*inst)->get_func(entry);
  if (!f) { r.trap = "no export " + entry; return r; }
  r.loaded = true;
  std::vector<wasm::Value> results(f->type->results.size());
  wasm::Trap t = store.call(f, {}, results);
  r.kind = t.kind;
  if (t.kind == wasm::TrapKind::Exit) r.exit_code = t.exit_code;
  else if (t) r.trap = t.message();
  return r;
}

inline RunOut run_module(const std::vector<uint8_t>& bytes, WasiConfig config,
                         const std::string& entry = "_start") {
  wasm::Engine engine;
  auto module = wasm::Module::compile(engine, bytes);
  if (!module) {
    RunOut r;
    r.trap = "compile: " + module.error().to_string();
    return r;
  }
  return run_compiled(engine, *module, std::move(config), entry);
}

inline RunOut run_guest(const std::string& name, WasiConfig config) {
  return run_module(read_bytes(guest(name)), std::move(config));
}

// root/rw (read-write preopen "/rw"), root/ro (read-only "/ro"), and around them files
// that must never change: root/outside.txt, root/outdir/, root/outside/secret.txt.
class Sandbox {
 public:
  Sandbox() {
    char tmpl[] = "/tmp/midimon-wasi-XXXXXX";
    root_ = mkdtemp(tmpl);
    fs::create_directories(root_ / "rw" / "sub");
    fs::create_directories(root_ / "ro" / "dir");
    fs::create_directories(root_ / "outdir");
    fs::create_directories(root_ / "outside");
    write_text(root_ / "rw" / "inside.txt", "inside\n");
    write_text(root_ / "ro" / "input.txt", "read-only input\n");
    write_text(root_ / "outside.txt", "OUTSIDE\n");
    write_text(root_ / "outside" / "secret.txt", "OUTSIDE secret\n");
    fs::create_symlink(root_ / "outside.txt", root_ / "outlink");
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }
  fs::path rw() const { return root_ / "rw"; }
  fs::path ro() const { return root_ / "ro"; }

  WasiConfig config(std::vector<std::string> args) const {
    WasiConfig c;
    c.args = std::move(args);
    c.preopens.push_back({rw().string(), "/rw", false});
    c.preopens.push_back({ro().string(), "/ro", true});
    return c;
  }

  // Everything except the read-write preopen: paths, types, contents, link targets,
  // modification times. Compared before and after a hostile guest.
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> m;
    for (auto it = fs::recursive_directory_iterator(root_); it != fs::recursive_directory_iterator(); ++it) {
      const fs::path rel = fs::relative(it->path(), root_);
      if (*rel.begin() == "rw") { it.disable_recursion_pending(); continue; }
      std::string v;
      if (it->is_symlink()) v = "link:" + fs::read_symlink(it->path()).string();
      else if (it->is_directory()) v = "dir";
      else v = "file:" + read_text(it->path());
      if (!it->is_symlink())
        v += ":" + std::to_string(fs::last_write_time(it->path()).time_since_epoch().count());
      m[rel.string()] = v;
    }
    return m;
  }

 private:
  fs::path root_;
};

}  // namespace midimon::wasi::test
