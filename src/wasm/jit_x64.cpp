// The baseline compiler's x86-64 code generator (jit.h): one pass over a validated body,
// emitting each instruction's machine code with asmjit's assembler.
//
// Registers while translated code runs:
//   rbx  fp: the frame (8-byte slots; locals first, then one slot per operand position)
//   r12  the running Instance*
//   r13  memory 0's base, r14 its size in bytes (reloaded after every call, memory.grow
//        and helper: any of them may grow it)
//   r15  &ExecState::jit of the store (jit_abi.h): the JitCtx, and ExecState's depth,
//        fuel, stack end, interrupt flag, call_limit and mem_limit at fixed offsets
//   rbp  the fuel left, with fuel metering (written to ExecState::fuel only around
//        calls into C++)
//   rax, rcx, rdx, rsi, rdi, r8-r11, xmm0-xmm1: scratch within one instruction
// The compiler's own calling convention, so that a call between translated functions
// moves nothing it need not: the callee gets rdi = its frame (arguments in its first
// slots) and the caller's r12-r15 and rbp, which belong to the run, not the frame: the
// same instance (a call that may enter another instance goes through C++), memory,
// context and the fuel, which the callee spends in place. It saves only rbx, and returns
// 0 in eax, or 1 for a trap (recorded in the context); results are left in the frame's
// first slots, as the interpreter leaves them. The host enters through one trampoline
// (enter_trampoline), which saves the C callee-saved registers and sets up the others.
//
// The operand stack is tracked at compile time: each entry is a constant, or a slot to
// read (its own position's slot, or a local's: local.get copies nothing). An entry is
// "materialized" into its position's slot where a value must be there: before blocks,
// branches and calls, when the local it reads is written, for helpers that read slots.
#include <asmjit/x86.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#include <iterator>
#include <optional>
#include <span>
#include <vector>

#include "code.h"
#include "decoded_body.h"
#include "engine.h"
#include "instance.h"
#include "jit_abi.h"
#include "jit_flow.h"
#include "module_info.h"
#include "runtime.h"
#include "store.h"

namespace midimon::wasm {

using namespace asmjit;
using jit_detail::JitCtx;
using jit_detail::SlowOp;

struct JitCode {
  JitEntry entry = nullptr;
  std::vector<SlowOp> slow_ops;  // read by the code through their addresses: never resized
};

namespace {

// One for the process; its allocator is thread-safe. Dual mapping: the code is written
// through one mapping (read-write) and run through another (read-execute), so no page is
// ever writable and executable at once.
JitRuntime& runtime() {
  static JitRuntime rt = [] {
    JitAllocator::CreateParams params{};
    params.options = JitAllocatorOptions::kUseDualMapping | JitAllocatorOptions::kUseMultiplePools;
    return JitRuntime(&params);
  }();
  return rt;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
constexpr int32_t kViewFuncs = static_cast<int32_t>(offsetof(Instance, jit_view) + offsetof(Instance::JitView, funcs));
constexpr int32_t kViewGlobals = static_cast<int32_t>(offsetof(Instance, jit_view) + offsetof(Instance::JitView, globals));
constexpr int32_t kViewMemory = static_cast<int32_t>(offsetof(Instance, jit_view) + offsetof(Instance::JitView, memory0));
constexpr int32_t kMemBase = static_cast<int32_t>(offsetof(MemoryInst, base));
constexpr int32_t kMemSize = static_cast<int32_t>(offsetof(MemoryInst, size));
constexpr int32_t kFuncCode = static_cast<int32_t>(offsetof(FuncInst, code));
constexpr int32_t kFuncInstance = static_cast<int32_t>(offsetof(FuncInst, instance));
constexpr int32_t kCodeJit = static_cast<int32_t>(offsetof(CompiledFunc, jit));
constexpr int32_t kGlobalValue = static_cast<int32_t>(offsetof(GlobalInst, value));
// r15 = &ExecState::jit: ExecState's own fields at fixed (possibly negative) offsets.
using Exec = Store::ExecState;
constexpr int32_t exec_field(size_t off) {
  return static_cast<int32_t>(static_cast<int64_t>(off) - static_cast<int64_t>(offsetof(Exec, jit)));
}
constexpr int32_t kCtxStackEnd = exec_field(offsetof(Exec, stack_end));
constexpr int32_t kCtxDepth = exec_field(offsetof(Exec, depth));
constexpr int32_t kCtxInterrupt = exec_field(offsetof(Exec, interrupt));
constexpr int32_t kCtxFuel = exec_field(offsetof(Exec, fuel));
constexpr int32_t kCtxCallLimit = exec_field(offsetof(Exec, call_limit));
constexpr int32_t kCtxMemLimit = exec_field(offsetof(Exec, mem_limit));
#pragma GCC diagnostic pop
constexpr int32_t kCtxNativeLimit = offsetof(JitCtx, native_limit);
constexpr int32_t kCtxMaxDepth = offsetof(JitCtx, max_depth);
constexpr int32_t kCtxTrapKind = offsetof(JitCtx, trap_kind);

// The fuel's and the context's registers by number too: the charges and the fuel's
// moves to and from the context are written as bytes (fuel_arith, fuel_move).
constexpr uint32_t kFuelId = x86::Gp::kIdBp, kCtxId = x86::Gp::kIdR15;
const x86::Gp kFp = x86::rbx, kInst = x86::r12, kMemB = x86::r13, kMemS = x86::r14, kCtx = x86::gpq(kCtxId),
               kFuel = x86::gpq(kFuelId);

// Why a function is left to the interpreter.
struct Unsupported {
  std::string why;
};

// An encoding error (an operand combination the assembler refuses) leaves the function
// to the interpreter instead of running broken code.
class ThrowOnError : public ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, BaseEmitter*) override {
    throw Unsupported{std::string("asmjit: ") + message + " (" + DebugUtils::errorAsString(err) + ")"};
  }
};

struct Entry {
  bool is_const = false;
  uint32_t slot = 0;   // !is_const: the slot holding the value
  uint64_t bits = 0;   // is_const: the value's raw slot bits
};

struct Ctl {
  Op kind = Op::Block;  // Block, Loop, If, or End for the function body
  Label label;          // where a branch to it goes (a loop's start; else the end)
  Label else_label;     // If: the false arm (or the end when there is no else)
  uint32_t height = 0;  // operand stack height under its parameters
  uint32_t nparams = 0, nresults = 0;
  bool dead = false;    // the rest of the block is unreachable
  bool has_else = false;
};

bool fits_i32(uint64_t bits) {
  return static_cast<int64_t>(bits) == static_cast<int64_t>(static_cast<int32_t>(bits));
}

// A table, not a switch: every compilation asks it of each instruction (run()), and the
// switch's range tests cost ~15 instructions a call (sqlite3: 4.7 M of its compiling).
constexpr std::array<bool, kOpCount> kSlowOps = [] {
  std::array<bool, kOpCount> t{};
  for (Op op : {Op::I32Popcnt, Op::I64Popcnt,
                Op::F32Ceil, Op::F32Floor, Op::F32Trunc, Op::F32Nearest,
                Op::F64Ceil, Op::F64Floor, Op::F64Trunc, Op::F64Nearest,
                Op::F32Min, Op::F32Max, Op::F64Min, Op::F64Max,
                Op::I32TruncF32S, Op::I32TruncF32U, Op::I32TruncF64S, Op::I32TruncF64U,
                Op::I64TruncF32S, Op::I64TruncF32U, Op::I64TruncF64S, Op::I64TruncF64U,
                Op::I32TruncSatF32S, Op::I32TruncSatF32U, Op::I32TruncSatF64S, Op::I32TruncSatF64U,
                Op::I64TruncSatF32S, Op::I64TruncSatF32U, Op::I64TruncSatF64S, Op::I64TruncSatF64U,
                Op::F32ConvertI64U, Op::F64ConvertI64U,
                Op::MemoryGrow, Op::MemoryInit, Op::DataDrop, Op::MemoryCopy, Op::MemoryFill,
                Op::TableGet, Op::TableSet, Op::TableSize, Op::TableGrow, Op::TableFill,
                Op::TableCopy, Op::TableInit, Op::ElemDrop}) {
    t[static_cast<size_t>(op)] = true;
  }
  return t;
}();

class Translator {
 public:
  Translator(const ModuleInfo& m, uint32_t func_index, std::span<const Instr> instrs,
             bool deadline_checks, bool fuel, JitCode& out)
      : m_(m), type_(m.func_type(func_index)), instrs_(instrs), out_(out),
        deadline_(deadline_checks), fuel_(fuel), func_index_(func_index) {
    code_.init(runtime().environment());
    code_.setErrorHandler(&errors_);
    a_ = std::make_unique<x86::Assembler>(&code_);
    const FuncBody& body = m.bodies[func_index - m.num_imported_funcs];
    for (ValType t : type_.params) check_type(t);
    for (ValType t : type_.results) check_type(t);
    for (const LocalGroup& g : body.locals) {
      if (g.count) check_type(g.type);
    }
    np_ = static_cast<uint32_t>(type_.params.size());
    nr_ = static_cast<uint32_t>(type_.results.size());
    nl_ = np_ + body.num_locals;
    has_memory_ = !m.memories.empty();
  }

