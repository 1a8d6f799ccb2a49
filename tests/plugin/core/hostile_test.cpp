// Hostile plugins: each is a clear error (at load, at init or for its call) while a
// second, well-behaved plugin loaded beside it keeps working.
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

class HostilePlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    WasmPluginOptions o;
    o.grants.add(Capability::Midi);
    good_ = load_probe(good_rec_, o);
    ASSERT_TRUE(good_);
  }
  // The bystander still serves calls (its instance untouched: the count goes on).
  void TearDown() override {
    if (!good_) return;
    CallResult r = good_->execute(action("count"));
    EXPECT_EQ(r.code, ++good_count_) << describe(r);
    CallResult m = good_->execute(action("midi"));
    EXPECT_EQ(m.status, CallResult::Status::Ok) << describe(m);
  }
  std::string load_error(const WatPlugin& w) {
    auto p = load_wasm_plugin(w.bytes(), options_for(rec_));
    EXPECT_FALSE(p.ok()) << "a hostile module loaded";
    return p.ok() ? "" : p.error();
  }
  std::string init_error(const WatPlugin& w) {
    auto p = load_wasm_plugin(w.bytes(), options_for(rec_));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
    if (!p.ok()) return "";
    auto r = (*p)->init();
    EXPECT_FALSE(r.ok()) << "init accepted hostile metadata";
    // A call on a plugin whose init fails is an error too, never a crash.
    CallResult c = (*p)->execute(action("x"));
    EXPECT_EQ(c.status, CallResult::Status::Error) << describe(c);
    return r.ok() ? "" : r.error();
  }
  Recorder rec_, good_rec_;
  std::unique_ptr<WasmPlugin> good_;
  int good_count_ = 0;
};

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "in: " << (haystack)

TEST_F(HostilePlugin, InitReturnsOutOfRangePointer) {
  WatPlugin w;
  w.init = "(func (export \"init\") (result i64) (i64.const 0xFFFF000000000010))";  // ptr 0xffff0000, len 16
  const std::string e = init_error(w);
  EXPECT_HAS(e, "init returned metadata at 0xffff0000 (16 bytes), outside the plugin's 65536-byte memory");
}

TEST_F(HostilePlugin, InitReturns4GiBLength) {
  WatPlugin w;
  w.init = "(func (export \"init\") (result i64) (i64.const 0x00000000FFFFFFFF))";
  const std::string e = init_error(w);
  EXPECT_HAS(e, "metadata length of 4294967295 bytes, over the 65536-byte cap");
}

TEST_F(HostilePlugin, InitPointerPlusLengthWrapsAround) {
  WatPlugin w;
  w.init = "(func (export \"init\") (result i64) (i64.const 0xFFFFFF0000001000))";  // near 4 GiB + 4 KiB
  EXPECT_HAS(init_error(w), "outside the plugin's");
}

TEST_F(HostilePlugin, MetadataNotJson) {
  WatPlugin w;
  w.metadata = "name = probe";
  EXPECT_HAS(init_error(w), "metadata is not valid JSON at byte 1 (of 12)");  // "na" is not "null"
}

TEST_F(HostilePlugin, MetadataNotUtf8) {
  WatPlugin w;
  w.metadata = "{\"name\":\"bad \xff name\"}";
  EXPECT_HAS(init_error(w), "metadata is not valid UTF-8 at byte 13");
}

TEST_F(HostilePlugin, MetadataMissingField) {
  WatPlugin w;
  w.metadata = R"({"name":"n","version":"1","description":"d","author":"a","type":"action"})";
  EXPECT_HAS(init_error(w), "metadata: missing required field \"license\"");
}

TEST_F(HostilePlugin, AllocReturnsPointerWhereTheRequestDoesNotFit) {
  WatPlugin w;
  w.alloc = "(func (export \"alloc\") (param i32) (result i32) (i32.const 0xFFF0))";  // 16 bytes before the end
  auto p = load_wasm_plugin(w.bytes(), options_for(rec_));
  ASSERT_TRUE(p.ok()) << p.error();
  CallResult r = (*p)->execute(action("x"));
  EXPECT_EQ(r.status, CallResult::Status::Error) << describe(r);
  EXPECT_HAS(r.message, "alloc returned 0xfff0 for a");
  EXPECT_HAS(r.message, "does not fit the plugin's 65536-byte memory");
}

