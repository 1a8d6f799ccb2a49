// libFuzzer target: the same module in our engine and in wabt's interpreter. Compared:
// the validation verdict, the instantiation outcome (ok / failed), then for every
// exported function called with zero arguments the results or the trap kind, and finally
// the contents of exported memories and the values of exported globals, all bit for bit.
// SIMD is on for both sides. A module with float operations whose NaN results the spec
// leaves open runs on both sides rewritten so those return the canonical NaN
// (nan_canonicalizer.h); everything else about it is compared as it is.
//
// Bounds: wabt runs first with a step budget per call (Thread::Run(n)); when it runs out,
// or either side exhausts its stack (the two have different limits), the rest of the
// module is skipped because the states may differ from there on. Our engine then runs the
// same call under fuel, which only guards against hangs (it is far above wabt's budget).
// Memories and tables are capped the same way on both sides, so memory.grow agrees.
//
// A third run: the same module in an engine with the baseline compiler (EngineConfig::jit,
// fuel metering on as in the interpreter's engine), each call made once wabt and the
// interpreter have finished it, compared with the interpreter in the same way: results,
// trap kinds, exported memories and globals, and the fuel a call that returns has used
// (machine code charges the same units on every path).
//
// A fourth, in step with the third: the same machine code given, for each call, exactly
// the fuel the interpreter's run of it used when that run returned (the full budget
// otherwise); it must return too, with the same results and no fuel left (a call given
// exactly what it needs completes: docs/limits.md, "Fuel").
//
// Any disagreement aborts with a readable diff, which libFuzzer reports as a crash.
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
#include "nan_canonicalizer.h"
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

