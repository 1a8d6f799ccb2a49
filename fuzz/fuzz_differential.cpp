// libFuzzer target: the same module in our engine and in wabt's interpreter. Compared:
// the validation verdict, the instantiation outcome (ok / failed), then for every
// exported function called with zero arguments the results (bit-exact, except that two
// NaNs agree when both are quiet or both signalling; v128 results per 8-byte half, see
// same_v128_half) or the trap kind, and finally the contents of exported memories and
// the values of exported globals. SIMD is on for both sides.
//
// Bounds: wabt runs first with a step budget per call (Thread::Run(n)); when it runs out,
// or either side exhausts its stack (the two have different limits), the rest of the
// module is skipped because the states may differ from there on. Our engine then runs the
// same call under fuel, which only guards against hangs (it is far above wabt's budget).
// Memories and tables are capped the same way on both sides, so memory.grow agrees.
//
// Any disagreement aborts with a readable diff, which libFuzzer reports as a crash.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>
#include <span>
#include <string>

#include "engine_harness.h"
#include "wabt_runner.h"
#include "wasm/binary_reader.h"
#include "wasm/byte_cursor.h"
#include "wasm/instr_reader.h"
#include "wasm/module.h"
#include "wasm/validator.h"

using namespace midimon::wasm;
using namespace midimon::fuzz;