TEST_F(HostilePlugin, MissingExports) {
  WatPlugin no_execute;
  no_execute.execute = "";
  EXPECT_HAS(load_error(no_execute), "missing export \"execute\" (func (i32, i32) -> (i32))");
  WatPlugin no_memory;
  no_memory.memory = "(memory 1)";
  EXPECT_HAS(load_error(no_memory), "missing export \"memory\"");
  WatPlugin no_alloc;
  no_alloc.alloc = "";
  EXPECT_HAS(load_error(no_alloc), "missing export \"alloc\"");
}

TEST_F(HostilePlugin, ExportsWithWrongSignatures) {
  WatPlugin w;
  w.execute = "(func (export \"execute\") (param i32) (result i32) (i32.const 0))";
  EXPECT_HAS(load_error(w), "export \"execute\" has type (i32) -> (i32), expected (i32, i32) -> (i32)");
  WatPlugin i;
  i.init = "(func (export \"init\") (result i32) (i32.const 0))";
  EXPECT_HAS(load_error(i), "export \"init\" has type () -> (i32), expected () -> (i64)");
  WatPlugin d;
  d.extra = "(func (export \"dealloc\") (param i32) (result i32) (i32.const 0))";
  EXPECT_HAS(load_error(d), "export \"dealloc\" has type (i32) -> (i32), expected (i32, i32) -> ()");
  WatPlugin g;
  g.alloc = "(global (export \"alloc\") i32 (i32.const 0))";
  EXPECT_HAS(load_error(g), "export \"alloc\" is a global, not a function");
}

TEST_F(HostilePlugin, UnknownImportName) {
  WatPlugin w;
  w.imports = "(import \"midimon\" \"format_disk\" (func (param i32) (result i32)))";
  EXPECT_HAS(load_error(w), "unknown import \"midimon\" \"format_disk\" (func (i32) -> (i32))");
}

TEST_F(HostilePlugin, UnknownImportSignature) {
  WatPlugin w;
  w.imports = "(import \"midimon\" \"send_midi\" (func (param i32) (result i32)))";
  EXPECT_HAS(load_error(w), "import \"midimon\" \"send_midi\" has type (i32) -> (i32), but the host offers (i32, i32) -> (i32)");
}

TEST_F(HostilePlugin, UnknownImportModule) {
  WatPlugin w;
  w.imports = "(import \"env\" \"memcpy\" (func (param i32 i32 i32) (result i32)))";
  EXPECT_HAS(load_error(w), "unknown import \"env\" \"memcpy\" (func (i32, i32, i32) -> (i32))");
}

TEST_F(HostilePlugin, UnknownWasiImports) {
  WatPlugin name;
  name.imports = "(import \"wasi_snapshot_preview1\" \"sock_open\" (func (param i32) (result i32)))";
  EXPECT_HAS(load_error(name), "import \"wasi_snapshot_preview1\" \"sock_open\" (func (i32) -> (i32)) is not offered by the host");
  WatPlugin sig;
  sig.imports = "(import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32) (result i32)))";
  EXPECT_HAS(load_error(sig), "import \"wasi_snapshot_preview1\" \"fd_write\" (func (i32) -> (i32)) is not offered by the host");
}

TEST_F(HostilePlugin, ImportedMemoryIsNotOffered) {
  WatPlugin w;
  w.imports = "(import \"env\" \"memory\" (memory 1))";
  w.memory = "";
  w.extra = "(export \"memory\" (memory 0))";
  EXPECT_HAS(load_error(w), "import \"env\" \"memory\" (memory) is not offered by the host");
}

TEST_F(HostilePlugin, SendMidiWildPointer) {
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Midi);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("midi_wild"));
  EXPECT_EQ(r.code, -21) << describe(r);
  EXPECT_TRUE(rec.midi.empty());
}

TEST_F(HostilePlugin, SendMidiRunningStatus) {
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Midi);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("midi_running"));
  EXPECT_EQ(r.code, -28) << describe(r);
  EXPECT_TRUE(rec.midi.empty());
  EXPECT_EQ(rec.count_logs({"send_midi refused", "running status", "at byte 3"}), 1u) << rec.all_logs();
  // SysEx is whole messages: accepted.
  EXPECT_EQ(p->execute(action("midi_sysex")).code, 0);
  EXPECT_EQ(rec.midi.size(), 1u);
}

