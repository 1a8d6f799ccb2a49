// Wild guest pointers and lengths: every WASI function that takes a pointer answers
// EFAULT (21), the host never crashes, nothing is created, and a fresh store still runs
// guests normally. The module is WAT so the exact arguments are visible here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/wat_util.h"
#include "tests/wasi/wasi_harness.h"

namespace midimon::wasi::test {
namespace {

struct Case {
  const char* func;    // import name
  const char* params;  // i / I per parameter
  const char* args;    // WAT constants, in order
};

// W = 0xFFFFFFF0 (wild), H = huge counts. Memory: one page; at 0 an iovec {W, 0x100},
// at 16 a valid iovec {64, 8}, at 128 the path "inside.txt", at 144 "wildnew.txt",
// at 256 a valid clock subscription. fd 0/1 are stdio, fd 3 the read-write preopen.
const Case kCases[] = {
    {"args_get", "ii", "(i32.const 0xFFFFFFF0) (i32.const 0)"},
    {"args_get", "ii", "(i32.const 0) (i32.const 0xFFFFFFF0)"},
    {"args_sizes_get", "ii", "(i32.const 0xFFFFFFF0) (i32.const 0)"},
    {"args_sizes_get", "ii", "(i32.const 0) (i32.const 65535)"},
    {"environ_get", "ii", "(i32.const 0xFFFFFFF0) (i32.const 0xFFFFFFF0)"},
    {"environ_sizes_get", "ii", "(i32.const 0xFFFFFFF0) (i32.const 0)"},
    {"clock_res_get", "ii", "(i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"clock_time_get", "iIi", "(i32.const 1) (i64.const 0) (i32.const 65532)"},
    {"random_get", "ii", "(i32.const 0xFFFFFFF0) (i32.const 0x100)"},
    {"random_get", "ii", "(i32.const 0) (i32.const 0x10001)"},
    {"fd_write", "iiii", "(i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 512)"},
    {"fd_write", "iiii", "(i32.const 1) (i32.const 0) (i32.const 1) (i32.const 512)"},
    {"fd_write", "iiii", "(i32.const 1) (i32.const 16) (i32.const 0x20000000) (i32.const 512)"},
    {"fd_write", "iiii", "(i32.const 1) (i32.const 16) (i32.const 0xFFFFFFFF) (i32.const 512)"},
    {"fd_write", "iiii", "(i32.const 1) (i32.const 16) (i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"fd_read", "iiii", "(i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 512)"},
    {"fd_read", "iiii", "(i32.const 0) (i32.const 0) (i32.const 1) (i32.const 512)"},
    {"fd_read", "iiii", "(i32.const 0) (i32.const 16) (i32.const 0x7FFFFFFF) (i32.const 512)"},
    {"fd_read", "iiii", "(i32.const 0) (i32.const 16) (i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"fd_pread", "iiiIi", "(i32.const 0) (i32.const 0) (i32.const 1) (i64.const 0) (i32.const 512)"},
    {"fd_pwrite", "iiiIi", "(i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 1) (i64.const 0) (i32.const 512)"},
    {"fd_fdstat_get", "ii", "(i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"fd_filestat_get", "ii", "(i32.const 3) (i32.const 65500)"},
    {"fd_prestat_get", "ii", "(i32.const 3) (i32.const 0xFFFFFFF0)"},
    {"fd_prestat_dir_name", "iii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 3)"},
    {"fd_prestat_dir_name", "iii", "(i32.const 3) (i32.const 65530) (i32.const 0x100)"},
    {"fd_readdir", "iiiIi", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 0x100) (i64.const 0) (i32.const 512)"},
    {"fd_readdir", "iiiIi", "(i32.const 3) (i32.const 1024) (i32.const 0x100) (i64.const 0) (i32.const 0xFFFFFFF0)"},
    {"fd_seek", "iIii", "(i32.const 1) (i64.const 0) (i32.const 0) (i32.const 0xFFFFFFF0)"},
    {"fd_tell", "ii", "(i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"path_create_directory", "iii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 0x100)"},
    {"path_create_directory", "iii", "(i32.const 3) (i32.const 128) (i32.const 0xFFFFFFFF)"},
    {"path_filestat_get", "iiiii", "(i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 512)"},
    {"path_filestat_get", "iiiii", "(i32.const 3) (i32.const 0) (i32.const 128) (i32.const 10) (i32.const 0xFFFFFFF0)"},
    {"path_filestat_set_times", "iiiiIIi", "(i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 10) (i64.const 0) (i64.const 0) (i32.const 0)"},
    {"path_link", "iiiiiii", "(i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 3) (i32.const 144) (i32.const 11)"},
    {"path_link", "iiiiiii", "(i32.const 3) (i32.const 0) (i32.const 128) (i32.const 10) (i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 11)"},
    {"path_open", "iiiiiIIii", "(i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 512)"},
    // Would create wildnew.txt, but the result pointer is wild: refused before any effect.
    {"path_open", "iiiiiIIii", "(i32.const 3) (i32.const 0) (i32.const 144) (i32.const 11) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0xFFFFFFF0)"},
    {"path_readlink", "iiiiii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 1024) (i32.const 64) (i32.const 512)"},
    {"path_readlink", "iiiiii", "(i32.const 3) (i32.const 128) (i32.const 10) (i32.const 0xFFFFFFF0) (i32.const 64) (i32.const 512)"},
    {"path_readlink", "iiiiii", "(i32.const 3) (i32.const 128) (i32.const 10) (i32.const 1024) (i32.const 64) (i32.const 0xFFFFFFF0)"},
    {"path_remove_directory", "iii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 10)"},
    {"path_rename", "iiiiii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 3) (i32.const 144) (i32.const 11)"},
    {"path_rename", "iiiiii", "(i32.const 3) (i32.const 128) (i32.const 10) (i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 11)"},
    {"path_symlink", "iiiii", "(i32.const 0xFFFFFFF0) (i32.const 10) (i32.const 3) (i32.const 144) (i32.const 11)"},
    {"path_symlink", "iiiii", "(i32.const 128) (i32.const 10) (i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 11)"},
    {"path_unlink_file", "iii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 10)"},
    {"poll_oneoff", "iiii", "(i32.const 0xFFFFFFF0) (i32.const 512) (i32.const 1) (i32.const 1024)"},
    {"poll_oneoff", "iiii", "(i32.const 256) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 1024)"},
    {"poll_oneoff", "iiii", "(i32.const 256) (i32.const 512) (i32.const 0x10000000) (i32.const 1024)"},
    {"poll_oneoff", "iiii", "(i32.const 256) (i32.const 512) (i32.const 1) (i32.const 0xFFFFFFF0)"},
    {"sock_accept", "iii", "(i32.const 3) (i32.const 0) (i32.const 0xFFFFFFF0)"},
    {"sock_recv", "iiiiii", "(i32.const 3) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 0) (i32.const 512) (i32.const 516)"},
    {"sock_recv", "iiiiii", "(i32.const 3) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 516)"},
    {"sock_send", "iiiii", "(i32.const 3) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 512)"},
    {"sock_send", "iiiii", "(i32.const 3) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 0xFFFFFFF0)"},
};

std::string wat_type(const char* params) {
  std::string t = "(param";
  for (const char* p = params; *p; ++p) t += *p == 'I' ? " i64" : " i32";
  return t + ") (result i32)";
}

std::string module_for(const Case& c, bool with_memory) {
  std::string w = "(module\n";
  w += std::string("  (import \"wasi_snapshot_preview1\" \"") + c.func + "\" (func $f " + wat_type(c.params) + "))\n";
  if (with_memory) {
    w += "  (memory 1)\n"
         "  (data (i32.const 0) \"\\f0\\ff\\ff\\ff\\00\\01\\00\\00\")\n"
         "  (data (i32.const 16) \"\\40\\00\\00\\00\\08\\00\\00\\00\")\n"
         "  (data (i32.const 128) \"inside.txt\")\n"
         "  (data (i32.const 144) \"wildnew.txt\")\n"
         // subscription: userdata 7, tag clock, id monotonic, timeout 1 ns
         "  (data (i32.const 256) \"\\07\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00"
         "\\01\\00\\00\\00\\00\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00\\00\")\n";
  }
  w += std::string("  (func (export \"run\") (result i32) (call $f ") + c.args + ")))\n";
  return w;
}

TEST(WasiPointers, WildPointersAndLengthsAreEfault) {
  Sandbox box;
  auto before = box.snapshot();
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.func) + " " + c.args);
    WasiConfig config = box.config({"prog", "arg"});
    config.env = {"A=B"};
    config.stdin_bytes = "stdin";
    RunOut r = run_module(midimon::test::wat2wasm(module_for(c, true)), std::move(config), "run");
    ASSERT_TRUE(r.loaded) << r.trap;
    EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;
  }
  // The results: each module is rerun to read its return value.
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.func) + " " + c.args);
    wasm::Engine engine;
    auto module = wasm::Module::compile(engine, midimon::test::wat2wasm(module_for(c, true)));
    ASSERT_TRUE(module.ok());
    WasiConfig config = box.config({"prog", "arg"});
    config.env = {"A=B"};
    auto host = WasiHost::create(std::move(config));
    ASSERT_TRUE(host.ok());
    wasm::Store store(engine);
    wasm::Linker linker;
    (*host)->define(linker, store);
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.ok());
    wasm::Value result{};
    wasm::Trap t = store.call((*inst)->get_func("run"), {}, {&result, 1});
    EXPECT_TRUE(t.ok()) << t.message();
    EXPECT_EQ(result.i32, 21u);
  }
  EXPECT_FALSE(fs::exists(box.rw() / "wildnew.txt"));
  EXPECT_EQ(box.snapshot(), before);
  // A fresh store afterwards runs a real guest normally.
  RunOut ok = run_guest("workout", box.config({"w", "env"}));
  EXPECT_EQ(ok.kind, wasm::TrapKind::None) << ok.trap;
  EXPECT_EQ(ok.out.substr(0, 7), "argc 2\n");
}