namespace {

// True if some function body's control structure is still open when its declared bytes
// run out (each body decoded on its own, bounded by its size field). wabt 1.0.32 accepts
// such bodies when their last byte happens to be 0x0b; V8 and we reject them. Our reader
// reports them where the spec's reference decoder does, which may be past the body (in
// the next one), so the check is made here, on the body bounds, not on the error offset.
bool some_body_left_open(std::span<const uint8_t> bytes) {
  using namespace midimon::wasm;
  ByteCursor c(bytes, 8, bytes.size());
  while (!c.at_end()) {
    auto id = c.u8();
    auto size = c.u32();
    if (!id.ok() || !size.ok() || *size > bytes.size() - c.pos()) return false;
    const size_t section_end = c.pos() + *size;
    if (*id != 10) {
      c.seek(section_end);
      continue;
    }
    auto count = c.u32();
    if (!count.ok()) return false;
    for (uint32_t i = 0; i < *count; ++i) {
      auto body_size = c.u32();
      if (!body_size.ok() || *body_size > section_end - c.pos()) return false;
      const size_t body_end = c.pos() + *body_size;
      auto groups = c.u32();
      if (!groups.ok()) return false;
      for (uint32_t g = 0; g < *groups; ++g) {
        if (!c.u32().ok() || !c.u8().ok()) return false;
      }
      if (c.pos() > body_end) return false;
      InstrReader r(bytes, c.pos(), body_end);
      Instr in;
      int depth = 0;
      bool closed = false;
      while (!r.at_end()) {
        if (!r.next(in).ok()) return false;  // some other malformation: not this class
        if (in.op == Op::Block || in.op == Op::Loop || in.op == Op::If) ++depth;
        if (in.op == Op::End && depth-- == 0) {
          closed = r.at_end();
          break;
        }
      }
      if (!closed && r.at_end()) return true;
      c.seek(body_end);
    }
    return false;
  }
  return false;
}

constexpr int kStepBudget = 200'000;  // wabt instructions per call

[[noreturn]] void disagree(const std::string& what) {
  std::fprintf(stderr, "\n=== DIFFERENTIAL MISMATCH (midimon vs wabt) ===\n%s\n\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// wabt's trap messages (1.0.32) mapped onto our kinds.
TrapKind classify_wabt_trap(const std::string& m) {
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  if (has("unreachable")) return TrapKind::Unreachable;
  if (has("divide by zero")) return TrapKind::IntegerDivideByZero;
  if (has("integer overflow")) return TrapKind::IntegerOverflow;
  if (has("invalid conversion")) return TrapKind::InvalidConversionToInteger;
  if (has("undefined table index") || has("undefined element")) return TrapKind::UndefinedElement;
  if (has("uninitialized")) return TrapKind::UninitializedElement;
  if (has("indirect call") || has("signature mismatch")) return TrapKind::IndirectCallTypeMismatch;
  if (has("exhausted")) return TrapKind::CallStackExhausted;
  if (has("out of bounds") || has("access out of bounds")) {
    if (has("table") || has("elem")) return TrapKind::OutOfBoundsTableAccess;
    return TrapKind::OutOfBoundsMemoryAccess;
  }
  return TrapKind::Host;  // unknown wording: shows up as a mismatch with the message
}

// True if some function body has an instruction whose NaN result has a sign the spec
// leaves open (a NaN made from non-NaN operands, or an arithmetic NaN). The spec leaves such a NaN's sign nondeterministic (x86 sets it, wabt clears
// it), and once the NaN is stored and read back, or reinterpreted, that one bit can
// surface anywhere in an integer, a memory byte or a non-NaN float.
bool module_makes_nans(const ModuleInfo& m) {
  for (const FuncBody& body : m.bodies) {
    InstrReader r(m.bytes, body.code_offset, body.code_end);
    Instr in;
    while (!r.at_end() && r.next(in).ok()) {
      switch (in.op) {
        // NaN from non-NaN operands, or an arithmetic NaN (any sign) from a NaN operand.
        case Op::F32Add: case Op::F32Sub: case Op::F32Mul: case Op::F32Div: case Op::F32Sqrt:
        case Op::F64Add: case Op::F64Sub: case Op::F64Mul: case Op::F64Div: case Op::F64Sqrt:
        case Op::F32Min: case Op::F32Max: case Op::F32Ceil: case Op::F32Floor:
        case Op::F32Trunc: case Op::F32Nearest: case Op::F64Min: case Op::F64Max:
        case Op::F64Ceil: case Op::F64Floor: case Op::F64Trunc: case Op::F64Nearest:
        case Op::F32DemoteF64: case Op::F64PromoteF32:
        // The same per lane (pmin/pmax, abs, neg and the int->float conversions return
        // an operand's bits or make no NaN).
        case Op::F32x4Add: case Op::F32x4Sub: case Op::F32x4Mul: case Op::F32x4Div:
        case Op::F32x4Sqrt: case Op::F32x4Min: case Op::F32x4Max: case Op::F32x4Ceil:
        case Op::F32x4Floor: case Op::F32x4Trunc: case Op::F32x4Nearest:
        case Op::F64x2Add: case Op::F64x2Sub: case Op::F64x2Mul: case Op::F64x2Div:
        case Op::F64x2Sqrt: case Op::F64x2Min: case Op::F64x2Max: case Op::F64x2Ceil:
        case Op::F64x2Floor: case Op::F64x2Trunc: case Op::F64x2Nearest:
        case Op::F32x4DemoteF64x2Zero: case Op::F64x2PromoteLowF32x4:
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

// A difference the spec allows: exactly one bit apart in a module that can make NaNs.
// (A bug that flips exactly one bit in such a module would be masked; the float results
// themselves are still compared by same_value.)
bool nan_sign_difference(bool makes_nans, uint64_t ours, uint64_t theirs) {
  return makes_nans && std::popcount(ours ^ theirs) == 1;
}

bool same_value(ValType t, uint64_t ours, uint64_t theirs) {
  if (t == ValType::F32) {
    uint32_t a = static_cast<uint32_t>(ours), b = static_cast<uint32_t>(theirs);
    const bool na = (a & 0x7f800000u) == 0x7f800000u && (a & 0x007fffffu) != 0;
    const bool nb = (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0;
    if (na || nb) return na && nb && ((a ^ b) & 0x00400000u) == 0;
    return a == b;
  }
  if (t == ValType::F64) {
    const uint64_t exp = 0x7ff0000000000000ull, man = 0x000fffffffffffffull;
    const bool na = (ours & exp) == exp && (ours & man) != 0;
    const bool nb = (theirs & exp) == exp && (theirs & man) != 0;
    if (na || nb) return na && nb && ((ours ^ theirs) & 0x0008000000000000ull) == 0;
    return ours == theirs;
  }
  return ours == theirs;
}

// One 8-byte half of a v128. Its lanes' types are unknown here, so in a module that can
// make NaNs, a half agrees when it is one f64 NaN on both sides (same quiet bit), or when
// each of its 32-bit words agrees as an f32 (same_value: NaNs by class) or differs only
// in its sign bit (the open sign of a lane's NaN). Elsewhere: bit-exact.
bool same_v128_half(bool makes_nans, uint64_t ours, uint64_t theirs) {
  if (ours == theirs) return true;
  if (!makes_nans) return false;
  if (same_value(ValType::F64, ours, theirs)) return true;
  for (int w = 0; w < 2; ++w) {
    const uint32_t a = static_cast<uint32_t>(ours >> (32 * w)), b = static_cast<uint32_t>(theirs >> (32 * w));
    if (!same_value(ValType::F32, a, b) && (a ^ b) != 0x80000000u) return false;
  }
  return true;
}

// Inputs wabt 1.0.32 accepts although the spec makes them malformed (we reject them, as
// the spec suite expects). Each was found by this target; docs/fuzzing.md lists them.
bool known_wabt_leniency(const Error& e) {
  const bool const_expr_section = e.where == "section 'global'" ||
                                  e.where == "section 'element'" || e.where == "section 'data'";
  // A constant expression cut off by the end of its section (no final `end`).
  if (const_expr_section && e.message.find("unexpected end") != std::string::npos) return true;
  // Data segment flags 3..7: wabt reads them as its shared segment-flag bit set.
  if (e.message == "malformed data segment kind") return true;
  return false;
}

// V8's verdict (node's WebAssembly.validate), asked only when we reject a module wabt
// accepts: a third opinion that separates wabt's leniencies from our mistakes without a
// hand-written filter per wabt bug. nullopt when node is missing or fails to run.
std::optional<bool> v8_validates(std::span<const uint8_t> bytes) {
  static const bool have_node = std::system("command -v node >/dev/null 2>&1") == 0;
  if (!have_node) return std::nullopt;
  char path[] = "/tmp/midimon-fuzz-v8-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return std::nullopt;
  const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(fd);
  std::optional<bool> verdict;
  if (written) {
    const std::string cmd =
        "node -e \"process.exit(WebAssembly.validate(require('fs').readFileSync(process.argv[1])) ? 0 : 3)\" " +
        std::string(path) + " 2>/dev/null";
    const int rc = std::system(cmd.c_str());
    if (WIFEXITED(rc) && (WEXITSTATUS(rc) == 0 || WEXITSTATUS(rc) == 3)) verdict = WEXITSTATUS(rc) == 0;
  }
  unlink(path);
  return verdict;
}

uint64_t our_bits(ValType t, Value v) {
  switch (t) {
    case ValType::I32: case ValType::F32: return v.bits & 0xffffffffu;
    case ValType::FuncRef: case ValType::ExternRef: return v.ref == kNullRef ? 0 : 1;
    default: return v.bits;
  }
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static HarnessLimits limits = [] {
    HarnessLimits l;
    l.fuel_per_call = 100LL * kStepBudget;  // a hang guard only
    l.max_call_depth = 10'000;              // above wabt's, so wabt exhausts first
    return l;
  }();
  static Engine engine(fuzz_engine_config(limits));
  std::span<const uint8_t> bytes(data, size);

  // 1. Validation verdict.
  auto info = read_module(bytes);
  std::string our_error;
  bool ours_valid = info.ok();
  if (!ours_valid) {
    our_error = info.error().to_string();
  } else if (auto v = validate_module(*info); !v.ok()) {
    ours_valid = false;
    our_error = v.error().to_string();
  }
  WabtRunner wabt;
  std::string wabt_error;
  // wabt's verdict: both of its front ends must accept. Its interpreter's reader alone
  // accepts bytes after a function body's final `end`; its IR reader + validator (the
  // `wasm-validate` path) rejects them, as we do.
  const bool wabt_valid = wabt.load(bytes, &wabt_error) && wabt.validate_ir(bytes, &wabt_error);
  if (!ours_valid && wabt_valid && !info.ok() && known_wabt_leniency(info.error())) return 0;
  // wabt 1.0.32 also accepts a body whose control structure is still open at its end when
  // the body's last byte is 0x0b (V8 rejects: 'function body must end with "end"
  // opcode'); see some_body_left_open.
  if (!ours_valid && wabt_valid && !info.ok() && info.error().where.rfind("function ", 0) == 0 &&
      some_body_left_open(bytes)) {
    return 0;
  }
  if (!ours_valid && wabt_valid && v8_validates(bytes) == false) {
    static int reported = 0;
    if (reported++ < 20) {
      std::fprintf(stderr, "wabt divergence (V8 agrees with midimon): %s\n", our_error.c_str());
    }
    return 0;
  }
  if (ours_valid != wabt_valid) {
    disagree(std::string("validation: midimon ") + (ours_valid ? "accepts" : "rejects (" + our_error + ")") +
             ", wabt " + (wabt_valid ? "accepts" : "rejects (" + wabt_error + ")"));
  }
  if (!ours_valid) return 0;

  auto module = Module::compile(engine, bytes);
  if (!module.ok()) disagree("Module::compile failed on a validated module: " + module.error().to_string());
  if (EngineHarness::exceeds_caps((*module)->info(), limits)) return 0;
  const bool makes_nans = module_makes_nans((*module)->info());

  // 2. Instantiation (wabt first: its start function runs under the step budget).
  WabtCall wi = wabt.instantiate(limits.memory_cap_pages, limits.table_cap, kStepBudget);
  if (wi.status == WabtCall::Status::Exhausted) return 0;
  EngineHarness ours(engine, limits);
  auto err = ours.instantiate(*module);
  if (err && (err->kind == ErrorKind::Limit)) return 0;
  const bool ours_inst = !err.has_value(), wabt_inst = wi.status == WabtCall::Status::Ok;
  if (ours_inst != wabt_inst) {
    if (err && err->message.find("call stack exhausted") != std::string::npos) return 0;
    disagree(std::string("instantiation: midimon ") + (ours_inst ? "ok" : "fails (" + err->to_string() + ")") +
             ", wabt " + (wabt_inst ? "ok" : "fails (" + wi.trap_message + ")"));
  }
  if (!ours_inst) return 0;

  // 3. Every exported function, in export order.
  const auto& our_exports = ours.instance()->exports();
  const auto& wabt_exports = wabt.exports();
  if (our_exports.size() != wabt_exports.size()) {
    disagree("export count: midimon " + std::to_string(our_exports.size()) + ", wabt " +
             std::to_string(wabt_exports.size()));
  }
  for (size_t i = 0; i < our_exports.size(); ++i) {
    FuncInst* f = our_exports[i].second.as_func();
    if (f == nullptr) continue;
    const std::string& name = our_exports[i].first;
    WabtCall w = wabt.call_export(i, kStepBudget);
    if (w.status == WabtCall::Status::Exhausted) return 0;
    CallOutcome o = ours.call(f);
    if (o.trap == TrapKind::CallStackExhausted) return 0;
    const std::string where = "export \"" + name + "\" (" + f->type->to_string() + "): ";
    if (o.trap == TrapKind::FuelExhausted) {
      disagree(where + "midimon ran out of fuel (" + std::to_string(limits.fuel_per_call) +
               ") where wabt finished within " + std::to_string(kStepBudget) + " steps");
    }
    if (w.status == WabtCall::Status::Trap || o.trap != TrapKind::None) {
      const TrapKind wk = w.status == WabtCall::Status::Trap ? classify_wabt_trap(w.trap_message)
                                                             : TrapKind::None;
      if (wk != o.trap) {
        disagree(where + "midimon " + (o.trap == TrapKind::None ? "returns" : "traps \"" + o.trap_message + "\"") +
                 ", wabt " + (w.status == WabtCall::Status::Trap ? "traps \"" + w.trap_message + "\"" : "returns"));
      }
      continue;
    }
    // Both sides hold results as slots: one word per value, two per v128.
    if (w.bits.size() != o.results.size()) disagree(where + "result count differs");
    for (size_t k = 0, slot = 0; k < o.types.size(); slot += slot_count(o.types[k]), ++k) {
      const ValType t = o.types[k];
      if (t == ValType::V128) {
        for (size_t h = 0; h < 2; ++h) {
          const uint64_t a = o.results[slot + h].bits, b = w.bits[slot + h];
          if (!same_v128_half(makes_nans, a, b)) {
            disagree(where + "result " + std::to_string(k) + " (v128, bytes " +
                     (h ? "8..15" : "0..7") + "): midimon " + hex(a) + ", wabt " + hex(b));
          }
        }
        continue;
      }
      const uint64_t a = our_bits(t, o.results[slot]);
      if (!same_value(t, a, w.bits[slot]) && !nan_sign_difference(makes_nans, a, w.bits[slot])) {
        disagree(where + "result " + std::to_string(k) + " (" + to_string(t) +
                 "): midimon " + hex(a) + ", wabt " + hex(w.bits[slot]));
      }
    }
  }

  // 4. Final state of exported memories and globals.
  for (size_t i = 0; i < our_exports.size(); ++i) {
    const std::string& name = our_exports[i].first;
    if (MemoryInst* m = our_exports[i].second.as_memory()) {
      std::vector<uint8_t> theirs = wabt.memory_bytes(i);
      if (theirs.size() != m->size) {
        disagree("memory \"" + name + "\" size: midimon " + std::to_string(m->size) + ", wabt " +
                 std::to_string(theirs.size()));
      }
      for (size_t b = 0; b < theirs.size(); ++b) {
        if (theirs[b] != m->base[b] && !nan_sign_difference(makes_nans, m->base[b], theirs[b])) {
          disagree("memory \"" + name + "\" byte " + std::to_string(b) + ": midimon " +
                   hex(m->base[b]) + ", wabt " + hex(theirs[b]));
        }
      }
    } else if (GlobalInst* g = our_exports[i].second.as_global()) {
      uint64_t b_hi = 0;
      const uint64_t a = our_bits(g->type.type, g->value), b = wabt.global_bits(i, &b_hi);
      if (g->type.type == ValType::V128) {
        if (!same_v128_half(makes_nans, a, b) || !same_v128_half(makes_nans, g->hi.bits, b_hi)) {
          disagree("global \"" + name + "\" (v128): midimon " + hex(g->hi.bits) + ":" + hex(a) +
                   ", wabt " + hex(b_hi) + ":" + hex(b));
        }
      } else if (!same_value(g->type.type, a, b) && !nan_sign_difference(makes_nans, a, b)) {
        disagree("global \"" + name + "\": midimon " + hex(a) + ", wabt " + hex(b));
      }
    }
  }
  return 0;
}