// A plugin calling log in a tight loop: limited to the burst, the rest counted (not
// stored), and one line reports the drops once time lets lines through again.
TEST_F(HostilePlugin, LogInATightLoop) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  WatPlugin w;
  w.imports = "(import \"midimon\" \"log\" (func $log (param i32 i32 i32) (result i32)))";
  // Logs "spam" 100,000 times; returns how many calls came back -6 (dropped).
  w.execute = R"((func (export "execute") (param i32 i32) (result i32) (local $i i32) (local $dropped i32)
      (loop $l
        (if (i32.eq (call $log (i32.const 2) (i32.const 1024) (i32.const 4)) (i32.const -6))
          (then (local.set $dropped (i32.add (local.get $dropped) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
      (local.get $dropped)))";
  WasmPluginOptions o = options_for(rec_);
  o.log_clock = [&now] { return now; };
  auto p = load_wasm_plugin(w.bytes(), o);
  ASSERT_TRUE(p.ok()) << p.error();
  CallResult r = (*p)->execute(action("x"));
  EXPECT_EQ(r.status, CallResult::Status::Failed) << describe(r);
  EXPECT_EQ(r.code, 100000 - 200) << "all but the burst of 200 dropped";
  EXPECT_EQ(rec_.logs.size(), 200u);
  EXPECT_EQ((*p)->dropped_log_lines(), 99800u);
  // A second later 100 more lines get through, the first of them after the drop report.
  now += std::chrono::seconds(1);
  r = (*p)->execute(action("x"));
  EXPECT_EQ(r.code, 100000 - 100);
  EXPECT_EQ(rec_.count_logs({"log rate limit: 99800 lines were dropped"}), 1u);
  EXPECT_EQ(rec_.logs.size(), 200u + 1u + 100u);
}

TEST_F(HostilePlugin, LogForeverEndsByFuel) {
  WatPlugin w;
  w.imports = "(import \"midimon\" \"log\" (func $log (param i32 i32 i32)))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (loop $l (call $log (i32.const 4) (i32.const 1024) (i32.const 4)) (br $l))
      (i32.const 0)))";
  WasmPluginOptions o = options_for(rec_);
  o.limits.fuel = 2'000'000;
  const auto frozen = std::chrono::steady_clock::now();
  o.log_clock = [frozen] { return frozen; };  // no refill: exactly the burst gets through
  auto p = load_wasm_plugin(w.bytes(), o);
  ASSERT_TRUE(p.ok()) << p.error();
  CallResult r = (*p)->execute(action("x"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped) << describe(r);
  EXPECT_HAS(r.message, "fuel exhausted");
  EXPECT_EQ(rec_.logs.size(), 200u) << "the burst; the trap line is over the limit too";
  EXPECT_GT((*p)->dropped_log_lines(), 1000u);
}

TEST_F(HostilePlugin, LogWithWildPointer) {
  WatPlugin w;
  w.imports = "(import \"midimon\" \"log\" (func $log (param i32 i32 i32) (result i32)))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (call $log (i32.const 2) (i32.const 0xFFFFFFF0) (i32.const 100))))";
  auto p = load_wasm_plugin(w.bytes(), options_for(rec_));
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ((*p)->execute(action("x")).code, -21);
}

TEST_F(HostilePlugin, ProcExitIsATrapAndTheNextCallWorks) {
  WatPlugin w;
  w.imports = "(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (if (i32.eqz (i32.load (i32.const 2048))) (then (i32.store (i32.const 2048) (i32.const 1)) (call $exit (i32.const 3))))
      (i32.const 0)))";
  auto p = load_wasm_plugin(w.bytes(), options_for(rec_));
  ASSERT_TRUE(p.ok()) << p.error();
  CallResult r = (*p)->execute(action("x"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped);
  EXPECT_HAS(r.message, "proc_exit(3)");
  // A fresh instance's memory is fresh too: it exits again. That is its business.
  EXPECT_EQ((*p)->execute(action("x")).status, CallResult::Status::Trapped);
}

}  // namespace
}  // namespace midimon::plugin::test
