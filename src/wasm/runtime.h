// Runtime objects owned by a Store: functions, tables, memories, globals, and the
// per-instance element and data segments. Fields the interpreter reads on its hot
// path are public and plain.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "trap.h"
#include "types.h"
#include "value.h"

namespace midimon::wasm {

class Store;
class Instance;
class MemoryInst;
struct CompiledFunc;

// Passed to host functions: the store, and the instance whose code made the call
// (nullptr when the host itself called the host function).
struct Caller {
  Store& store;
  Instance* instance;
  MemoryInst* memory() const;  // the calling instance's memory 0, or nullptr
};

// A host function reads its arguments and writes its results (types as declared, one
// Value each, two consecutive ones for a v128: value.h); it returns a Trap (kind None
// on success).
using HostCallback = std::function<Trap(Caller& caller, const Value* args, Value* results)>;

// Whether a host function can wait (sleep, poll, wait for the network or a child process)
// until the running call's deadline (Store::deadline()). Such a function may return a
// moment before the watchdog thread gets to set the interrupt flag; with deadline checks
// on, the store reads the clock when it returns, so a call whose deadline passed while it
// waited traps "deadline exceeded" right away. That clock read is spared every other host
// function (it was most of a host call's cost).
enum class HostBlocking : uint8_t { No, MayBlock };

struct FuncInst {
  const FuncType* type = nullptr;  // owned by the Engine
  uint32_t type_id = 0;            // canonical: equal ids <=> equal types
  // slot_count of the type's params and results, counted once here rather than on every
  // call (Store::call checks the spans against them; host calls size their frame).
  uint32_t param_slots = 0;
  uint32_t result_slots = 0;
  // WebAssembly function:
  Instance* instance = nullptr;
  // nullptr until the function's first call when its module compiles lazily
  // (EngineConfig::lazy_compilation; compile_on_first_call in module.h sets it).
  const CompiledFunc* code = nullptr;
  uint32_t func_index = 0;  // index in its module's function space
  // Host function (instance == nullptr, code == nullptr):
  HostCallback host;

  bool is_host() const { return instance == nullptr; }
};

inline Ref func_ref(FuncInst* f) { return reinterpret_cast<Ref>(f); }
inline FuncInst* ref_func(Ref r) { return reinterpret_cast<FuncInst*>(r); }

struct GlobalInst {
  GlobalType type;
  Value value{};
  Value hi{};  // a v128 global: bytes 8..15 (`value` holds bytes 0..7); unused otherwise
};

// The store-wide memory allowance shared by a store's memories (StoreLimits::
// max_store_memory_bytes); grow() charges it, the memory's destructor refunds it.
struct MemoryBudget {
  uint64_t used = 0;
  uint64_t limit = UINT64_MAX;
};

// Linear memory. The address range is reserved up front (PROT_NONE) and committed as
// it grows, so `base` never moves; `size` changes only through grow().
class MemoryInst {
 public:
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;
  ~MemoryInst();

  // Hot-path fields, read directly by the interpreter.
  uint8_t* base = nullptr;
  uint64_t size = 0;  // bytes

  MemoryType type;     // current limits: type.limits.min is the current page count
  uint32_t pages() const { return static_cast<uint32_t>(size / kPageSize); }
  // Returns the old page count, or -1 if the growth is refused (max, store limit, OOM).
  int64_t grow(uint32_t delta_pages);

  // Bounds-checked view for host functions: nullptr if [offset, offset+len) is outside.
  uint8_t* view(uint64_t offset, uint64_t len) {
    return (offset <= size && len <= size - offset) ? base + offset : nullptr;
  }

 private:
  friend class Store;
  MemoryInst() = default;
  // Reserves the address space for the type's maximum (capped at `max_bytes`) and
  // commits its minimum, charging `budget` (may be null); nullptr if the limits are
  // invalid, the minimum does not fit, or the reservation fails.
  static std::unique_ptr<MemoryInst> create(const MemoryType& type, uint64_t max_bytes,
                                            MemoryBudget* budget);
  uint64_t reserved_ = 0;  // bytes of address space reserved at base
  uint64_t max_bytes_ = 0; // hard cap from type max and the store's limits
  MemoryBudget* budget_ = nullptr;  // the owning store's; outlives the memory
};

// The largest table the engine allocates (8-byte refs: 80 MB). table.grow beyond it
// returns -1, which the spec allows; creating a bigger table is a Limit error.
inline constexpr uint32_t kMaxTableElems = 10'000'000;

struct TableInst {
  TableType type;  // type.limits.min tracks the current size
  std::vector<Ref> elems;
  uint32_t max = UINT32_MAX;  // effective maximum (type max and store limits)
  // Returns the old size, or -1 if refused.
  int64_t grow(uint32_t delta, Ref init);
};

// An instance's element segment at run time (emptied by elem.drop and, for active and
// declarative segments, after instantiation).
struct ElemInst {
  ValType type = ValType::FuncRef;
  std::vector<Ref> refs;
};

// An instance's data segment at run time (emptied by data.drop / after active init).
struct DataInst {
  std::span<const uint8_t> bytes;
};

// An external value: what imports take and exports give.
struct Extern {
  ExternKind kind = ExternKind::Func;
  void* ptr = nullptr;  // FuncInst*, TableInst*, MemoryInst* or GlobalInst*

  static Extern func(FuncInst* f) { return {ExternKind::Func, f}; }
  static Extern table(TableInst* t) { return {ExternKind::Table, t}; }
  static Extern memory(MemoryInst* m) { return {ExternKind::Memory, m}; }
  static Extern global(GlobalInst* g) { return {ExternKind::Global, g}; }
  FuncInst* as_func() const { return kind == ExternKind::Func ? static_cast<FuncInst*>(ptr) : nullptr; }
  TableInst* as_table() const { return kind == ExternKind::Table ? static_cast<TableInst*>(ptr) : nullptr; }
  MemoryInst* as_memory() const { return kind == ExternKind::Memory ? static_cast<MemoryInst*>(ptr) : nullptr; }
  GlobalInst* as_global() const { return kind == ExternKind::Global ? static_cast<GlobalInst*>(ptr) : nullptr; }
};

}  // namespace midimon::wasm