  void run() {
    x86::Assembler& a = *a_;
    for (int k = 0; k < kTrapKinds; ++k) trap_labels_[k] = a.newLabel();
    propagate_ = a.newLabel();
    pop_and_ret_ = a.newLabel();
    frame_label_ = a.newLabel();
    // Every slow op is added before the code is final; reserve so that their addresses
    // (embedded in the code) never move.
    size_t slow = 0;
    // The flow analyses' points (jit_flow::flow_points), found on the way, into a
    // buffer of the thread's that only grows: each instruction is written over the
    // next free entry, which counts only when it is a point (no branch, no push_back).
    thread_local std::vector<uint32_t> point_buffer;
    std::span<const uint32_t> points;
    if (fuel_ || deadline_) {
      if (point_buffer.size() < instrs_.size()) point_buffer.resize(instrs_.size());
      uint32_t* out = point_buffer.data();
      size_t n = 0;
      for (size_t i = 0; i < instrs_.size(); ++i) {
        const Op op = instrs_[i].op;
        slow += needs_slow_op(op);
        out[n] = static_cast<uint32_t>(i);
        n += jit_flow::is_flow_point(op);
      }
      points = {out, n};
    } else {
      for (const Instr& in : instrs_) slow += needs_slow_op(in.op);
    }
    out_.slow_ops.reserve(slow);

    jit_flow::BodyFacts facts{func_index_};
    jit_flow::LatchChecks latches;
    if (fuel_) {
      cost_ = jit_flow::block_costs(instrs_, points, {}, nullptr, &facts, &latches, keep_header());
      if (facts.calls_func) {
        // A call to itself pays the entry's charge with the caller's block and enters
        // past it (do_call): one check for both, in the caller.
        entry_units_ = cost_[0];
        call_units_.assign(instrs_.size(), 0);
        for (size_t i = 0; i < instrs_.size(); ++i) {
          if (instrs_[i].op == Op::Call && instrs_[i].index == func_index_) call_units_[i] = entry_units_;
        }
        cost_ = jit_flow::block_costs(instrs_, points, call_units_, &check_, nullptr, &latches, keep_header());
      }
    }
    if (deadline_) {
      mem_poll_.assign(instrs_.size(), false);
      const std::vector<uint32_t> polls = jit_flow::first_certain_access(instrs_, points);
      for (uint32_t k : polls) mem_poll_[k] = true;
      std::vector<uint32_t> stops;  // the flow points and the accesses that poll
      stops.reserve(points.size() + polls.size());
      std::merge(points.begin(), points.end(), polls.begin(), polls.end(), std::back_inserter(stops));
      loop_poll_ = jit_flow::loops_lacking(instrs_, stops, [this](const Instr& in, size_t i) {
        return jit_flow::is_call(in.op) || mem_poll_[i];
      });
    }
    if (fuel_ && facts.has_loop && facts.has_call) {
      // Every callee checks the fuel: a translated one at its entry, C++ before others.
      // Without loops or calls the pass is skipped (a tenth of the compile work fuel
      // adds on sqlite3): every loop then checks.
      loop_check_ = jit_flow::loops_lacking(
          instrs_, points, [](const Instr& in, size_t) { return jit_flow::is_call(in.op); }, latches.moved);
    }
    if (fuel_) {
      // A loop that needs a check and whose back-edges all leave from charges of their
      // own checks there instead of at its header (jit_flow::LatchChecks).
      std::vector<uint32_t> latch_checks;
      for (const auto& [loop, slot] : latches.slots) {
        if (loop_check_.empty() || loop_check_[loop]) latch_checks.push_back(slot);
      }
      std::sort(latch_checks.begin(), latch_checks.end());
      latch_checks_.set(std::move(latch_checks));
      header_unchecked_.set(std::move(latches.moved));
      taken_checks_.set(std::move(latches.taken));
      ahead_.set(std::move(latches.ahead));
      refunds_.set(std::move(latches.refunds));
    }
    prologue();
    Ctl f;
    f.kind = Op::End;
    f.label = a.newLabel();
    f.nresults = nr_;
    ctls_.push_back(f);
    body();
    epilogue();
    void* fn = nullptr;
    if (asmjit::Error e = runtime().add(&fn, &code_); e != kErrorOk) {
      throw Unsupported{std::string("asmjit: ") + DebugUtils::errorAsString(e)};
    }
    out_.entry = fn;
  }

 private:
  static constexpr int kTrapKinds = 32;
  const ModuleInfo& m_;
  const FuncType& type_;
  std::span<const Instr> instrs_;
  JitCode& out_;
  bool deadline_;
  bool fuel_;
  uint32_t func_index_;
  // Fuel: the charge of the block starting at each instruction index (block_costs), and
  // the charges that check: where their `jl`'s rel32 is in the buffer, to be pointed at
  // their out-of-line path, and their units, which that path gives back.
  std::vector<uint32_t> cost_;
  struct FuelStub {
    size_t rel32_at;
    uint32_t units;
  };
  std::vector<FuelStub> fuel_stubs_;
  // Loops run several turns under one check (unrolled_loop): where the fuel cannot pay
  // them all, `one` takes a turn's units alone and runs the `last` copy.
  struct LeftoverTurn {
    Label one, last;
    uint32_t units;
  };
  std::vector<LeftoverTurn> leftover_turns_;
  // Self-calls with fuel: the units each call to this function pays for the callee's
  // entry (its entry charge, `entry_units_`, taken before the prologue, which they skip:
  // `direct_`), and the slots holding such units, which check.
  std::vector<uint32_t> call_units_;
  std::vector<uint8_t> check_;  // empty: no slot holds such units or checks for a loop
  // Fuel: sorted slots (instruction indices) asked about in order, as the translation
  // meets them; mostly empty: one compare with the next slot for each question (every
  // charge and br_if asks).
  template <class T>
  struct InOrder {
    std::vector<T> items;
    size_t next = 0;
    uint32_t next_slot = ~uint32_t{0};
    static uint32_t slot_of(const T& t) {
      if constexpr (std::is_same_v<T, uint32_t>) {
        return t;
      } else {
        return t.first;
      }
    }
    void set(std::vector<T> v) {
      items = std::move(v);
      next = 0;
      next_slot = items.empty() ? ~uint32_t{0} : slot_of(items[0]);
    }
    // The item at `slot`, if any.
    const T* at(size_t slot) {
      if (slot < next_slot) return nullptr;
      while (next < items.size() && slot_of(items[next]) < slot) ++next;
      next_slot = next < items.size() ? slot_of(items[next]) : ~uint32_t{0};
      return next_slot == slot ? &items[next] : nullptr;
    }
  };
  // Fuel: the loops that check on the way round instead of at their header (the indices
  // of their `loop`s: jit_flow::LatchChecks::moved), and the charges they check at.
  InOrder<uint32_t> header_unchecked_, latch_checks_;
  // Fuel: the `br_if`s back to a loop that pay its header's units on their taken edge
  // and check there (jit_flow::LatchChecks::taken).
  InOrder<uint32_t> taken_checks_;
  // Fuel: charges that also pay their loop's next header, and the fall-throughs that
  // give those units back (jit_flow::LatchChecks::ahead, refunds), looked up in order.
  struct SlotUnits : InOrder<std::pair<uint32_t, uint32_t>> {
    uint32_t units_at(size_t slot) {
      const auto* p = at(slot);
      return p ? p->second : 0;
    }
  };
  SlotUnits ahead_, refunds_;
  // A check of such a charge that fails may still pay this turn: its out-of-line path
  // (where the `jl` at `rel32_at` goes) gives the next header's units back, stops if
  // this turn's (`own`) do not fit either, and takes them again, to go on in debt at
  // `back` (the loop's exit gives them back; going round, the next check stops it).
  struct AheadCheck {
    size_t rel32_at, back;  // the check's `jl`, where it goes on
    uint32_t own, next;
  };
  std::vector<AheadCheck> ahead_checks_;
  uint32_t entry_units_ = 0;
  Label direct_, entry_fail_;
  // Deadline checks: whether the loop starting at each instruction index polls
  // (loops_lacking). Fuel: whether its header's charge checks that it fits (not when
  // every turn calls: the callee's entry, or C++ before any other callee, checks);
  // empty when the body has no loop or no call: every loop checks.
  std::vector<bool> loop_poll_, loop_check_;
  // Deadline checks: the accesses whose bounds check compares with mem_limit (each
  // loop's jit_flow::first_certain_access), by instruction index.
  std::vector<bool> mem_poll_;
  ThrowOnError errors_;
  CodeHolder code_;
  std::unique_ptr<x86::Assembler> a_;
  uint32_t np_ = 0, nr_ = 0, nl_ = 0;
  uint32_t max_height_ = 0;
  bool has_memory_ = false;
  std::vector<Entry> stack_;
  std::vector<Ctl> ctls_;
  Label trap_labels_[kTrapKinds];
  Label propagate_, pop_and_ret_, frame_label_, limit_hit_, mem_fail_;
  // Calls that go through C++ (call_func_in_rax), emitted after the function's code.
  struct SlowCall {
    Label entry, back;
    uint32_t base;
  };
  std::vector<SlowCall> slow_calls_;
  size_t pc_ = 0;  // index of the instruction being translated

  static void check_type(ValType t) {
    if (t == ValType::V128) throw Unsupported{"v128 values"};
  }
  static bool needs_slow_op(Op op) { return kSlowOps[static_cast<size_t>(op)]; }

  // --- frame and operands ---
  static x86::Mem q(uint32_t slot) { return x86::qword_ptr(kFp, static_cast<int32_t>(slot * 8)); }
  static x86::Mem d(uint32_t slot) { return x86::dword_ptr(kFp, static_cast<int32_t>(slot * 8)); }
  uint32_t pos_slot(size_t pos) const { return nl_ + static_cast<uint32_t>(pos); }
  Label trap(TrapKind k) { return trap_labels_[static_cast<int>(k)]; }

  Entry pop() {
    Entry e = stack_.back();
    stack_.pop_back();
    return e;
  }
  // The slot of a new result at the top (pushed as such).
  uint32_t push_result() {
    const uint32_t s = pos_slot(stack_.size());
    stack_.push_back(Entry{false, s, 0});
    max_height_ = std::max<uint32_t>(max_height_, static_cast<uint32_t>(stack_.size()));
    return s;
  }
  void push_const(uint64_t bits) {
    stack_.push_back(Entry{true, 0, bits});
    max_height_ = std::max<uint32_t>(max_height_, static_cast<uint32_t>(stack_.size()));
  }
  void push_slot(uint32_t slot) {
    stack_.push_back(Entry{false, slot, 0});
    max_height_ = std::max<uint32_t>(max_height_, static_cast<uint32_t>(stack_.size()));
  }