TEST(WasiPointers, NoMemoryMeansEfaultButPointerFreeCallsWork) {
  const Case with_ptr{"fd_write", "iiii", "(i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)"};
  const Case without_ptr{"fd_close", "i", "(i32.const 99)"};
  const Case yield{"sched_yield", "", ""};
  for (const auto& [c, want] : {std::pair{with_ptr, 21u}, std::pair{without_ptr, 8u}, std::pair{yield, 0u}}) {
    wasm::Engine engine;
    auto module = wasm::Module::compile(engine, midimon::test::wat2wasm(module_for(c, false)));
    ASSERT_TRUE(module.ok());
    auto host = WasiHost::create({});
    ASSERT_TRUE(host.ok());
    wasm::Store store(engine);
    wasm::Linker linker;
    (*host)->define(linker, store);
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.ok());
    wasm::Value result{};
    wasm::Trap t = store.call((*inst)->get_func("run"), {}, {&result, 1});
    EXPECT_TRUE(t.ok()) << t.message();
    EXPECT_EQ(result.i32, want) << c.func;
  }
}

TEST(WasiPointers, SocketsAndSignalsAreRefused) {
  const std::pair<Case, uint32_t> cases[] = {
      {{"sock_shutdown", "ii", "(i32.const 1) (i32.const 3)"}, 57},   // ENOTSOCK
      {{"sock_shutdown", "ii", "(i32.const 77) (i32.const 3)"}, 8},   // EBADF
      {{"sock_accept", "iii", "(i32.const 3) (i32.const 0) (i32.const 512)"}, 57},
      {{"sock_send", "iiiii", "(i32.const 1) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 512)"}, 57},
      {{"proc_raise", "i", "(i32.const 9)"}, 52},                     // ENOSYS
      {{"poll_oneoff", "iiii", "(i32.const 256) (i32.const 512) (i32.const 1) (i32.const 1024)"}, 0},
      {{"poll_oneoff", "iiii", "(i32.const 256) (i32.const 512) (i32.const 0) (i32.const 1024)"}, 28},
      {{"clock_time_get", "iIi", "(i32.const 9) (i64.const 0) (i32.const 512)"}, 28},
      {{"fd_seek", "iIii", "(i32.const 1) (i64.const 0) (i32.const 0) (i32.const 512)"}, 70},  // ESPIPE
      {{"fd_prestat_get", "ii", "(i32.const 5) (i32.const 512)"}, 8},
  };
  Sandbox box;
  for (const auto& [c, want] : cases) {
    wasm::Engine engine;
    auto module = wasm::Module::compile(engine, midimon::test::wat2wasm(module_for(c, true)));
    ASSERT_TRUE(module.ok());
    auto host = WasiHost::create(box.config({}));
    ASSERT_TRUE(host.ok());
    wasm::Store store(engine);
    wasm::Linker linker;
    (*host)->define(linker, store);
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.ok());
    wasm::Value result{};
    wasm::Trap t = store.call((*inst)->get_func("run"), {}, {&result, 1});
    EXPECT_TRUE(t.ok()) << t.message();
    EXPECT_EQ(result.i32, want) << c.func << " " << c.args;
  }
}

}  // namespace
}  // namespace midimon::wasi::test
