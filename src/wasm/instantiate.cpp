// Store::instantiate: the spec's module instantiation.
//
//   1. match imports against the module's import types;
//   2. allocate functions, tables, memories, globals, exports and segments;
//   3. apply active element segments, then active data segments (each then dropped),
//      drop declarative element segments, and run the start function.
//
// The instance joins the store before step 3. WebAssembly 2.0 keeps the effects of
// segments applied before a failing one, so a shared table may already hold references
// to this instance's functions: they and the instance must outlive the failure.
#include <cstring>
#include <string>

#include "import_check.h"
#include "store.h"

namespace midimon::wasm {
namespace {

// Evaluates a validated constant expression. `inst` must hold every global and
// function the expression can name (imported globals, all functions). A v128 result's
// bytes 8..15 go to `*hi` (when given).
Value eval_const(const ConstExpr& expr, const Instance& inst, Value* hi = nullptr) {
  Value stack[8];  // the validator allows nesting only through binary operators
  size_t sp = 0;
  for (const ConstInstr& in : expr.instrs) {
    if (sp == std::size(stack)) break;  // unreachable for a validated expression
    switch (in.op) {
      case Op::V128Const:  // only ever the whole expression
        if (hi) *hi = Value::from_i64(in.imm_hi);
        stack[sp++] = Value::from_i64(in.imm);
        break;
      case Op::I32Const: stack[sp++] = Value::from_i32(static_cast<uint32_t>(in.imm)); break;
      case Op::I64Const: stack[sp++] = Value::from_i64(in.imm); break;
      case Op::F32Const: stack[sp++] = Value::from_f32_bits(static_cast<uint32_t>(in.imm)); break;
      case Op::F64Const: stack[sp++] = Value::from_f64_bits(in.imm); break;
      case Op::RefNull: stack[sp++] = Value::from_ref(kNullRef); break;
      case Op::RefFunc: stack[sp++] = Value::from_ref(func_ref(inst.funcs[in.imm])); break;
      case Op::GlobalGet:
        if (hi) *hi = inst.globals[in.imm]->hi;
        stack[sp++] = inst.globals[in.imm]->value;
        break;
      // Extended constant expressions; only reachable if the validator admits them.
      case Op::I32Add: case Op::I32Sub: case Op::I32Mul:
      case Op::I64Add: case Op::I64Sub: case Op::I64Mul: {
        if (sp < 2) return Value::from_i64(0);
        const Value b = stack[--sp];
        Value& a = stack[sp - 1];
        switch (in.op) {
          case Op::I32Add: a = Value::from_i32(a.i32 + b.i32); break;
          case Op::I32Sub: a = Value::from_i32(a.i32 - b.i32); break;
          case Op::I32Mul: a = Value::from_i32(a.i32 * b.i32); break;
          case Op::I64Add: a.i64 += b.i64; break;
          case Op::I64Sub: a.i64 -= b.i64; break;
          default: a.i64 *= b.i64; break;
        }
        break;
      }
      default: return Value::from_i64(0);  // not a constant instruction: rejected earlier
    }
  }
  return sp > 0 ? stack[sp - 1] : Value::from_i64(0);
}

Error trap_error(TrapKind kind, uint32_t offset, const char* where) {
  return Error{ErrorKind::Uninstantiable, trap_kind_message(kind), offset, where};
}

}  // namespace

// Checks the store's limits for everything the module would create, before anything is
// created, so a refused instantiation leaves the store as it was.
Result<void> Store::check_module_limits(const ModuleInfo& info) const {
  if (limits_.max_instances != 0 && instances_.size() >= limits_.max_instances) {
    return Error{ErrorKind::Limit,
                 "the store's limit of " + std::to_string(limits_.max_instances) +
                     " instances is reached",
                 0, ""};
  }
  const size_t new_tables = info.tables.size() - info.num_imported_tables;
  const size_t new_memories = info.memories.size() - info.num_imported_memories;
  if (limits_.max_tables != 0 && tables_.size() + new_tables > limits_.max_tables) {
    return Error{ErrorKind::Limit,
                 "the module defines " + std::to_string(new_tables) + " tables, over the store's limit of " +
                     std::to_string(limits_.max_tables) + " tables (" +
                     std::to_string(tables_.size()) + " in use)",
                 0, "section 'table'"};
  }
  if (limits_.max_memories != 0 && memories_.size() + new_memories > limits_.max_memories) {
    return Error{ErrorKind::Limit,
                 "the module defines " + std::to_string(new_memories) +
                     " memories, over the store's limit of " + std::to_string(limits_.max_memories) +
                     " memories (" + std::to_string(memories_.size()) + " in use)",
                 0, "section 'memory'"};
  }
  for (size_t i = info.num_imported_tables; i < info.tables.size(); ++i) {
    if (auto r = check_new_table(info.tables[i]); !r) {
      Error e = r.take_error();
      e.where = "table " + std::to_string(i);
      return e;
    }
  }
  uint64_t total = 0;
  for (size_t i = info.num_imported_memories; i < info.memories.size(); ++i) {
    if (auto r = check_new_memory(info.memories[i]); !r) {
      Error e = r.take_error();
      e.where = "memory " + std::to_string(i);
      return e;
    }
    total += uint64_t{info.memories[i].limits.min} * kPageSize;
  }
  if (total > memory_budget_.limit - memory_budget_.used) {
    return Error{ErrorKind::Limit,
                 "the module's memories need " + std::to_string(total) + " bytes, over the " +
                     std::to_string(memory_budget_.limit - memory_budget_.used) +
                     " bytes left of the store's limit of " + std::to_string(memory_budget_.limit) +
                     " bytes for all memories",
                 0, "section 'memory'"};
  }
  return {};
}

Result<Instance*> Store::instantiate(const std::shared_ptr<const Module>& module,
                                     std::span<const Extern> imports) {
  if (&module->engine() != engine_) {
    return Error{ErrorKind::Usage, "module was compiled for another engine", 0, ""};
  }
  const ModuleInfo& info = module->info();
  if (imports.size() != info.imports.size()) {
    return Error{ErrorKind::Unlinkable,
                 "expected " + std::to_string(info.imports.size()) + " imports, got " +
                     std::to_string(imports.size()),
                 0, "section 'import'"};
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    WASM_TRY(check_import(*module, info.imports[i], imports[i]));
  }
  WASM_TRY(check_module_limits(info));

  instances_.push_back(std::unique_ptr<Instance>(new Instance()));
  Instance* inst = instances_.back().get();
  inst->module_ = module;
  inst->store_ = this;
  inst->type_ids = module->type_ids();

  for (const Extern& e : imports) {
    switch (e.kind) {
      case ExternKind::Func: inst->funcs.push_back(e.as_func()); break;
      case ExternKind::Table: inst->tables.push_back(e.as_table()); break;
      case ExternKind::Memory: inst->memories.push_back(e.as_memory()); break;
      case ExternKind::Global: inst->globals.push_back(e.as_global()); break;
    }
  }

  for (uint32_t i = 0; i < info.bodies.size(); ++i) {
    const uint32_t index = info.num_imported_funcs + i;
    auto f = std::make_unique<FuncInst>();
    f->type_id = inst->type_ids[info.func_types[index]];
    f->type = &engine_->type(f->type_id);
    f->param_slots = slot_count(f->type->params);
    f->result_slots = slot_count(f->type->results);
    f->instance = inst;
    f->code = module->compiled(i);  // nullptr: compiled on its first call
    f->func_index = index;
    inst->funcs.push_back(f.get());
    funcs_.push_back(std::move(f));
  }
  for (size_t i = info.num_imported_tables; i < info.tables.size(); ++i) {
    auto t = create_table(info.tables[i], kNullRef);
    if (!t) return t.take_error();
    inst->tables.push_back(*t);
  }
  for (size_t i = info.num_imported_memories; i < info.memories.size(); ++i) {
    auto m = create_memory(info.memories[i]);
    if (!m) return m.take_error();
    inst->memories.push_back(*m);
  }
  for (size_t i = info.num_imported_globals; i < info.globals.size(); ++i) {
    Value hi{};
    const Value v = eval_const(info.global_inits[i - info.num_imported_globals], *inst, &hi);
    GlobalInst* g = create_global(info.globals[i], v);
    g->hi = hi;
    inst->globals.push_back(g);
  }

  inst->jit_view.funcs = inst->funcs.data();
  inst->jit_view.globals = inst->globals.data();
  inst->jit_view.memory0 = inst->memories.empty() ? nullptr : inst->memories[0];

  inst->exports_.reserve(info.exports.size());
  for (const Export& ex : info.exports) {
    Extern e;
    switch (ex.kind) {
      case ExternKind::Func: e = Extern::func(inst->funcs[ex.index]); break;
      case ExternKind::Table: e = Extern::table(inst->tables[ex.index]); break;
      case ExternKind::Memory: e = Extern::memory(inst->memories[ex.index]); break;
      case ExternKind::Global: e = Extern::global(inst->globals[ex.index]); break;
    }
    inst->export_index_.emplace(ex.name, inst->exports_.size());
    inst->exports_.emplace_back(ex.name, e);
  }

  inst->elems.resize(info.elems.size());
  for (size_t i = 0; i < info.elems.size(); ++i) {
    const ElemSegment& seg = info.elems[i];
    ElemInst& elem = inst->elems[i];
    elem.type = seg.elem_type;
    elem.refs.reserve(seg.items.size());
    for (const ConstExpr& item : seg.items) elem.refs.push_back(eval_const(item, *inst).ref);
  }
  inst->datas.resize(info.datas.size());
  const std::span<const uint8_t> bytes(info.bytes);
  for (size_t i = 0; i < info.datas.size(); ++i) {
    inst->datas[i].bytes = bytes.subspan(info.datas[i].data_offset, info.datas[i].data_size);
  }

  // Active element segments: table.init then elem.drop. Bounds are checked before
  // copying anything, even for an empty segment, as table.init does.
  for (size_t i = 0; i < info.elems.size(); ++i) {
    const ElemSegment& seg = info.elems[i];
    std::vector<Ref>& refs = inst->elems[i].refs;
    if (seg.mode == SegmentMode::Active) {
      const uint64_t offset = eval_const(seg.offset_expr, *inst).i32;
      TableInst* table = inst->tables[seg.table];
      if (offset + refs.size() > table->elems.size()) {
        return trap_error(TrapKind::OutOfBoundsTableAccess, seg.offset, "section 'elem'");
      }
      std::copy(refs.begin(), refs.end(), table->elems.begin() + static_cast<ptrdiff_t>(offset));
    }
    if (seg.mode != SegmentMode::Passive) refs = {};
  }
  // Active data segments: memory.init then data.drop.
  for (size_t i = 0; i < info.datas.size(); ++i) {
    const DataSegment& seg = info.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    std::span<const uint8_t>& data = inst->datas[i].bytes;
    const uint64_t offset = eval_const(seg.offset_expr, *inst).i32;
    MemoryInst* mem = inst->memories[seg.memory];
    if (offset + data.size() > mem->size) {
      return trap_error(TrapKind::OutOfBoundsMemoryAccess, seg.offset, "section 'data'");
    }
    if (!data.empty()) std::memcpy(mem->base + offset, data.data(), data.size());
    data = {};
  }

  if (info.start) {
    Trap trap = call(inst->funcs[*info.start], {}, {});
    if (trap) return Error{ErrorKind::Uninstantiable, trap.message(), 0, "section 'start'"};
  }
  return inst;
}

}  // namespace midimon::wasm