  void load64(const x86::Gp& r, const Entry& e) {
    if (e.is_const) {
      if (e.bits == 0) {
        a_->xor_(r.r32(), r.r32());
      } else {
        a_->mov(r, Imm(e.bits));
      }
    } else {
      a_->mov(r, q(e.slot));
    }
  }
  void load32(const x86::Gp& r, const Entry& e) {
    if (e.is_const) {
      if (static_cast<uint32_t>(e.bits) == 0) {
        a_->xor_(r.r32(), r.r32());
      } else {
        a_->mov(r.r32(), Imm(static_cast<uint32_t>(e.bits)));
      }
    } else {
      a_->mov(r.r32(), d(e.slot));
    }
  }
  // An operand into r64, or into its low 32 bits (zero-extended) when not `wide`.
  void load(const x86::Gp& r64, const Entry& e, bool wide) {
    if (wide) {
      load64(r64, e);
    } else {
      load32(r64, e);
    }
  }
  // The register at an operation's width: itself, or its low 32 bits.
  static x86::Gp sized(const x86::Gp& r64, bool wide) { return wide ? r64 : x86::Gp(r64.r32()); }
  // The entry as the second operand of a 32-bit ALU instruction.
  Operand op32(const Entry& e) {
    if (e.is_const) return Imm(static_cast<int32_t>(static_cast<uint32_t>(e.bits)));
    return d(e.slot);
  }
  // ... of a 64-bit one (a constant that does not fit an imm32 goes through rcx).
  Operand op64(const Entry& e) {
    if (e.is_const) {
      if (fits_i32(e.bits)) return Imm(static_cast<int64_t>(e.bits));
      a_->mov(x86::rcx, Imm(e.bits));
      return x86::rcx;
    }
    return q(e.slot);
  }
  void store_entry(uint32_t dst, const Entry& e) {
    if (e.is_const) {
      if (fits_i32(e.bits)) {
        a_->mov(q(dst), Imm(static_cast<int64_t>(e.bits)));
      } else {
        a_->mov(x86::rax, Imm(e.bits));
        a_->mov(q(dst), x86::rax);
      }
    } else if (e.slot != dst) {
      a_->mov(x86::rax, q(e.slot));
      a_->mov(q(dst), x86::rax);
    }
  }
  void materialize(size_t pos) {
    Entry& e = stack_[pos];
    const uint32_t s = pos_slot(pos);
    if (!e.is_const && e.slot == s) return;
    store_entry(s, e);
    e = Entry{false, s, 0};
  }
  void materialize_all() {
    for (size_t i = 0; i < stack_.size(); ++i) materialize(i);
  }
  void materialize_top(size_t n) {
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(i);
  }
  void reload_memory() {
    if (!has_memory_) return;
    a_->mov(x86::rax, x86::qword_ptr(kInst, kViewMemory));
    a_->mov(kMemB, x86::qword_ptr(x86::rax, kMemBase));
    a_->mov(kMemS, x86::qword_ptr(x86::rax, kMemSize));
  }
  // The charge of the block starting at instruction `start` (jit_flow::block_costs).
  // Only the function's entry and loop headers check that it fits (`checked`; not a
  // loop whose every turn calls or enters a nested loop that checks: loops_lacking; and
  // a loop whose back-edges all leave from charges of their own checks at those
  // instead: jit_flow::LatchChecks). Every cycle and every call passes one, and C++
  // checks before any callee it runs and when the outermost call returns
  // (jit_runtime.cpp), so a run that cannot pay stops at the latest at the next loop
  // header or back-edge, call or return: after a stretch of code without loops or
  // calls, whose charges only count, one instruction each.
  // `sub kFuel, units` and `add kFuel, units` written as their bytes: the instruction
  // fuel adds most, which asmjit's generic encoder took ~160 instructions to write (a
  // sixth of the compile work fuel adds to sqlite3: docs/performance.md), and the one
  // that gives a charge back. REX.W (+B for r8-r15), then 83 /ext ib or 81 /ext id with
  // the register in ModRM's r/m field (ext 5: sub, 0: add).
  void fuel_arith(uint8_t ext, uint32_t units) {
    const uint8_t rex = 0x48 | (kFuelId >> 3), modrm = 0xC0 | (ext << 3) | (kFuelId & 7);
    if (units <= 127) {
      const uint8_t code[4] = {rex, 0x83, modrm, static_cast<uint8_t>(units)};
      put_bytes(code);
    } else {
      uint8_t code[7] = {rex, 0x81, modrm};
      std::memcpy(code + 3, &units, 4);  // imm32, little-endian; units < 2^31
      put_bytes(code);
    }
  }
  // `bytes` written at the assembler's position as its embed() would, without the
  // checks and the logging that made embed ~50 instructions a charge. asmjit's own
  // writer does the same: past the cursor, then the section's size. A full buffer
  // grows through embed().
  // A size known here, so that the copy is a move or two, not a call to memcpy.
  template <size_t n>
  void put_bytes(const uint8_t (&bytes)[n]) {
    x86::Assembler& a = *a_;
    if (a.remainingSpace() < n) {
      a.embed(bytes, n);
      return;
    }
    std::memcpy(a._bufferPtr, bytes, n);
    a._bufferPtr += n;
    CodeBuffer& buffer = a._section->_buffer;
    buffer._size = std::max(buffer._size, a.offset());
  }
  void sub_fuel(uint32_t units) { fuel_arith(5, units); }
  void add_fuel(uint32_t units) { fuel_arith(0, units); }
  // A charge that holds a self-call's entry units checks too (check_), so that every
  // call still passes a check, and so does one a loop checks at instead of its header
  // (latch_checks_). The entry's charge is split (prologue): `skip` units were taken
  // before the prologue.
  void charge(size_t start, bool checked = false, uint32_t skip = 0) {
    if (!fuel_) return;
    if (const uint32_t refund = refunds_.units_at(start); refund != 0) add_fuel(refund);
    if (cost_[start] <= skip) return;
    const uint32_t units = cost_[start] - skip;
    sub_fuel(units);
    const bool latch = latch_checks_.at(start) != nullptr;
    if (!checked && !latch && (check_.empty() || !check_[start])) return;
    if (const uint32_t next = ahead_.units_at(start); next != 0) {
      const size_t jl = jcc_to_patch(x86::CondCode::kL);
      ahead_checks_.push_back({jl, jl + 4, units - next, next});
      return;
    }
    jl_to_stub(units);
  }
  // After a `sub` of `units`: when it went below zero, to a stub that gives them back.
  // `jl rel32` as bytes, its target filled in by the epilogue: through asmjit, a label,
  // a jump to it and its binding took ~500 instructions a check.
  void jl_to_stub(uint32_t units) { fuel_stubs_.push_back({jcc_to_patch(x86::CondCode::kL), units}); }
  // `jcc rel32` as bytes (asmjit's CondCode is the x86 condition's number), its target
  // left for patch_rel32; returns where its rel32 is. A forward jump through asmjit is a
  // label, a fix-up and a binding, hundreds of instructions.
  size_t jcc_to_patch(x86::CondCode cc) {
    const uint8_t code[6] = {0x0F, static_cast<uint8_t>(0x80 | static_cast<uint8_t>(cc)), 0, 0, 0, 0};
    put_bytes(code);
    return a_->offset() - 4;
  }
  size_t jmp_to_patch() {
    static constexpr uint8_t kJmp[5] = {0xE9, 0, 0, 0, 0};
    put_bytes(kJmp);
    return a_->offset() - 4;
  }
  // Points the rel32 at buffer offset `at` (the end of a jump) at offset `target`.
  void patch_rel32(size_t at, size_t target) {
    const auto rel = static_cast<int32_t>(static_cast<int64_t>(target) - static_cast<int64_t>(at + 4));
    std::memcpy(a_->bufferData() + at, &rel, 4);
  }
  // Does the loop at `loop` check on the way round instead (jit_flow::LatchChecks)?
  // Asked for each loop in order.
  bool header_moved(size_t loop) {
    return header_unchecked_.at(loop) != nullptr;
  }
  // Around calls into C++: the fuel in the context for the callee, and back.
  // Written as bytes, as the charges are: every call site's slow path has both, and
  // asmjit took ~280 instructions to write each (sqlite3 insert: 0.27 point of fuel).
  void fuel_out() {
    if (fuel_) fuel_move(0x89);  // mov [kCtx + kCtxFuel], kFuel
  }
  void fuel_in() {
    if (fuel_) fuel_move(0x8B);  // mov kFuel, [kCtx + kCtxFuel]
  }
  // REX.W (+R, +B for r8-r15), the opcode, then ModRM with kFuel in reg and kCtx in
  // r/m, disp8 (mod 01) or disp32 (mod 10); kCtx's low bits are not 4 (rsp/r12 would
  // need a SIB byte).
  void fuel_move(uint8_t opcode) {
    static_assert((kCtxId & 7) != 4);
    const uint8_t rex = 0x48 | ((kFuelId >> 3) << 2) | (kCtxId >> 3);
    const uint8_t reg_rm = ((kFuelId & 7) << 3) | (kCtxId & 7);
    if (kCtxFuel >= -128 && kCtxFuel <= 127) {
      const uint8_t code[4] = {rex, opcode, static_cast<uint8_t>(0x40 | reg_rm), static_cast<uint8_t>(kCtxFuel)};
      put_bytes(code);
    } else {
      uint8_t code[7] = {rex, opcode, static_cast<uint8_t>(0x80 | reg_rm)};
      std::memcpy(code + 3, &kCtxFuel, 4);
      put_bytes(code);
    }
  }


  // The deadline poll (engines with deadline checks): the store's interrupt flag.
  void poll() {
    if (!deadline_) return;
    a_->cmp(x86::dword_ptr(kCtx, kCtxInterrupt), 0);
    a_->jne(trap(TrapKind::DeadlineExceeded));
  }
  void call_helper(const void* fn) {
    a_->mov(x86::rax, Imm(reinterpret_cast<uint64_t>(fn)));
    a_->call(x86::rax);
  }

  // --- function entry and exit ---
  // The caller's r12-r15 and rbp are this call's too (the convention at the top).
  void prologue() {
    x86::Assembler& a = *a_;
    // A function that calls itself takes its entry charge (without the self-calls'
    // units) before anything else; its self-calls paid it and enter at `direct_`.
    direct_ = a.newLabel();
    if (entry_units_ > 0) {
      entry_fail_ = a.newLabel();
      sub_fuel(entry_units_);
      a.jl(entry_fail_);
    }
    a.bind(direct_);
    a.push(x86::rbx);  // also aligns rsp to 16 bytes for the calls this code makes
    a.mov(kFp, x86::rdi);
    // The frame's end (its size is known at the end: read from after the code).
    a.mov(x86::rax, x86::qword_ptr(frame_label_));
    a.add(x86::rax, kFp);
    if (deadline_) {
      // Against ExecState::call_limit: 0 once a deadline has passed, so the check is
      // this call's deadline poll too; its rare path (epilogue) tells the two apart.
      limit_hit_ = a.newLabel();
      a.cmp(x86::rax, x86::qword_ptr(kCtx, kCtxCallLimit));
      a.ja(limit_hit_);
    } else {
      a.cmp(x86::rax, x86::qword_ptr(kCtx, kCtxStackEnd));
      a.ja(trap(TrapKind::CallStackExhausted));
    }
    a.cmp(x86::rsp, x86::qword_ptr(kCtx, kCtxNativeLimit));
    a.jb(trap(TrapKind::CallStackExhausted));
    a.mov(x86::eax, x86::dword_ptr(kCtx, kCtxDepth));
    a.cmp(x86::eax, x86::dword_ptr(kCtx, kCtxMaxDepth));
    a.jae(trap(TrapKind::CallStackExhausted));
    a.inc(x86::eax);
    a.mov(x86::dword_ptr(kCtx, kCtxDepth), x86::eax);

    // Declared locals start at zero.
    const uint32_t nz = nl_ - np_;
    if (nz > 0 && nz <= 16) {
      a.xor_(x86::eax, x86::eax);
      for (uint32_t i = np_; i < nl_; ++i) a.mov(q(i), x86::rax);
    } else if (nz > 16) {
      a.lea(x86::rdi, q(np_));
      a.mov(x86::ecx, nz);
      a.xor_(x86::eax, x86::eax);
      a.rep().stosq();
    }
    // The entry block's charge, or what its self-calls' units added to it (checked).
    charge(0, entry_units_ == 0, entry_units_);
  }

