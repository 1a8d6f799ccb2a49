// Differential test of every path_* call: a pseudo-random sequence (fixed seed) of
// open/stat/set_times/readlink/mkdir/rmdir/unlink/rename/link/symlink on paths made
// from the edge-case tree's names, run through the WASI host on two trees (openat2, the
// walk) and as the same Linux call on a third. After every call the three answers must
// be the same and the three trees must look the same, so the trees change in lockstep and
// later calls meet what earlier ones made. The host is driven from a small WAT module
// (one export per call, paths written into its memory), so thousands of calls take
// seconds. Paths that would leave the preopen lexically are not given to Linux (it would
// leave too); there the host must refuse and change nothing.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/wat_util.h"
#include "tests/wasi/linux_reference.h"
#include "tests/wasi/path_tree.h"
#include "tests/wasi/wasi_harness.h"
#include "wasi/unique_fd.h"

namespace midimon::wasi::test {
namespace {

// Paths go to 1024 (first) and 8192 (second); results: fd at 0, readlink length at 4,
// filestat at 64 (filetype at 80), readlink bytes at 256.
constexpr uint32_t kPath1 = 1024, kPath2 = 8192, kFiletype = 80, kLinkLen = 4, kLinkBuf = 256;
const char* const kDriver = R"((module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "open") (param $len i32) (param $oflags i32) (param $rights i64) (param $follow i32) (result i32)
    (local $e i32)
    ;; fd_filestat_get (1 << 21) is added to read the type
    (local.set $e (call $open (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len) (local.get $oflags)
                             (i64.or (local.get $rights) (i64.const 0x200000)) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (return (local.get $e))))
    (local.set $e (call $fstat (i32.load (i32.const 0)) (i32.const 64)))
    (drop (call $close (i32.load (i32.const 0))))
    (local.get $e))
  (func (export "stat") (param $len i32) (param $follow i32) (result i32)
    (call $stat (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len) (i32.const 64)))
  ;; atim = mtim = 2000-01-01 (fst_flags atim | mtim)
  (func (export "times") (param $len i32) (param $follow i32) (result i32)
    (call $times (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len)
                 (i64.const 946684800000000000) (i64.const 946684800000000000) (i32.const 5)))
  (func (export "readlink") (param $len i32) (result i32)
    (call $readlink (i32.const 3) (i32.const 1024) (local.get $len) (i32.const 256) (i32.const 512) (i32.const 4)))
  (func (export "mkdir") (param $len i32) (result i32) (call $mkdir (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "rmdir") (param $len i32) (result i32) (call $rmdir (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "unlink") (param $len i32) (result i32) (call $unlink (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "rename") (param $len i32) (param $len2 i32) (result i32)
    (call $rename (i32.const 3) (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 8192) (local.get $len2)))
  (func (export "link") (param $len i32) (param $len2 i32) (param $follow i32) (result i32)
    (call $link (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 8192) (local.get $len2)))
  (func (export "symlink") (param $len i32) (param $len2 i32) (result i32)
    (call $symlink (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 8192) (local.get $len2))))
)";

// One WASI host on one tree, with the driver instantiated against it.
class HostedTree {
 public:
  HostedTree(wasm::Engine& engine, const std::shared_ptr<const wasm::Module>& module) : store_(engine) {
    make_path_tree(box_.rw());
    auto host = WasiHost::create(box_.config({"driver"}));
    if (!host) throw std::runtime_error(host.error().message);
    host_ = std::move(*host);
    wasm::Linker linker;
    host_->define(linker, store_);
    auto inst = linker.instantiate(store_, module);
    if (!inst) throw std::runtime_error(inst.error().to_string());
    inst_ = *inst;
    mem_ = inst_->get_memory("memory");
  }
  const Sandbox& box() const { return box_; }

  // Makes `call` (pathcall's form) through the host; answers as pathcall prints.
  std::string call(const std::vector<std::string>& call) {
    const std::string& op = call.at(0);
    auto num = [&](size_t i) { return std::strtoull(call.at(i).c_str(), nullptr, 0); };
    const uint32_t len1 = put(kPath1, call.at(1));
    const uint32_t len2 = call.size() > 2 && (op == "rename" || op == "link" || op == "symlink") ? put(kPath2, call[2]) : 0;
    std::vector<wasm::Value> args;
    if (op == "open") args = {I32(len1), I32(num(2)), wasm::Value::from_i64(num(3)), I32(num(4))};
    else if (op == "stat" || op == "times") args = {I32(len1), I32(num(2))};
    else if (op == "link") args = {I32(len1), I32(len2), I32(num(3))};
    else if (op == "rename" || op == "symlink") args = {I32(len1), I32(len2)};
    else args = {I32(len1)};
    wasm::Value result{};
    wasm::Trap t = store_.call(inst_->get_func(op), args, {&result, 1});
    if (t) return "trap: " + t.message();
    if (result.i32 != 0) return std::to_string(result.i32);
    if (op == "open" || op == "stat") return "0 " + std::to_string(*mem_->view(kFiletype, 1));
    if (op == "readlink") {
      uint32_t n = 0;
      std::memcpy(&n, mem_->view(kLinkLen, 4), 4);
      return "0 " + std::string(reinterpret_cast<const char*>(mem_->view(kLinkBuf, n)), n);
    }
    return "0";
  }

 private:
  static wasm::Value I32(uint64_t v) { return wasm::Value::from_i32(static_cast<uint32_t>(v)); }
  uint32_t put(uint32_t at, const std::string& s) {
    std::memcpy(mem_->view(at, s.size()), s.data(), s.size());
    return static_cast<uint32_t>(s.size());
  }

  Sandbox box_;
  wasm::Store store_;
  std::unique_ptr<WasiHost> host_;
  wasm::Instance* inst_ = nullptr;
  wasm::MemoryInst* mem_ = nullptr;
};

// Random calls. No name ever points upwards or in place: the tree's "up" and "subup" are
// left out and symlink targets hold no ".." and no ".", so counting ".." against names
// tells whether a path leaves.
class CallMaker {
 public:
  explicit CallMaker(uint32_t seed) : rng_(seed) {}
  std::vector<std::string> next() {
    switch (rng_() % 10) {
      case 0: return {"open", path(), pick({"0", "1", "2", "5", "8", "10"}), pick({"0x2", "0x40", "0x42", "0x4002"}), flag()};
      case 1: return {"stat", path(), flag()};
      case 2: return {"times", path(), flag()};
      case 3: return {"readlink", path()};
      case 4: return {"mkdir", path()};
      case 5: return {"rmdir", path()};
      case 6: return {"unlink", path()};
      case 7: return {"rename", path(), path()};
      case 8: return {"link", path(), path(), flag()};
      default: return {"symlink", pick({"file", "dir", "dir/", "missing", "sub/f", "x", "l1"}), path()};
    }
  }

 private:
  std::string path() {
    static const char* const kNames[] = {"file", "dir", "sub", "f", "sl", "dl", "dang", "fslash", "dslash",
                                         "nslash", "l1", "n1", "m", "x", "y", ".", "..", ""};
    static const int kCounts[] = {1, 1, 1, 1, 1, 2, 2, 2, 3, 4};  // short paths succeed more often
    const int count = kCounts[rng_() % std::size(kCounts)];
    std::string p;
    for (int i = 0; i < count; ++i) p += (i ? "/" : "") + std::string(kNames[rng_() % std::size(kNames)]);
    if (rng_() % 4 == 0) p += '/';
    return p;
  }
  std::string flag() { return rng_() % 2 ? "1" : "0"; }
  std::string pick(std::initializer_list<const char*> options) { return *(options.begin() + rng_() % options.size()); }
  std::mt19937 rng_;
};

// Whether `path` is absolute or some prefix of it is above its start, counting names as
// one level down.
bool leaves_lexically(const std::string& path) {
  if (!path.empty() && path.front() == '/') return true;
  int depth = 0;
  for (const std::string& c : [&] {
         std::vector<std::string> parts;
         size_t i = 0;
         while (i <= path.size()) {
           size_t j = path.find('/', i);
           if (j == std::string::npos) j = path.size();
           parts.push_back(path.substr(i, j - i));
           i = j + 1;
         }
         return parts;
       }()) {
    if (c == "..") --depth;
    else if (!c.empty() && c != ".") ++depth;
    if (depth < 0) return true;
  }
  return false;
}

bool succeeded_call(const std::string& answer) { return answer == "0" || answer.rfind("0 ", 0) == 0; }

bool mutates(const std::vector<std::string>& call) {
  const std::string& op = call[0];
  if (op == "stat" || op == "readlink") return false;
  if (op == "open") return call[2] != "0" && call[2] != "2";  // creat or trunc
  return true;
}

TEST(WasiPathOpsParity, RandomCallsAgreeWithLinuxInBothStrategies) {
  if (!openat2_available()) GTEST_SKIP() << "SKIPPED LOUDLY: kernel has no openat2: there is only one strategy, nothing to compare";
  wasm::Engine engine;
  auto module = wasm::Module::compile(engine, midimon::test::wat2wasm(kDriver));
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  CallMaker calls(424242);
  int compared = 0, succeeded = 0, refused_escapes = 0;
  for (int round = 0; round < 8; ++round) {  // fresh trees every round
    HostedTree by_openat2(engine, *module), by_walk(engine, *module);
    Sandbox native;
    make_path_tree(native.rw());
    UniqueFd native_root(::open(native.rw().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(native_root.valid());
    const auto outside_openat2 = by_openat2.box().snapshot(), outside_walk = by_walk.box().snapshot();
    for (int i = 0; i < 250; ++i) {
      const std::vector<std::string> call = calls.next();
      std::string shown;
      for (const std::string& a : call) shown += " \"" + a + "\"";
      SCOPED_TRACE("round " + std::to_string(round) + " call " + std::to_string(i) + ":" + shown);
      force_path_walk_fallback(false);
      const std::string ours = by_openat2.call(call);
      force_path_walk_fallback(true);
      const std::string walked = by_walk.call(call);
      force_path_walk_fallback(false);
      ASSERT_EQ(walked, ours) << "the walk and openat2 differ";
      const bool leaves = leaves_lexically(call[1]) || (call.size() > 2 && call[0] != "open" &&
                                                        call[0] != "stat" && call[0] != "times" &&
                                                        leaves_lexically(call[2]));
      if (leaves) {
        ASSERT_FALSE(succeeded_call(ours)) << "a call leaving the preopen succeeded";
        ++refused_escapes;
      } else {
        ASSERT_EQ(ours, linux_call(native_root.get(), call)) << "Linux answers otherwise";
        ++compared;
        if (succeeded_call(ours)) ++succeeded;
      }
      if (mutates(call)) {
        const auto tree = tree_picture(by_openat2.box().rw());
        ASSERT_EQ(tree_picture(by_walk.box().rw()), tree) << "the walk's tree differs";
        if (!leaves) {
          ASSERT_EQ(tree_picture(native.rw()), tree) << "Linux's tree differs";
        }
      }
    }
    EXPECT_EQ(by_openat2.box().snapshot(), outside_openat2);
    EXPECT_EQ(by_walk.box().snapshot(), outside_walk);
  }
  // The generator must reach every kind of outcome, or this test proves little.
  EXPECT_GT(compared, 1500);
  EXPECT_GT(succeeded, 250);
  EXPECT_GT(refused_escapes, 150);
}

}  // namespace
}  // namespace midimon::wasi::test
