// ABI v1 details: the exact request bytes, the null-alloc rule, dealloc, lazy init.
#include "plugin/request_json.h"
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

TEST(PluginAbi, TheRequestArrivesAsRequestJson) {
  Recorder rec;
  WatPlugin w;
  w.imports = "(import \"midimon\" \"log\" (func $log (param i32 i32 i32)))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (call $log (i32.const 2) (local.get 0) (local.get 1)) (i32.const 0)))";
  auto p = load_wasm_plugin(w.bytes(), options_for(rec));
  ASSERT_TRUE(p.ok()) << p.error();
  ActionRequest req = action("greet", R"({"who":"world"})");
  req.context.velocity = 100;
  req.context.note = 60;
  req.context.current_mode = 2;
  req.context.metadata = {{"name", "Ada"}};
  req.parameters = std::vector<std::string>{"a", "b"};
  CallResult r = (*p)->execute(req);
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(rec.logs.size(), 1u);
  EXPECT_EQ(rec.logs[0].text,
            R"({"action":"greet","context":{"velocity":100,"note":60,"cc":null,"value":null,)"
            R"("current_mode":2,"timestamp":1700000000000,"metadata":{"name":"Ada"}},)"
            R"("params":{"who":"world"},"parameters":["a","b"]})");
  EXPECT_EQ(rec.logs[0].plugin, "wat");
  EXPECT_EQ(rec.logs[0].level, LogLevel::Info);
}

TEST(PluginAbi, NullAllocMeansTakesNoInput) {
  WatPlugin w;
  w.alloc = "(func (export \"alloc\") (param i32) (result i32) (i32.const 0))";
  // 0 only for execute(0, 0), as MIDIMon's minimal plugin expects to be called.
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (i32.or (local.get 0) (local.get 1))))";
  auto p = load_wasm_plugin(w.bytes(), {});
  ASSERT_TRUE(p.ok()) << p.error();
  CallResult r = (*p)->execute(action("anything"));
  EXPECT_EQ(r.status, CallResult::Status::Ok) << describe(r);
  EXPECT_TRUE((*p)->initialized()) << "execute runs init first when nobody has";
}

TEST(PluginAbi, DeallocGetsThePointerAndLengthAfterExecute) {
  WatPlugin w;
  // dealloc records its arguments at 2048/2052; execute returns the last recorded length.
  w.extra = R"((func (export "dealloc") (param i32 i32)
      (i32.store (i32.const 2048) (local.get 0)) (i32.store (i32.const 2052) (local.get 1))))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (if (i32.ne (local.get 0) (i32.const 4096)) (then (return (i32.const -1))))
      (i32.load (i32.const 2052))))";
  auto p = load_wasm_plugin(w.bytes(), {});
  ASSERT_TRUE(p.ok()) << p.error();
  const ActionRequest req = action("a");
  const size_t len = request_json(req)->size();
  EXPECT_EQ((*p)->execute(req).code, 0) << "no dealloc before the first execute";
  EXPECT_EQ((*p)->execute(req).code, static_cast<int32_t>(len));
}

TEST(PluginAbi, WasiReactorInitializeRunsFirst) {
  WatPlugin w;
  w.extra = R"((global $ready (mut i32) (i32.const 0))
      (func (export "_initialize") (global.set $ready (i32.const 1))))";
  w.execute = R"((func (export "execute") (param i32 i32) (result i32)
      (i32.sub (i32.const 1) (global.get $ready))))";
  auto p = load_wasm_plugin(w.bytes(), {});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ((*p)->execute(action("a")).code, 0);
}

TEST(PluginAbi, BadParamsAreAnErrorBeforeThePluginRuns) {
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->execute(action("ok", R"({"a":1})")).ok());
  CallResult r = p->execute(action("ok", "[1, 2]"));  // checked again: not the same text
  EXPECT_EQ(r.status, CallResult::Status::Error);
  EXPECT_NE(r.message.find("must be a JSON object"), std::string::npos) << r.message;
  EXPECT_TRUE(p->execute(action("ok", R"({"a":1})")).ok());
  EXPECT_EQ(p->execute(action("ok", "[1, 2]")).status, CallResult::Status::Error);
}

TEST(PluginAbi, ConfigMustBeAnObject) {
  WasmPluginOptions o;
  o.config_json = "[]";
  auto p = load_wasm_plugin(probe_bytes(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("configuration is not a JSON object"), std::string::npos) << p.error();
}

}  // namespace
}  // namespace midimon::plugin::test