  void epilogue() {
    x86::Assembler& a = *a_;
    a.bind(ctls_[0].label);
    a.dec(x86::dword_ptr(kCtx, kCtxDepth));
    a.xor_(x86::eax, x86::eax);
    a.bind(pop_and_ret_);
    a.pop(x86::rbx);
    a.ret();
    if (deadline_) {
      a.bind(limit_hit_);  // the entry's frame check failed; rax: the frame's end
      a.cmp(x86::rax, x86::qword_ptr(kCtx, kCtxStackEnd));
      a.ja(trap(TrapKind::CallStackExhausted));
      a.jmp(trap(TrapKind::DeadlineExceeded));
    }
    // A charge that does not fit is not taken: the fuel keeps what was left.
    if (entry_fail_.isValid()) {  // before the prologue: nothing pushed, depth as it was
      a.bind(entry_fail_);
      a.add(kFuel, static_cast<int32_t>(entry_units_));
      a.mov(x86::byte_ptr(kCtx, kCtxTrapKind), static_cast<int>(TrapKind::FuelExhausted));
      a.mov(x86::eax, 1);
      a.ret();
    }
    for (const AheadCheck& c : ahead_checks_) {  // before the stubs: each adds one
      patch_rel32(c.rel32_at, a.offset());
      add_fuel(c.next);
      jl_to_stub(c.own);
      sub_fuel(c.next);
      patch_rel32(jmp_to_patch(), c.back);
    }
    for (const LeftoverTurn& t : leftover_turns_) {  // before the stubs: each adds one
      a.bind(t.one);
      add_fuel((kTurnsPerCheck - 1) * t.units);
      jl_to_stub(t.units);
      a.jmp(t.last);
    }
    if (!fuel_stubs_.empty()) {
      // Each gives its charge back and jumps here, a backward `jmp rel32` as bytes.
      const size_t exhausted = a.offset();
      a.jmp(trap(TrapKind::FuelExhausted));
      for (const FuelStub& stub : fuel_stubs_) {
        patch_rel32(stub.rel32_at, a.offset());
        add_fuel(stub.units);
        patch_rel32(jmp_to_patch(), exhausted);
      }
    }
    if (mem_fail_.isValid()) {
      // A bounds check against mem_limit failed (address()); rcx: the access's end.
      a.bind(mem_fail_);
      a.cmp(x86::rcx, kMemS);
      a.ja(trap(TrapKind::OutOfBoundsMemoryAccess));
      a.jmp(trap(TrapKind::DeadlineExceeded));
    }
    for (const SlowCall& c : slow_calls_) emit_slow_call(c);
    // The fuel stays in rbp: the entry trampoline writes it back.
    for (int k = 1; k < kTrapKinds; ++k) {
      a.bind(trap_labels_[k]);
      a.mov(x86::byte_ptr(kCtx, kCtxTrapKind), k);
      a.mov(x86::eax, 1);
      a.jmp(pop_and_ret_);
    }
    a.bind(propagate_);  // a callee or helper trapped and recorded it
    a.mov(x86::eax, 1);
    a.jmp(pop_and_ret_);
    a.align(AlignMode::kData, 8);
    a.bind(frame_label_);
    const uint64_t frame_bytes = static_cast<uint64_t>(nl_ + max_height_ + 1) * 8;
    a.embed(&frame_bytes, sizeof frame_bytes);
  }

  // --- control ---
  void block_arity(const BlockType& bt, uint32_t* np, uint32_t* nr) const {
    switch (bt.kind) {
      case BlockType::Kind::Empty: *np = 0; *nr = 0; return;
      case BlockType::Kind::Value:
        check_type(bt.value);
        *np = 0;
        *nr = 1;
        return;
      case BlockType::Kind::TypeIndex: {
        const FuncType& t = m_.types[bt.type_index];
        for (ValType v : t.params) check_type(v);
        for (ValType v : t.results) check_type(v);
        *np = static_cast<uint32_t>(t.params.size());
        *nr = static_cast<uint32_t>(t.results.size());
        return;
      }
    }
  }

  void enter_block(const Instr& in) {
    Ctl c;
    c.kind = in.op;
    block_arity(in.block, &c.nparams, &c.nresults);
    c.label = a_->newLabel();
    if (in.op == Op::If) {
      const Entry cond = pop();
      materialize_all();
      c.else_label = a_->newLabel();
      if (cond.is_const) {
        if (static_cast<uint32_t>(cond.bits) == 0) a_->jmp(c.else_label);
      } else {
        a_->cmp(d(cond.slot), 0);
        a_->je(c.else_label);
      }
    } else {
      materialize_all();
    }
    c.height = static_cast<uint32_t>(stack_.size()) - c.nparams;
    if (in.op == Op::Loop) {
      a_->bind(c.label);
      if (deadline_ && loop_poll_[pc_]) poll();  // every turn, unless an access polls
    }
    // The loop's body (checked, unless every turn calls), the then arm.
    if (in.op != Op::Block) {
      charge(pc_ + 1, in.op == Op::Loop && fuel_ && (loop_check_.empty() || loop_check_[pc_]) &&
                          !header_moved(pc_));
    }
    ctls_.push_back(c);
  }

  // Fuel: a loop whose turn is one straight block that goes round by the `br_if 0` just
  // before its `end`, with no call and no helper, whose header would check, and whose
  // exit does not depend on what the turn reads from memory (a counted loop: a fill, a
  // copy, a strided store; not a search or a scan, which often stops after a turn or
  // two: jit_flow::exit_reads_memory). Every turn pays the same units at the header, a
  // check each: two instructions a turn. Such a loop is written as kTurnsPerCheck copies
  // of its turn under one check for all of them:
  //
  //   top:   [poll] sub fuel, U·C ; jl one
  //          turn ; br_if to next ; add fuel, (U-1)·C ; jmp out   (gives back the turns
  //   next:  ...                                                   it did not run)
  //   last:  turn ; br_if to top
  //   out:
  //   ...
  //   one:   add fuel, (U-1)·C ; jl stub (gives C back) ; jmp last   (out of line)
  //
  // When the fuel cannot pay U turns (F - U·C < 0), `one` takes C alone and runs the
  // last copy, which pays no give-back: a run pays C a turn on every path, as before,
  // and one that can pay for its turns completes. The check costs two instructions every
  // U turns instead of every turn; a loop that leaves before its U-th turn pays two more
  // (the give-back and its jump), and compiling it costs U times its turn.
  static constexpr uint32_t kTurnsPerCheck = 4;
  static constexpr size_t kMaxUnrolledTurn = 16;  // instructions
  // The index of the loop's `br_if 0` when the loop at `loop` is one to unroll; else 0.
  size_t unrollable_loop(size_t loop) const {
    if (!(loop_check_.empty() || loop_check_[loop])) return 0;
    return unrollable_shape(loop);
  }
  // The same from the loop's shape alone (before the fuel's analyses): such a loop has
  // no call, so it checks, unless loops_lacking was not run. Its header keeps its
  // charge (block_costs).
  jit_flow::KeepHeader keep_header() const {
    return {[](const void* t, uint32_t loop) { return static_cast<const Translator*>(t)->unrollable_shape(loop) != 0; },
            this};
  }
  size_t unrollable_shape(size_t loop) const {
    const Instr& in = instrs_[loop];
    if (!fuel_ || in.block.kind != BlockType::Kind::Empty) return 0;
    for (size_t k = loop + 1; k < instrs_.size() && k <= loop + kMaxUnrolledTurn; ++k) {
      const Op op = instrs_[k].op;
      if (op == Op::BrIf) {
        if (k == loop + 1 || instrs_[k].index != 0 || k + 1 >= instrs_.size() || instrs_[k + 1].op != Op::End) {
          return 0;
        }
        // The condition must not be a constant (only a constant instruction makes one,
        // or a tee of it): a constant br_if is a `br` or nothing, and would leave the
        // copies after it dead.
        const Op cond = instrs_[k - 1].op;
        const bool computed = is_int_compare(cond) || cond == Op::LocalGet ||
                              (cond >= Op::I32Load && cond <= Op::I64Load32U) ||
                              (cond >= Op::I32Clz && cond <= Op::I64Rotr);
        return computed && !jit_flow::exit_reads_memory(instrs_, loop + 1, k) ? k : 0;
      }
      if (jit_flow::is_flow_point(op) || needs_slow_op(op)) return 0;
    }
    return 0;
  }
  // The loop at pc_ whose `br_if 0` is at `latch` (unrollable_loop), up to that br_if;
  // pc_ is left on it, and the loop's `end` is translated as any other.
  void unrolled_loop(size_t latch) {
    x86::Assembler& a = *a_;
    const size_t loop = pc_;
    const uint32_t turn = cost_[loop + 1];
    Ctl c;
    c.kind = Op::Loop;
    c.label = a.newLabel();  // top
    materialize_all();
    c.height = static_cast<uint32_t>(stack_.size());
    ctls_.push_back(c);
    header_moved(loop);  // keeps the cursor in step (such a loop checks at its header)
    const std::vector<Entry> entry_stack = stack_;
    const Label top = c.label, out = a.newLabel();
    // One turn: the stack as the loop starts it, its br_if to `back`.
    auto copy = [&](Label back) {
      stack_ = entry_stack;
      ctls_.back().label = back;
      for (pc_ = loop + 1; pc_ <= latch; ++pc_) instruction(instrs_[pc_]);
      pc_ = latch;
    };
    a.bind(top);
    if (deadline_ && loop_poll_[loop]) poll();
    sub_fuel(kTurnsPerCheck * turn);
    const LeftoverTurn leftover{a.newLabel(), a.newLabel(), turn};
    a.jl(leftover.one);
    for (uint32_t j = 1; j < kTurnsPerCheck; ++j) {
      const Label next = a.newLabel();
      copy(next);
      add_fuel((kTurnsPerCheck - j) * turn);
      a.jmp(out);
      a.bind(next);
    }
    a.bind(leftover.last);
    copy(top);
    ctls_.back().label = top;
    a.bind(out);
    leftover_turns_.push_back(leftover);
  }

  // The If fused with the compare before it: flags are set, `cc` is the true condition.
  void enter_if_cc(const Instr& in, x86::CondCode cc) {
    Ctl c;
    c.kind = Op::If;
    block_arity(in.block, &c.nparams, &c.nresults);
    c.label = a_->newLabel();
    c.else_label = a_->newLabel();
    materialize_all();  // movs only: the flags survive
    a_->j(x86::negateCond(cc), c.else_label);
    c.height = static_cast<uint32_t>(stack_.size()) - c.nparams;
    charge(pc_ + 1);  // the then arm
    ctls_.push_back(c);
  }

  void reset_stack(uint32_t height, uint32_t n) {
    stack_.resize(height);
    for (uint32_t i = 0; i < n; ++i) push_slot(pos_slot(stack_.size()));
  }

  void do_else() {
    Ctl& c = ctls_.back();
    if (!c.dead) {
      materialize_top(c.nresults);
      a_->jmp(c.label);
    }
    a_->bind(c.else_label);
    c.has_else = true;
    c.dead = false;
    reset_stack(c.height, c.nparams);
    charge(pc_ + 1);  // the else arm
  }