// True if the module declares a data count section with more segments than the input
// has bytes (each segment takes at least one): malformed for both engines, but wabt
// 1.0.32's interpreter reader first reserves room for that many segments and runs out of
// memory (BinaryReaderInterp::OnDataCount, gigabytes; docs/fuzzing.md). wabt never sees
// such inputs.
bool data_count_beyond_input(std::span<const uint8_t> bytes) {
  ByteCursor c(bytes, 8, bytes.size());
  while (!c.at_end()) {
    auto id = c.u8();
    auto size = c.u32();
    if (!id.ok() || !size.ok() || *size > bytes.size() - c.pos()) return false;
    if (*id == 12) {
      auto count = c.u32();
      return count.ok() && *count > bytes.size();
    }
    c.seek(c.pos() + *size);
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

// The 16 bytes from the 8-aligned offset at or before `at`, as hex, for a memory diff.
std::string bytes_around(const uint8_t* bytes, size_t size, size_t at) {
  std::string out;
  for (size_t i = at & ~size_t{7}; i < size && i < (at & ~size_t{7}) + 16; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    out += buf;
  }
  return out;
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
  static Engine jit_engine([] {
    EngineConfig c = fuzz_engine_config(limits);
    c.jit = true;
    c.lazy_compilation = false;  // every function translated, called or not
    return c;
  }());
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
  if (!ours_valid && data_count_beyond_input(bytes)) return 0;
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

  // From here on both sides run the module with its open NaN results made canonical.
  std::vector<uint8_t> rewritten;
  std::optional<WabtRunner> rewritten_in_wabt;
  WabtRunner* run_wabt = &wabt;
  if (has_open_nan_results(*info)) {
    auto canonical = canonicalize_nans(*info);
    if (!canonical) disagree("nan_canonicalizer could not re-read a validated module");
    rewritten = std::move(*canonical);
    bytes = std::span<const uint8_t>(rewritten);
    auto reread = read_module(bytes);
    if (!reread.ok() || !validate_module(*reread).ok()) {
      // Only the locals limit can refuse the three scratch locals; anything else is a
      // bug in the rewriter.
      const std::string why = reread.ok() ? validate_module(*reread).error().to_string()
                                          : reread.error().to_string();
      if (why.find("too many locals") != std::string::npos) return 0;
      disagree("the NaN-canonicalized module is invalid: " + why);
    }
    rewritten_in_wabt.emplace();
    std::string rewritten_error;
    if (!rewritten_in_wabt->load(bytes, &rewritten_error)) {
      disagree("wabt rejects the NaN-canonicalized module: " + rewritten_error);
    }
    run_wabt = &*rewritten_in_wabt;
  }

  auto module = Module::compile(engine, bytes);
  if (!module.ok()) disagree("Module::compile failed on a validated module: " + module.error().to_string());
  auto jit_module = Module::compile(jit_engine, bytes);
  if (!jit_module.ok()) disagree("Module::compile (jit) failed on a validated module: " + jit_module.error().to_string());
  if (EngineHarness::exceeds_caps((*module)->info(), limits)) return 0;

  // 2. Instantiation (wabt first: its start function runs under the step budget).
  WabtCall wi = run_wabt->instantiate(limits.memory_cap_pages, limits.table_cap, kStepBudget);
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
  EngineHarness jit(jit_engine, limits), exact(jit_engine, limits);
  if (auto jerr = jit.instantiate(*jit_module)) {
    if (jerr->message.find("call stack exhausted") != std::string::npos) return 0;
    disagree("instantiation: midimon ok, midimon --jit fails (" + jerr->to_string() + ")");
  }
  if (auto xerr = exact.instantiate(*jit_module)) disagree("instantiation: midimon --jit ok, once, then fails (" + xerr->to_string() + ")");

  // 3. Every exported function, in export order.
  const auto& our_exports = ours.instance()->exports();
  const auto& wabt_exports = run_wabt->exports();
  if (our_exports.size() != wabt_exports.size()) {
    disagree("export count: midimon " + std::to_string(our_exports.size()) + ", wabt " +
             std::to_string(wabt_exports.size()));
  }
  for (size_t i = 0; i < our_exports.size(); ++i) {
    FuncInst* f = our_exports[i].second.as_func();
    if (f == nullptr) continue;
    const std::string& name = our_exports[i].first;
    WabtCall w = run_wabt->call_export(i, kStepBudget);
    if (w.status == WabtCall::Status::Exhausted) return 0;
    CallOutcome o = ours.call(f);
    if (o.trap == TrapKind::CallStackExhausted) return 0;
    // The translated run of the same call, against the interpreter's.
    if (o.trap != TrapKind::FuelExhausted) {
      CallOutcome j = jit.call(jit.instance()->exports()[i].second.as_func());
      if (j.trap == TrapKind::CallStackExhausted) return 0;  // frames differ in size
      const std::string jwhere = "export \"" + name + "\" (" + f->type->to_string() + "), jit: ";
      if (j.trap != o.trap) {
        disagree(jwhere + "interpreter " + (o.trap == TrapKind::None ? "returns" : "traps \"" + o.trap_message + "\"") +
                 ", machine code " + (j.trap == TrapKind::None ? "returns" : "traps \"" + j.trap_message + "\""));
      }
      if (o.trap == TrapKind::None) {
        if (jit.store().fuel_remaining() != ours.store().fuel_remaining()) {
          disagree(jwhere + "fuel left: interpreter " + std::to_string(ours.store().fuel_remaining()) +
                   ", machine code " + std::to_string(jit.store().fuel_remaining()));
        }
        for (size_t k = 0, slot = 0; k < o.types.size(); slot += slot_count(o.types[k]), ++k) {
          for (size_t h = 0; h < slot_count(o.types[k]); ++h) {
            const uint64_t a = our_bits(o.types[k], o.results[slot + h]);
            const uint64_t b = our_bits(o.types[k], j.results[slot + h]);
            if (a != b) {
              disagree(jwhere + "result " + std::to_string(k) + " (" + to_string(o.types[k]) +
                       "): interpreter " + hex(a) + ", machine code " + hex(b));
            }
          }
        }
      }
      // Exactly the fuel it used: enough (and the same trap, with the budget, when it
      // trapped, which keeps this instance in step).
      const bool returned = o.trap == TrapKind::None;
      const int64_t used = limits.fuel_per_call - static_cast<int64_t>(ours.store().fuel_remaining());
      CallOutcome x = exact.call(exact.instance()->exports()[i].second.as_func(),
                                 returned ? std::optional<int64_t>(used) : std::nullopt);
      if (x.trap != j.trap) {
        disagree(jwhere + "given exactly the fuel it used (" + std::to_string(used) + "), machine code " +
                 (x.trap == TrapKind::None ? "returns" : "traps \"" + x.trap_message + "\"") + " where with more it " +
                 (j.trap == TrapKind::None ? "returns" : "traps \"" + j.trap_message + "\""));
      }
      if (returned) {
        if (exact.store().fuel_remaining() != 0) {
          disagree(jwhere + "given exactly the fuel it used (" + std::to_string(used) + "), " +
                   std::to_string(exact.store().fuel_remaining()) + " left");
        }
        for (size_t k = 0, slot = 0; k < o.types.size(); slot += slot_count(o.types[k]), ++k) {
          for (size_t h = 0; h < slot_count(o.types[k]); ++h) {
            if (our_bits(o.types[k], x.results[slot + h]) != our_bits(o.types[k], j.results[slot + h])) {
              disagree(jwhere + "given exactly the fuel it used, another result " + std::to_string(k));
            }
          }
        }
      }
    }
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
          if (a != b) {
            disagree(where + "result " + std::to_string(k) + " (v128, bytes " +
                     (h ? "8..15" : "0..7") + "): midimon " + hex(a) + ", wabt " + hex(b));
          }
        }
        continue;
      }
      const uint64_t a = our_bits(t, o.results[slot]);
      if (a != w.bits[slot]) {
        disagree(where + "result " + std::to_string(k) + " (" + to_string(t) +
                 "): midimon " + hex(a) + ", wabt " + hex(w.bits[slot]));
      }
    }
  }

  // 4. Final state of exported memories and globals.
  const auto& jit_exports = jit.instance()->exports();
  for (size_t i = 0; i < our_exports.size(); ++i) {
    const std::string& name = our_exports[i].first;
    if (MemoryInst* m = our_exports[i].second.as_memory()) {
      MemoryInst* jm = jit_exports[i].second.as_memory();
      if (jm->size != m->size || (m->size != 0 && std::memcmp(jm->base, m->base, m->size) != 0)) {
        disagree("memory \"" + name + "\": the machine code's differs from the interpreter's");
      }
      std::vector<uint8_t> theirs = run_wabt->memory_bytes(i);
      if (theirs.size() != m->size) {
        disagree("memory \"" + name + "\" size: midimon " + std::to_string(m->size) + ", wabt " +
                 std::to_string(theirs.size()));
      }
      for (size_t b = 0; b < theirs.size(); ++b) {
        if (theirs[b] != m->base[b]) {
          disagree("memory \"" + name + "\" byte " + std::to_string(b) + ": midimon " +
                   hex(m->base[b]) + ", wabt " + hex(theirs[b]) + "\n  bytes " +
                   std::to_string(b & ~size_t{7}) + "..: midimon " +
                   bytes_around(m->base, theirs.size(), b) + ", wabt " +
                   bytes_around(theirs.data(), theirs.size(), b));
        }
      }
    } else if (GlobalInst* g = our_exports[i].second.as_global()) {
      GlobalInst* jg = jit_exports[i].second.as_global();
      if (our_bits(g->type.type, jg->value) != our_bits(g->type.type, g->value) || jg->hi.bits != g->hi.bits) {
        disagree("global \"" + name + "\": machine code " + hex(our_bits(g->type.type, jg->value)) +
                 ", interpreter " + hex(our_bits(g->type.type, g->value)));
      }
      uint64_t b_hi = 0;
      const uint64_t a = our_bits(g->type.type, g->value), b = run_wabt->global_bits(i, &b_hi);
      if (g->type.type == ValType::V128) {
        if (a != b || g->hi.bits != b_hi) {
          disagree("global \"" + name + "\" (v128): midimon " + hex(g->hi.bits) + ":" + hex(a) +
                   ", wabt " + hex(b_hi) + ":" + hex(b));
        }
      } else if (a != b) {
        disagree("global \"" + name + "\": midimon " + hex(a) + ", wabt " + hex(b));
      }
    }
  }
  return 0;
}