  // Returns true at the function's end.
  bool do_end() {
    Ctl c = ctls_.back();
    if (c.kind == Op::End) {
      if (!c.dead) copy_results(ctls_[0]);  // falls into the return label
      return true;
    }
    ctls_.pop_back();
    if (!c.dead) materialize_top(c.nresults);
    if (c.kind == Op::If && !c.has_else) a_->bind(c.else_label);
    if (c.kind != Op::Loop) a_->bind(c.label);
    reset_stack(c.height, c.nresults);
    charge(pc_ + 1);  // what follows the end
    return false;
  }

  Ctl& target(uint32_t depth) { return ctls_[ctls_.size() - 1 - depth]; }
  uint32_t arity(const Ctl& t) const { return t.kind == Op::Loop ? t.nparams : t.nresults; }

  // Do the branch's values have to be moved to reach `t`?
  bool needs_moves(const Ctl& t) const {
    if (t.kind == Op::End) return nr_ > 0;
    const uint32_t n = arity(t);
    for (uint32_t k = 0; k < n; ++k) {
      const size_t pos = stack_.size() - n + k;
      const Entry& e = stack_[pos];
      if (e.is_const || e.slot != nl_ + t.height + k) return true;
    }
    return false;
  }
  // Moves the top values where `t` expects them (no jump).
  void branch_moves(const Ctl& t) {
    if (t.kind == Op::End) {
      copy_results(t);
      return;
    }
    const uint32_t n = arity(t);
    // Ascending: a destination is never above its source, and sources are read before
    // any later destination could overwrite them.
    for (uint32_t k = 0; k < n; ++k) store_entry(nl_ + t.height + k, stack_[stack_.size() - n + k]);
  }
  // The function's results into slots [0, nr).
  void copy_results(const Ctl&) {
    if (nr_ == 1) {
      store_entry(0, stack_.back());
      return;
    }
    // Several: first into their own slots (a result may read a local the copy below
    // overwrites), then down, ascending (destination below source).
    materialize_top(nr_);
    for (uint32_t k = 0; k < nr_; ++k) {
      const uint32_t src = pos_slot(stack_.size() - nr_ + k);
      if (src != k) {
        a_->mov(x86::rax, q(src));
        a_->mov(q(k), x86::rax);
      }
    }
  }
  void do_br(uint32_t depth) {
    Ctl& t = target(depth);
    branch_moves(t);
    a_->jmp(t.label);
    ctls_.back().dead = true;
  }
  // Does the `br_if` at pc_ pay its loop's header on its taken edge
  // (jit_flow::LatchChecks::taken)? Asked for each br_if in order.
  bool taken_charge() { return taken_checks_.at(pc_) != nullptr; }
  // The taken edge of such a `br_if` (its values moved): the header's units, and back
  // to the header when they fit; `jge` then the stub's `jmp` (which gives them back and
  // stops) instead of `jl` to the stub and a `jmp`.
  void taken_edge(Ctl& t) {
    branch_moves(t);
    const uint32_t units = cost_[pc_];
    sub_fuel(units);
    // The loop's label is bound: a backward jump, written as bytes too.
    patch_rel32(jcc_to_patch(x86::CondCode::kGE), code_.labelOffset(t.label));
    fuel_stubs_.push_back({jmp_to_patch(), units});
  }
  // A conditional branch whose flags are set: taken when `cc` holds.
  void br_if_cc(uint32_t depth, x86::CondCode cc) {
    Ctl& t = target(depth);
    if (fuel_ && taken_charge()) {
      const size_t skip = jcc_to_patch(x86::negateCond(cc));
      taken_edge(t);
      patch_rel32(skip, a_->offset());
      return;
    }
    if (!needs_moves(t)) {
      a_->j(cc, t.label);
      return;
    }
    Label skip = a_->newLabel();
    a_->j(x86::negateCond(cc), skip);
    branch_moves(t);
    a_->jmp(t.label);
    a_->bind(skip);
  }
  void do_br_if(uint32_t depth) {
    const Entry cond = pop();
    if (cond.is_const) {
      if (static_cast<uint32_t>(cond.bits) != 0) {
        if (fuel_ && taken_charge()) {
          taken_edge(target(depth));
          ctls_.back().dead = true;
        } else {
          do_br(depth);
        }
      } else {
        charge(pc_ + 1);
      }
      return;
    }
    a_->cmp(d(cond.slot), 0);
    br_if_cc(depth, x86::CondCode::kNE);
    charge(pc_ + 1);  // the fall-through
  }
  void do_br_table(const Instr& in) {
    x86::Assembler& a = *a_;
    const Entry idx = pop();
    const uint32_t count = static_cast<uint32_t>(in.targets.size());
    load32(x86::eax, idx);
    a.mov(x86::ecx, count);
    a.cmp(x86::eax, x86::ecx);
    a.cmova(x86::eax, x86::ecx);
    Label table = a.newLabel();
    a.lea(x86::rcx, x86::ptr(table));
    a.jmp(x86::qword_ptr(x86::rcx, x86::rax, 3));
    // One stub per distinct target that needs moves; the others are jumped to directly.
    std::vector<std::pair<uint32_t, Label>> stubs;
    std::vector<Label> entries;
    for (uint32_t i = 0; i <= count; ++i) {
      const uint32_t depth = i < count ? in.targets[i] : in.index;
      Ctl& t = target(depth);
      if (!needs_moves(t)) {
        entries.push_back(t.label);
        continue;
      }
      Label stub;
      for (auto& [dd, l] : stubs) {
        if (dd == depth) stub = l;
      }
      if (!stub.isValid()) {
        stub = a.newLabel();
        stubs.emplace_back(depth, stub);
      }
      entries.push_back(stub);
    }
    for (auto& [depth, stub] : stubs) {
      a.bind(stub);
      Ctl& t = target(depth);
      branch_moves(t);
      a.jmp(t.label);
    }
    a.align(AlignMode::kData, 8);
    a.bind(table);
    for (const Label& l : entries) a.embedLabel(l, 8);
    ctls_.back().dead = true;
  }

  // --- calls ---
  // FuncInst* of the callee in rax; its frame at stack position `base`. A translated
  // callee of this instance is called natively; `may_cross` (an import, call_indirect):
  // the callee may belong to another instance, which goes through C++ like host
  // functions and interpreted callees (out of line: emit_slow_call).
  void call_func_in_rax(uint32_t base, bool may_cross) {
    x86::Assembler& a = *a_;
    SlowCall sc{a.newLabel(), a.newLabel(), base};
    a.mov(x86::rcx, x86::qword_ptr(x86::rax, kFuncCode));
    a.test(x86::rcx, x86::rcx);
    a.jz(sc.entry);
    a.mov(x86::rcx, x86::qword_ptr(x86::rcx, kCodeJit));
    a.test(x86::rcx, x86::rcx);
    a.jz(sc.entry);
    if (may_cross) {
      a.cmp(x86::qword_ptr(x86::rax, kFuncInstance), kInst);
      a.jne(sc.entry);
    }
    a.lea(x86::rdi, q(pos_slot(base)));
    a.call(x86::rcx);
    a.test(x86::eax, x86::eax);
    a.jnz(propagate_);
    a.bind(sc.back);
    slow_calls_.push_back(sc);
    reload_memory();
  }
  void emit_slow_call(const SlowCall& sc) {
    x86::Assembler& a = *a_;
    a.bind(sc.entry);
    fuel_out();
    a.mov(x86::rdi, kCtx);
    a.mov(x86::rsi, x86::rax);
    a.lea(x86::rdx, q(pos_slot(sc.base)));
    a.mov(x86::rcx, kInst);
    call_helper(reinterpret_cast<const void*>(&jit_detail::jit_call_slow));
    fuel_in();  // before a trap too: the trampoline writes rbp back
    a.test(x86::eax, x86::eax);
    a.jnz(propagate_);
    a.jmp(sc.back);
  }
  void do_call(const FuncType& ft, std::optional<uint32_t> func_index, const Instr* indirect) {
    for (ValType t : ft.params) check_type(t);
    for (ValType t : ft.results) check_type(t);
    const uint32_t np = static_cast<uint32_t>(ft.params.size());
    const uint32_t nr = static_cast<uint32_t>(ft.results.size());
    x86::Assembler& a = *a_;
    if (indirect) {
      const Entry idx = pop();
      load32(x86::r8, idx);
      materialize_top(np);
      a.mov(x86::rdi, kCtx);
      a.mov(x86::rsi, kInst);
      a.mov(x86::edx, indirect->index2);
      a.mov(x86::ecx, indirect->index);
      call_helper(reinterpret_cast<const void*>(&jit_detail::jit_resolve_indirect));
      a.test(x86::rax, x86::rax);
      a.jz(propagate_);
    } else {
      materialize_top(np);
    }
    const bool itself = !indirect && *func_index == func_index_;
    if (!indirect && !itself) {
      a.mov(x86::rax, x86::qword_ptr(kInst, kViewFuncs));
      a.mov(x86::rax, x86::qword_ptr(x86::rax, static_cast<int32_t>(*func_index * 8)));
    }
    const uint32_t base = static_cast<uint32_t>(stack_.size()) - np;
    // The callee's frame may reach past this frame's operand slots.
    max_height_ = std::max(max_height_, base + std::max(np, nr));
    if (itself) {
      // This very code, of this instance, entered at `direct_`: past the entry's fuel
      // charge, which the caller's block paid (call_units_); no lookup of the callee.
      a.lea(x86::rdi, q(pos_slot(base)));
      a.call(direct_);
      a.test(x86::eax, x86::eax);
      a.jnz(propagate_);
      reload_memory();
    } else {
      call_func_in_rax(base, indirect != nullptr || *func_index < m_.num_imported_funcs);
    }
    stack_.resize(base);
    for (uint32_t i = 0; i < nr; ++i) push_result();
  }

  // --- helpers for the rest ---
  // The instruction `in` run by jit_slow_op: its `nin` operands in their slots, its
  // result (if `has_result`) written to the slot of its position.
  void slow_op(const Instr& in, uint32_t nin, bool has_result) {
    materialize_top(nin);
    const uint32_t base = static_cast<uint32_t>(stack_.size()) - nin;
    SlowOp s;
    s.op = in.op;
    s.a = pos_slot(base);
    s.b = s.a + 1;
    s.c = s.a + 2;
    s.dst = s.a;
    s.imm = in.index;
    s.imm2 = in.index2;
    if (out_.slow_ops.size() == out_.slow_ops.capacity()) throw Unsupported{"internal: slow op count"};
    out_.slow_ops.push_back(s);
    const SlowOp* p = &out_.slow_ops.back();
    x86::Assembler& a = *a_;
    a.mov(x86::rdi, kCtx);
    a.mov(x86::rsi, kInst);
    a.mov(x86::rdx, kFp);
    a.mov(x86::rcx, Imm(reinterpret_cast<uint64_t>(p)));
    call_helper(reinterpret_cast<const void*>(&jit_detail::jit_slow_op));
    a.test(x86::eax, x86::eax);
    a.jnz(propagate_);
    reload_memory();
    stack_.resize(base);
    if (has_result) push_result();
    max_height_ = std::max(max_height_, base + nin + 1);
  }

  // --- memory ---
  // rax = the access's effective address (64-bit); traps unless [ea, ea + size) fits.
  // Returns the displacement to add to [r13 + rax].
  int32_t address(const Entry& addr, uint64_t offset, uint32_t size) {
    x86::Assembler& a = *a_;
    load32(x86::eax, addr);
    int32_t disp = 0;
    if (offset + size <= 0x7fffffffu) {
      a.lea(x86::rcx, x86::ptr(x86::rax, static_cast<int32_t>(offset + size)));
      disp = static_cast<int32_t>(offset);
    } else {
      a.mov(x86::rcx, Imm(offset));
      a.add(x86::rax, x86::rcx);
      a.lea(x86::rcx, x86::ptr(x86::rax, static_cast<int32_t>(size)));
    }
    bounds_check_rcx();
    return disp;
  }
  // Traps unless the access ending at rcx fits. Under deadline checks the accesses that
  // stand for their loop's poll (mem_poll_) compare with ExecState::mem_limit, the size
  // until a deadline passes and 0 after (store.h): the rare path (mem_fail_) tells the
  // two apart with the real size in r14. The others compare with r14 (a register, no
  // load).
  void bounds_check_rcx() {
    if (deadline_ && mem_poll_[pc_]) {
      if (!mem_fail_.isValid()) mem_fail_ = a_->newLabel();
      a_->cmp(x86::rcx, x86::qword_ptr(kCtx, kCtxMemLimit));
      a_->ja(mem_fail_);
    } else {
      a_->cmp(x86::rcx, kMemS);
      a_->ja(trap(TrapKind::OutOfBoundsMemoryAccess));
    }
  }
  void do_load(const Instr& in) {
    x86::Assembler& a = *a_;
    const Entry addr = pop();
    uint32_t size = 0;
    switch (in.op) {
      case Op::I32Load8S: case Op::I32Load8U: case Op::I64Load8S: case Op::I64Load8U: size = 1; break;
      case Op::I32Load16S: case Op::I32Load16U: case Op::I64Load16S: case Op::I64Load16U: size = 2; break;
      case Op::I32Load: case Op::F32Load: case Op::I64Load32S: case Op::I64Load32U: size = 4; break;
      default: size = 8; break;
    }
    const int32_t disp = address(addr, in.value, size);
    auto mem = [&](uint32_t n) { return x86::ptr(kMemB, x86::rax, 0, disp, n); };
    switch (in.op) {
      case Op::I32Load: case Op::F32Load: case Op::I64Load32U: a.mov(x86::eax, mem(4)); break;
      case Op::I64Load: case Op::F64Load: a.mov(x86::rax, mem(8)); break;
      case Op::I32Load8S: a.movsx(x86::eax, mem(1)); break;
      case Op::I32Load8U: case Op::I64Load8U: a.movzx(x86::eax, mem(1)); break;
      case Op::I32Load16S: a.movsx(x86::eax, mem(2)); break;
      case Op::I32Load16U: case Op::I64Load16U: a.movzx(x86::eax, mem(2)); break;
      case Op::I64Load8S: a.movsx(x86::rax, mem(1)); break;
      case Op::I64Load16S: a.movsx(x86::rax, mem(2)); break;
      case Op::I64Load32S: a.movsxd(x86::rax, mem(4)); break;
      default: throw Unsupported{"internal: load"};
    }
    a.mov(q(push_result()), x86::rax);
  }
  void do_store(const Instr& in) {
    x86::Assembler& a = *a_;
    const Entry v = pop();
    const Entry addr = pop();
    uint32_t size = 0;
    switch (in.op) {
      case Op::I32Store8: case Op::I64Store8: size = 1; break;
      case Op::I32Store16: case Op::I64Store16: size = 2; break;
      case Op::I32Store: case Op::F32Store: case Op::I64Store32: size = 4; break;
      default: size = 8; break;
    }
    // The value first: the address's computation takes rax and rcx.
    if (!(v.is_const && (size < 8 || fits_i32(v.bits)))) load64(x86::rdx, v);
    const int32_t disp = address(addr, in.value, size);
    const x86::Mem m = x86::ptr(kMemB, x86::rax, 0, disp, size);
    if (v.is_const && (size < 8 || fits_i32(v.bits))) {
      const int64_t imm = size == 1   ? static_cast<int64_t>(static_cast<uint8_t>(v.bits))
                          : size == 2 ? static_cast<int64_t>(static_cast<uint16_t>(v.bits))
                          : size == 4 ? static_cast<int64_t>(static_cast<int32_t>(v.bits))
                                      : static_cast<int64_t>(v.bits);
      a.mov(m, Imm(imm));
      return;
    }
    switch (size) {
      case 1: a.mov(m, x86::dl); break;
      case 2: a.mov(m, x86::dx); break;
      case 4: a.mov(m, x86::edx); break;
      default: a.mov(m, x86::rdx); break;
    }
  }

  // --- numeric ---
  // Sets the flags for an integer compare (or eqz) and returns the condition that is
  // true; the operands are popped.
  x86::CondCode int_compare(Op op) {
    x86::Assembler& a = *a_;
    if (op == Op::I32Eqz || op == Op::I64Eqz) {
      const Entry x = pop();
      if (x.is_const) {
        load64(x86::rax, x);
        a.test(x86::rax, x86::rax);
      } else if (op == Op::I32Eqz) {
        a.cmp(d(x.slot), 0);
      } else {
        a.cmp(q(x.slot), 0);
      }
      return x86::CondCode::kE;
    }
    const Entry y = pop();
    const Entry x = pop();
    const bool wide = op >= Op::I64Eq && op <= Op::I64GeU;
    load(x86::rax, x, wide);
    a.emit(x86::Inst::kIdCmp, sized(x86::rax, wide), wide ? op64(y) : op32(y));
    switch (op) {
      case Op::I32Eq: case Op::I64Eq: return x86::CondCode::kE;
      case Op::I32Ne: case Op::I64Ne: return x86::CondCode::kNE;
      case Op::I32LtS: case Op::I64LtS: return x86::CondCode::kL;
      case Op::I32LtU: case Op::I64LtU: return x86::CondCode::kB;
      case Op::I32GtS: case Op::I64GtS: return x86::CondCode::kG;
      case Op::I32GtU: case Op::I64GtU: return x86::CondCode::kA;
      case Op::I32LeS: case Op::I64LeS: return x86::CondCode::kLE;
      case Op::I32LeU: case Op::I64LeU: return x86::CondCode::kBE;
      case Op::I32GeS: case Op::I64GeS: return x86::CondCode::kGE;
      case Op::I32GeU: case Op::I64GeU: return x86::CondCode::kAE;
      default: throw Unsupported{"internal: compare"};
    }
  }
  static bool is_int_compare(Op op) {
    return (op >= Op::I32Eqz && op <= Op::I32GeU) || (op >= Op::I64Eqz && op <= Op::I64GeU);
  }
  // A compare: fused into the br_if or if right after it, or its 0/1 pushed.
  void do_compare(Op op) {
    const x86::CondCode cc = int_compare(op);
    if (pc_ + 1 < instrs_.size()) {
      const Instr& next = instrs_[pc_ + 1];
      if (next.op == Op::BrIf) {
        ++pc_;
        br_if_cc(next.index, cc);
        charge(pc_ + 1);  // the fall-through
        return;
      }
      if (next.op == Op::If) {
        ++pc_;
        enter_if_cc(next, cc);
        return;
      }
    }
    a_->set(cc, x86::al);
    a_->movzx(x86::eax, x86::al);
    a_->mov(q(push_result()), x86::rax);
  }

  void int_binary(Op op) {
    x86::Assembler& a = *a_;
    const Entry y = pop();
    const Entry x = pop();
    const bool wide = op >= Op::I64Clz;
    const x86::Gp r = sized(x86::rax, wide);
    load(x86::rax, x, wide);
    auto rhs = [&] { return wide ? op64(y) : op32(y); };
    switch (op) {
      case Op::I32Add: case Op::I64Add: a.emit(x86::Inst::kIdAdd, r, rhs()); break;
      case Op::I32Sub: case Op::I64Sub: a.emit(x86::Inst::kIdSub, r, rhs()); break;
      case Op::I32And: case Op::I64And: a.emit(x86::Inst::kIdAnd, r, rhs()); break;
      case Op::I32Or: case Op::I64Or: a.emit(x86::Inst::kIdOr, r, rhs()); break;
      case Op::I32Xor: case Op::I64Xor: a.emit(x86::Inst::kIdXor, r, rhs()); break;
      case Op::I32Mul: case Op::I64Mul: {
        const Operand o = rhs();
        if (o.isImm()) {
          a.emit(x86::Inst::kIdImul, r, r, o);
        } else {
          a.emit(x86::Inst::kIdImul, r, o);
        }
        break;
      }
      case Op::I32Shl: case Op::I32ShrS: case Op::I32ShrU: case Op::I32Rotl: case Op::I32Rotr:
      case Op::I64Shl: case Op::I64ShrS: case Op::I64ShrU: case Op::I64Rotl: case Op::I64Rotr: {
        InstId id = 0;
        switch (op) {
          case Op::I32Shl: case Op::I64Shl: id = x86::Inst::kIdShl; break;
          case Op::I32ShrS: case Op::I64ShrS: id = x86::Inst::kIdSar; break;
          case Op::I32ShrU: case Op::I64ShrU: id = x86::Inst::kIdShr; break;
          case Op::I32Rotl: case Op::I64Rotl: id = x86::Inst::kIdRol; break;
          default: id = x86::Inst::kIdRor; break;
        }
        if (y.is_const) {
          a.emit(id, r, Imm(static_cast<int>(y.bits & (wide ? 63 : 31))));
        } else {
          a.mov(x86::ecx, d(y.slot));  // x86 masks the count as wasm does
          a.emit(id, r, x86::cl);
        }
        break;
      }
      case Op::I32DivS: case Op::I32DivU: case Op::I32RemS: case Op::I32RemU:
      case Op::I64DivS: case Op::I64DivU: case Op::I64RemS: case Op::I64RemU:
        divide(op, wide, y);
        return;
      default: throw Unsupported{"internal: binary"};
    }
    a.mov(q(push_result()), x86::rax);
  }
  // x in rax/eax.
  void divide(Op op, bool wide, const Entry& y) {
    x86::Assembler& a = *a_;
    const x86::Gp rx = sized(x86::rax, wide), ry = sized(x86::rcx, wide), rd = sized(x86::rdx, wide);
    load(x86::rcx, y, wide);
    a.test(ry, ry);
    a.jz(trap(TrapKind::IntegerDivideByZero));
    const bool is_signed = op == Op::I32DivS || op == Op::I32RemS || op == Op::I64DivS || op == Op::I64RemS;
    const bool is_rem = op == Op::I32RemS || op == Op::I32RemU || op == Op::I64RemS || op == Op::I64RemU;
    Label done = a.newLabel();
    if (is_signed) {
      Label normal = a.newLabel();
      a.cmp(ry, -1);
      a.jne(normal);
      if (is_rem) {
        a.xor_(x86::edx, x86::edx);  // x rem -1 = 0 (idiv would fault on MIN)
        a.jmp(done);
      } else {
        if (wide) {
          a.mov(x86::rdx, Imm(INT64_MIN));
          a.cmp(x86::rax, x86::rdx);
        } else {
          a.cmp(x86::eax, Imm(INT32_MIN));
        }
        a.je(trap(TrapKind::IntegerOverflow));
      }
      a.bind(normal);
      if (wide) {
        a.cqo(x86::rdx, x86::rax);
      } else {
        a.cdq(x86::edx, x86::eax);
      }
      a.idiv(rd, rx, ry);
    } else {
      a.xor_(x86::edx, x86::edx);
      a.div(rd, rx, ry);
    }
    a.bind(done);
    if (is_rem) a.mov(x86::rax, x86::rdx);
    if (!wide) a.mov(x86::eax, x86::eax);  // the slot's upper half stays zero
    a.mov(q(push_result()), x86::rax);
  }

  // clz / ctz without lzcnt/tzcnt (not in baseline x86-64): bsr / bsf, whose result is
  // undefined for 0, with the answer for 0 put in by cmovz. clz = (bits - 1) - bsr.
  void count_zeros(const Entry& x, bool wide, bool leading) {
    x86::Assembler& a = *a_;
    const uint32_t bits = wide ? 64 : 32;
    const x86::Gp r = sized(x86::rax, wide), c = sized(x86::rcx, wide), v = sized(x86::rdx, wide);
    load(x86::rdx, x, wide);
    if (leading) {
      a.mov(c, -1);
      a.bsr(r, v);
      a.cmovz(r, c);
      a.neg(r);
      a.add(r, bits - 1);
    } else {
      a.mov(c, bits);
      a.bsf(r, v);
      a.cmovz(r, c);
    }
  }

  void int_unary(Op op) {
    x86::Assembler& a = *a_;
    const Entry x = pop();
    switch (op) {
      case Op::I32Clz: count_zeros(x, false, true); break;
      case Op::I32Ctz: count_zeros(x, false, false); break;
      case Op::I64Clz: count_zeros(x, true, true); break;
      case Op::I64Ctz: count_zeros(x, true, false); break;
      case Op::I32WrapI64: load32(x86::eax, x); break;
      case Op::I64ExtendI32U: load32(x86::eax, x); break;
      case Op::I64ExtendI32S: load32(x86::eax, x); a.movsxd(x86::rax, x86::eax); break;
      case Op::I32Extend8S: load32(x86::eax, x); a.movsx(x86::eax, x86::al); break;
      case Op::I32Extend16S: load32(x86::eax, x); a.movsx(x86::eax, x86::ax); break;
      case Op::I64Extend8S: load64(x86::rax, x); a.movsx(x86::rax, x86::al); break;
      case Op::I64Extend16S: load64(x86::rax, x); a.movsx(x86::rax, x86::ax); break;
      case Op::I64Extend32S: load64(x86::rax, x); a.movsxd(x86::rax, x86::eax); break;
      default: throw Unsupported{"internal: unary"};
    }
    a.mov(q(push_result()), x86::rax);
  }

  // Float values travel as bits in general registers; arithmetic in xmm0/xmm1.
  void load_xmm(const x86::Xmm& r, const Entry& e, bool f64) {
    if (e.is_const) {
      load64(x86::rax, e);
      a_->movq(r, x86::rax);
    } else if (f64) {
      a_->movsd(r, q(e.slot));
    } else {
      a_->movss(r, d(e.slot));
    }
  }
  void store_xmm0(bool f64) {
    if (f64) {
      a_->movq(x86::rax, x86::xmm0);
    } else {
      a_->movd(x86::eax, x86::xmm0);
    }
    a_->mov(q(push_result()), x86::rax);
  }
  void float_binary(Op op) {
    x86::Assembler& a = *a_;
    const bool f64 = op >= Op::F64Abs;
    const Entry y = pop();
    const Entry x = pop();
    load_xmm(x86::xmm0, x, f64);
    load_xmm(x86::xmm1, y, f64);
    switch (op) {
      case Op::F32Add: a.addss(x86::xmm0, x86::xmm1); break;
      case Op::F32Sub: a.subss(x86::xmm0, x86::xmm1); break;
      case Op::F32Mul: a.mulss(x86::xmm0, x86::xmm1); break;
      case Op::F32Div: a.divss(x86::xmm0, x86::xmm1); break;
      case Op::F64Add: a.addsd(x86::xmm0, x86::xmm1); break;
      case Op::F64Sub: a.subsd(x86::xmm0, x86::xmm1); break;
      case Op::F64Mul: a.mulsd(x86::xmm0, x86::xmm1); break;
      case Op::F64Div: a.divsd(x86::xmm0, x86::xmm1); break;
      default: throw Unsupported{"internal: float binary"};
    }
    store_xmm0(f64);
  }
  void float_compare(Op op) {
    x86::Assembler& a = *a_;
    const bool f64 = op >= Op::F64Eq;
    const Entry y = pop();
    const Entry x = pop();
    load_xmm(x86::xmm0, x, f64);
    load_xmm(x86::xmm1, y, f64);
    auto ucomi = [&](const x86::Xmm& p, const x86::Xmm& r) {
      if (f64) {
        a.ucomisd(p, r);
      } else {
        a.ucomiss(p, r);
      }
    };
    switch (op) {
      case Op::F32Eq: case Op::F64Eq:
        ucomi(x86::xmm0, x86::xmm1);
        a.sete(x86::al);
        a.setnp(x86::cl);
        a.and_(x86::al, x86::cl);
        break;
      case Op::F32Ne: case Op::F64Ne:
        ucomi(x86::xmm0, x86::xmm1);
        a.setne(x86::al);
        a.setp(x86::cl);
        a.or_(x86::al, x86::cl);
        break;
      // Unordered sets CF and ZF: "above" forms are false on NaN.
      case Op::F32Lt: case Op::F64Lt: ucomi(x86::xmm1, x86::xmm0); a.seta(x86::al); break;
      case Op::F32Le: case Op::F64Le: ucomi(x86::xmm1, x86::xmm0); a.setae(x86::al); break;
      case Op::F32Gt: case Op::F64Gt: ucomi(x86::xmm0, x86::xmm1); a.seta(x86::al); break;
      case Op::F32Ge: case Op::F64Ge: ucomi(x86::xmm0, x86::xmm1); a.setae(x86::al); break;
      default: throw Unsupported{"internal: float compare"};
    }
    a.movzx(x86::eax, x86::al);
    a.mov(q(push_result()), x86::rax);
  }
  // The float ops done on bits, and the conversions x86 does as wasm does.
  void float_unary(Op op) {
    x86::Assembler& a = *a_;
    const Entry x = pop();
    switch (op) {
      case Op::F32Neg: load32(x86::eax, x); a.xor_(x86::eax, Imm(0x80000000u)); break;
      case Op::F32Abs: load32(x86::eax, x); a.and_(x86::eax, Imm(0x7fffffff)); break;
      case Op::F64Neg: load64(x86::rax, x); a.btc(x86::rax, 63); break;
      case Op::F64Abs: load64(x86::rax, x); a.btr(x86::rax, 63); break;
      case Op::F32Sqrt: load_xmm(x86::xmm1, x, false); a.sqrtss(x86::xmm0, x86::xmm1); a.movd(x86::eax, x86::xmm0); break;
      case Op::F64Sqrt: load_xmm(x86::xmm1, x, true); a.sqrtsd(x86::xmm0, x86::xmm1); a.movq(x86::rax, x86::xmm0); break;
      case Op::F32ConvertI32S: load32(x86::eax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2ss(x86::xmm0, x86::eax); a.movd(x86::eax, x86::xmm0); break;
      case Op::F32ConvertI32U: load32(x86::eax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2ss(x86::xmm0, x86::rax); a.movd(x86::eax, x86::xmm0); break;
      case Op::F32ConvertI64S: load64(x86::rax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2ss(x86::xmm0, x86::rax); a.movd(x86::eax, x86::xmm0); break;
      case Op::F64ConvertI32S: load32(x86::eax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2sd(x86::xmm0, x86::eax); a.movq(x86::rax, x86::xmm0); break;
      case Op::F64ConvertI32U: load32(x86::eax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2sd(x86::xmm0, x86::rax); a.movq(x86::rax, x86::xmm0); break;
      case Op::F64ConvertI64S: load64(x86::rax, x); a.xorps(x86::xmm0, x86::xmm0); a.cvtsi2sd(x86::xmm0, x86::rax); a.movq(x86::rax, x86::xmm0); break;
      case Op::F32DemoteF64: load_xmm(x86::xmm1, x, true); a.cvtsd2ss(x86::xmm0, x86::xmm1); a.movd(x86::eax, x86::xmm0); break;
      case Op::F64PromoteF32: load_xmm(x86::xmm1, x, false); a.cvtss2sd(x86::xmm0, x86::xmm1); a.movq(x86::rax, x86::xmm0); break;
      default: throw Unsupported{"internal: float unary"};
    }
    a.mov(q(push_result()), x86::rax);
  }
  void copysign(bool f64) {
    x86::Assembler& a = *a_;
    const Entry y = pop();
    const Entry x = pop();
    if (f64) {
      load64(x86::rax, x);
      load64(x86::rdx, y);
      a.btr(x86::rax, 63);
      a.shr(x86::rdx, 63);
      a.shl(x86::rdx, 63);
      a.or_(x86::rax, x86::rdx);
    } else {
      load32(x86::eax, x);
      load32(x86::edx, y);
      a.and_(x86::eax, Imm(0x7fffffff));
      a.and_(x86::edx, Imm(0x80000000u));
      a.or_(x86::eax, x86::edx);
    }
    a.mov(q(push_result()), x86::rax);
  }

  void do_select() {
    x86::Assembler& a = *a_;
    const Entry c = pop();
    const Entry y = pop();
    const Entry x = pop();
    load64(x86::rax, x);
    load64(x86::rdx, y);
    if (c.is_const) {
      if (static_cast<uint32_t>(c.bits) == 0) a.mov(x86::rax, x86::rdx);
    } else {
      a.cmp(d(c.slot), 0);
      a.cmove(x86::rax, x86::rdx);
    }
    a.mov(q(push_result()), x86::rax);
  }

  void local_set(uint32_t x, bool tee) {
    const Entry v = pop();
    // Entries still reading the local's old value get their own copy first.
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (!stack_[i].is_const && stack_[i].slot == x) materialize(i);
    }
    store_entry(x, v);
    if (tee) push_slot(x);
  }

  void global_get(uint32_t g) {
    check_type(m_.globals[g].type);
    x86::Assembler& a = *a_;
    a.mov(x86::rax, x86::qword_ptr(kInst, kViewGlobals));
    a.mov(x86::rax, x86::qword_ptr(x86::rax, static_cast<int32_t>(g * 8)));
    a.mov(x86::rax, x86::qword_ptr(x86::rax, kGlobalValue));
    a.mov(q(push_result()), x86::rax);
  }
  void global_set(uint32_t g) {
    check_type(m_.globals[g].type);
    x86::Assembler& a = *a_;
    const Entry v = pop();
    load64(x86::rdx, v);
    a.mov(x86::rax, x86::qword_ptr(kInst, kViewGlobals));
    a.mov(x86::rax, x86::qword_ptr(x86::rax, static_cast<int32_t>(g * 8)));
    a.mov(x86::qword_ptr(x86::rax, kGlobalValue), x86::rdx);
  }

  void body();
  // Inlined into its one caller, the loop over the body (g++ stopped doing so when the
  // class grew, which cost every compilation ~2 %).
  [[gnu::always_inline]] inline void instruction(const Instr& in);
};

void Translator::body() {
  uint32_t skip_depth = 0;  // blocks opened inside unreachable code
  for (pc_ = 0; pc_ < instrs_.size(); ++pc_) {
    const Instr& in = instrs_[pc_];
    if (ctls_.back().dead) {
      switch (in.op) {
        case Op::Block: case Op::Loop: case Op::If: ++skip_depth; continue;
        case Op::Else:
          if (skip_depth == 0) do_else();
          continue;
        case Op::End:
          if (skip_depth > 0) {
            --skip_depth;
            continue;
          }
          if (do_end()) return;
          continue;
        default: continue;
      }
    }
    if (in.op == Op::End) {
      if (do_end()) return;
      continue;
    }
    instruction(in);
  }
}

void Translator::instruction(const Instr& in) {
  x86::Assembler& a = *a_;
  const OpInfo& info = op_info(in.op);
  if (info.prefix == 0xFD) throw Unsupported{"SIMD instructions"};
  switch (in.op) {
    case Op::Nop: return;
    case Op::Unreachable:
      a.jmp(trap(TrapKind::Unreachable));
      ctls_.back().dead = true;
      return;
    case Op::Loop:
      if (const size_t latch = unrollable_loop(pc_); latch != 0) {
        unrolled_loop(latch);
        return;
      }
      enter_block(in);
      return;
    case Op::Block: case Op::If: enter_block(in); return;
    case Op::Else: do_else(); return;
    case Op::Br: do_br(in.index); return;
    case Op::BrIf: do_br_if(in.index); return;
    case Op::BrTable: do_br_table(in); return;
    case Op::Return: do_br(static_cast<uint32_t>(ctls_.size() - 1)); return;
    // Own functions and imports alike go through the callee's FuncInst: an import may be
    // a host function or another instance's, and an own function may not be compiled yet.
    case Op::Call: do_call(m_.func_type(in.index), in.index, nullptr); return;
    case Op::CallIndirect: do_call(m_.types[in.index], std::nullopt, &in); return;
    case Op::Drop: pop(); return;
    case Op::Select: do_select(); return;
    case Op::SelectT: check_type(in.type); do_select(); return;
    case Op::LocalGet: push_slot(in.index); return;
    case Op::LocalSet: local_set(in.index, false); return;
    case Op::LocalTee: local_set(in.index, true); return;
    case Op::GlobalGet: global_get(in.index); return;
    case Op::GlobalSet: global_set(in.index); return;
    case Op::I32Const: push_const(static_cast<uint32_t>(in.value)); return;
    case Op::F32Const: push_const(static_cast<uint32_t>(in.value)); return;
    case Op::I64Const: case Op::F64Const: push_const(in.value); return;
    case Op::RefNull: push_const(kNullRef); return;
    case Op::RefIsNull: {
      const Entry x = pop();
      load64(x86::rax, x);
      a.test(x86::rax, x86::rax);
      a.sete(x86::al);
      a.movzx(x86::eax, x86::al);
      a.mov(q(push_result()), x86::rax);
      return;
    }
    case Op::RefFunc:
      a.mov(x86::rax, x86::qword_ptr(kInst, kViewFuncs));
      a.mov(x86::rax, x86::qword_ptr(x86::rax, static_cast<int32_t>(in.index * 8)));
      a.mov(q(push_result()), x86::rax);
      return;
    case Op::MemorySize:
      a.mov(x86::rax, kMemS);
      a.shr(x86::rax, 16);
      a.mov(q(push_result()), x86::rax);
      return;
    // Reinterpretations: the slot's bits are already the result's.
    case Op::I32ReinterpretF32: case Op::I64ReinterpretF64:
    case Op::F32ReinterpretI32: case Op::F64ReinterpretI64:
      return;
    case Op::F32Copysign: copysign(false); return;
    case Op::F64Copysign: copysign(true); return;
    default: break;
  }
  if (in.op >= Op::I32Load && in.op <= Op::I64Load32U) return do_load(in);
  if (in.op >= Op::I32Store && in.op <= Op::I64Store32) return do_store(in);
  if (is_int_compare(in.op)) return do_compare(in.op);
  if (needs_slow_op(in.op)) {
    uint32_t nin = 1;
    bool result = true;
    switch (in.op) {
      case Op::F32Min: case Op::F32Max: case Op::F64Min: case Op::F64Max: nin = 2; break;
      case Op::MemoryGrow: nin = 1; break;
      case Op::MemoryInit: case Op::MemoryCopy: case Op::MemoryFill: nin = 3; result = false; break;
      case Op::DataDrop: case Op::ElemDrop: nin = 0; result = false; break;
      case Op::TableGet: nin = 1; break;
      case Op::TableSet: nin = 2; result = false; break;
      case Op::TableSize: nin = 0; break;
      case Op::TableGrow: nin = 2; break;
      case Op::TableFill: case Op::TableCopy: case Op::TableInit: nin = 3; result = false; break;
      default: break;
    }
    return slow_op(in, nin, result);
  }
  switch (in.op) {
    case Op::I32Clz: case Op::I32Ctz: case Op::I64Clz: case Op::I64Ctz:
    case Op::I32WrapI64: case Op::I64ExtendI32S: case Op::I64ExtendI32U:
    case Op::I32Extend8S: case Op::I32Extend16S: case Op::I64Extend8S: case Op::I64Extend16S:
    case Op::I64Extend32S:
      return int_unary(in.op);
    case Op::F32Add: case Op::F32Sub: case Op::F32Mul: case Op::F32Div:
    case Op::F64Add: case Op::F64Sub: case Op::F64Mul: case Op::F64Div:
      return float_binary(in.op);
    case Op::F32Eq: case Op::F32Ne: case Op::F32Lt: case Op::F32Gt: case Op::F32Le: case Op::F32Ge:
    case Op::F64Eq: case Op::F64Ne: case Op::F64Lt: case Op::F64Gt: case Op::F64Le: case Op::F64Ge:
      return float_compare(in.op);
    case Op::F32Neg: case Op::F32Abs: case Op::F64Neg: case Op::F64Abs:
    case Op::F32Sqrt: case Op::F64Sqrt:
    case Op::F32ConvertI32S: case Op::F32ConvertI32U: case Op::F32ConvertI64S:
    case Op::F64ConvertI32S: case Op::F64ConvertI32U: case Op::F64ConvertI64S:
    case Op::F32DemoteF64: case Op::F64PromoteF32:
      return float_unary(in.op);
    default: break;
  }
  if ((in.op >= Op::I32Add && in.op <= Op::I32Rotr) || (in.op >= Op::I64Add && in.op <= Op::I64Rotr)) {
    return int_binary(in.op);
  }
  throw Unsupported{std::string("instruction ") + std::string(op_name(in.op))};
}

using EnterFn = uint32_t (*)(Value* fp, Instance* inst, JitCtx* ctx, const void* fn,
                             uint8_t* mem_base, uint64_t mem_size);

// The host's way into translated code (jit_detail::enter), generated once: saves C's
// callee-saved registers, loads the ones translated code keeps for the whole run, calls
// `fn`, and writes the fuel it left back to ExecState. Null if it could not be made
// (then nothing is translated).
EnterFn enter_trampoline() {
  static const EnterFn fn = []() -> EnterFn {
    CodeHolder code;
    code.init(runtime().environment());
    x86::Assembler a(&code);
    a.push(x86::rbx);
    a.push(x86::rbp);
    a.push(x86::r12);
    a.push(x86::r13);
    a.push(x86::r14);
    a.push(x86::r15);
    a.sub(x86::rsp, 8);  // the callee starts 16-byte aligned as a C function would
    a.mov(kInst, x86::rsi);
    a.mov(kCtx, x86::rdx);
    a.mov(kMemB, x86::r8);
    a.mov(kMemS, x86::r9);
    a.mov(kFuel, x86::qword_ptr(kCtx, kCtxFuel));
    a.call(x86::rcx);  // rdi: the frame
    a.mov(x86::qword_ptr(kCtx, kCtxFuel), kFuel);
    a.add(x86::rsp, 8);
    a.pop(x86::r15);
    a.pop(x86::r14);
    a.pop(x86::r13);
    a.pop(x86::r12);
    a.pop(x86::rbp);
    a.pop(x86::rbx);
    a.ret();
    EnterFn f = nullptr;
    if (runtime().add(&f, &code) != kErrorOk) return nullptr;
    return f;
  }();
  return fn;
}

}  // namespace

namespace jit_detail {
uint32_t enter(JitCtx* ctx, const void* fn, Value* fp, Instance* inst) {
  MemoryInst* m = inst->jit_view.memory0;
  uint8_t* base = m ? m->base : nullptr;
  const uint64_t size = m ? m->size : 0;
  // Under deadline checks some bounds checks compare with mem_limit (bounds_check_rcx).
  if (ctx->deadline_checks) ctx->store->exec().set_mem_limit(size);
  return enter_trampoline()(fp, inst, ctx, fn, base, size);
}
}  // namespace jit_detail

void JitCodeDeleter::operator()(JitCode* c) const {
  if (c && c->entry) runtime().release(const_cast<void*>(c->entry));
  delete c;
}

bool jit_enabled(const EngineConfig& config) {
#if defined(__x86_64__)
  return config.jit;
#else
  (void)config;
  return false;
#endif
}

JitEntry jit_entry(const JitCode& code) { return code.entry; }

JitCodePtr jit_compile(const ModuleInfo& module, uint32_t func_index, const DecodedBody& decoded,
                       const EngineConfig& config, std::string* why) {
  if (!enter_trampoline()) {
    if (why) *why = "asmjit: the entry trampoline could not be made";
    return nullptr;
  }
  JitCodePtr out(new JitCode());
  try {
    Translator t(module, func_index, decoded.instrs(), config.deadline_checks, config.fuel_metering,
                 *out);
    t.run();
  } catch (const Unsupported& u) {
    if (why) *why = u.why;
    return nullptr;
  }
  return out;
}

}  // namespace midimon::wasm
