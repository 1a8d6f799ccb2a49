// wabt's interpreter as the differential target's reference engine.
//
// wabt only offers unbounded calls (Func::Call runs Thread::Run to the end), but its
// Thread can run a bounded number of instructions (Thread::Run(int, ...)). Setting up a
// call frame for that needs Thread::PushValues/PushCall, which are private (wabt's own
// DefinedFunc::DoCall uses them as a friend). This file alone opens them up with the
// preprocessor; standard headers are included first so only wabt's classes are affected.
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#define private public
#define protected public
#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/ir.h"
#include "wabt/validator.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"
#undef private
#undef protected

#include "wabt_runner.h"

namespace midimon::fuzz {

namespace wi = wabt::interp;

struct WabtRunner::Impl {
  wabt::Features features;
  std::unique_ptr<wi::Store> store;  // declared first: destroyed after the RefPtrs below
  wi::ModuleDesc desc;
  wi::Module::Ptr module;
  wi::Instance::Ptr instance;
  std::vector<WabtExport> exports;
  std::vector<wi::Ref> export_refs;
};

namespace {

void clip(wabt::Limits* l, uint64_t cap) {
  l->max = l->has_max ? std::min<uint64_t>(l->max, cap) : cap;
  l->has_max = true;
}

wi::Value zero_value() { return wi::Value::Make(wabt::v128(0, 0, 0, 0)); }  // all 16 bytes

// Appends a value's bits: one word, two (bytes 0..7, 8..15) for a v128.
void append_bits(std::vector<uint64_t>* out, wi::Value v, wabt::Type t);

uint64_t bits_of(wi::Value v, wabt::Type t) {
  switch (t) {
    case wabt::Type::V128: return v.Get<wabt::v128>().u64(0);
    case wabt::Type::I32: return v.Get<uint32_t>();
    case wabt::Type::F32: { float f = v.Get<float>(); uint32_t b; std::memcpy(&b, &f, 4); return b; }
    case wabt::Type::I64: return v.Get<uint64_t>();
    case wabt::Type::F64: { double d = v.Get<double>(); uint64_t b; std::memcpy(&b, &d, 8); return b; }
    default: return v.Get<wi::Ref>() == wi::Ref::Null ? 0 : 1;  // references
  }
}

// wabt 1.0.32 breaks when its call stack runs out inside call_indirect (a function
// calling itself through a table: `wasm-interp --run-all-exports` asserts in PopValues,
// and in this process the Thread's own memory is corrupted), and its value stack grows
// without bound. So the harness never lets wabt reach its own limits: it runs in short
// slices and is stopped (the call counts as exhausted) once deeper than kWabtCallDepth
// frames or kWabtValueStack values, checked between slices. The call stack reserved
// for it leaves room for one slice's overshoot, so wabt's own check never fires.
constexpr int kSliceSteps = 64;
constexpr size_t kWabtCallDepth = 5'000;       // below the engine's limit in the harness
constexpr size_t kWabtValueStack = 1u << 20;  // plus at most one slice of growth

// Runs `func` with zero arguments for at most `budget` instructions.
WabtCall run_bounded(wi::Store& store, wi::Ref func_ref, int budget) {
  WabtCall out;
  wi::Func::Ptr func{store, func_ref};
  const wi::FuncType& type = func->type();
  wi::Values params(type.params.size(), zero_value());
  wi::Values results;
  wi::Trap::Ptr trap;
  if (auto* defined = wabt::dyn_cast<wi::DefinedFunc>(func.get())) {
    wi::Thread thread(store);
    thread.frames_ = {};
    thread.frames_.reserve(kWabtCallDepth + kSliceSteps + 1);  // a call takes >= 1 step
    thread.PushValues(type.params, params);
    wi::RunResult r = thread.PushCall(*defined, &trap);
    for (int left = budget; r == wi::RunResult::Ok && left > 0; left -= kSliceSteps) {
      r = thread.Run(std::min(left, kSliceSteps), &trap);
      if (r == wi::RunResult::Ok && (thread.frames_.size() > kWabtCallDepth ||
                                     thread.values_.size() > kWabtValueStack)) {
        break;  // too deep for wabt: exhausted
      }
    }
    if (r == wi::RunResult::Ok) {
      out.status = WabtCall::Status::Exhausted;
      return out;
    }
    if (r != wi::RunResult::Return) {
      out.status = WabtCall::Status::Trap;
      out.trap_message = trap ? trap->message() : "exception";
      if (out.trap_message.find("exhausted") != std::string::npos) {
        out.status = WabtCall::Status::Exhausted;  // the limits differ from ours
      }
      return out;
    }
    // wabt 1.0.32 sometimes reports Return with fewer values on its stack than the
    // function's results (seen after deep call_indirect recursion; plain `wasm-interp
    // --run-all-exports` asserts the same way). Its verdict on this call is then
    // worthless, so the call counts as exhausted and the rest of the module is skipped.
    if (thread.values_.size() < type.results.size()) {
      out.status = WabtCall::Status::Exhausted;
      return out;
    }
    thread.PopValues(type.results, &results);
  } else if (wabt::Failed(func->Call(store, params, results, &trap))) {
    out.status = WabtCall::Status::Trap;
    out.trap_message = trap ? trap->message() : "host call failed";
    return out;
  }
  for (size_t i = 0; i < results.size() && i < type.results.size(); ++i) {
    append_bits(&out.bits, results[i], type.results[i]);
  }
  return out;
}

void append_bits(std::vector<uint64_t>* out, wi::Value v, wabt::Type t) {
  out->push_back(bits_of(v, t));
  if (t == wabt::Type::V128) out->push_back(v.Get<wabt::v128>().u64(1));
}

}  // namespace

// wabt 1.0.32's default features are the engine's set: WebAssembly 2.0, SIMD included.
WabtRunner::WabtRunner() : impl_(std::make_unique<Impl>()) {}

WabtRunner::~WabtRunner() = default;

bool WabtRunner::load(std::span<const uint8_t> bytes, std::string* error) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(impl_->features, nullptr, /*read_debug_names=*/false,
                                  /*stop_on_first_error=*/true,
                                  /*fail_on_custom_section_error=*/true);
  wabt::Result r = wi::ReadBinaryInterp("fuzz.wasm", bytes.data(), bytes.size(), options,
                                        &errors, &impl_->desc);
  if (wabt::Failed(r)) {
    *error = errors.empty() ? "rejected" : errors.front().message;
    return false;
  }
  return true;
}

bool WabtRunner::validate_ir(std::span<const uint8_t> bytes, std::string* error) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(impl_->features, nullptr, false, true, true);
  wabt::Module module;
  if (wabt::Failed(wabt::ReadBinaryIr("fuzz.wasm", bytes.data(), bytes.size(), options,
                                      &errors, &module)) ||
      wabt::Failed(wabt::ValidateModule(&module, &errors,
                                        wabt::ValidateOptions(impl_->features)))) {
    *error = errors.empty() ? "rejected" : errors.front().message;
    return false;
  }
  return true;
}

WabtCall WabtRunner::instantiate(uint32_t memory_cap_pages, uint32_t table_cap,
                                 int step_budget) {
  Impl& m = *impl_;
  m.store = std::make_unique<wi::Store>(m.features);
  wi::Store& store = *m.store;
  for (auto& mem : m.desc.memories) clip(&mem.type.limits, memory_cap_pages);
  for (auto& tab : m.desc.tables) clip(&tab.type.limits, table_cap);
  // The start function runs below under the budget, not inside Instantiate.
  std::optional<uint32_t> start;
  if (!m.desc.starts.empty()) start = m.desc.starts.front().func_index;
  m.desc.starts.clear();

  m.module = wi::Module::New(store, std::move(m.desc));
  wi::RefVec imports;
  std::vector<wi::Object::Ptr> keep;  // roots until instantiated
  for (const wi::ImportType& imp : m.module->import_types()) {
    wi::ExternType* t = imp.type.get();
    if (auto* ft = wabt::dyn_cast<wi::FuncType>(t)) {
      const size_t n = ft->results.size();
      auto f = wi::HostFunc::New(store, *ft,
                                 [n](wi::Thread&, const wi::Values&, wi::Values& results,
                                     wi::Trap::Ptr*) {
                                   results.assign(n, zero_value());
                                   return wabt::Result::Ok;
                                 });
      imports.push_back(f.ref());
      keep.emplace_back(std::move(f));
    } else if (auto* tt = wabt::dyn_cast<wi::TableType>(t)) {
      wi::TableType copy = *tt;
      clip(&copy.limits, table_cap);
      auto x = wi::Table::New(store, copy);
      imports.push_back(x.ref());
      keep.emplace_back(std::move(x));
    } else if (auto* mt = wabt::dyn_cast<wi::MemoryType>(t)) {
      wi::MemoryType copy = *mt;
      clip(&copy.limits, memory_cap_pages);
      auto x = wi::Memory::New(store, copy);
      imports.push_back(x.ref());
      keep.emplace_back(std::move(x));
    } else if (auto* gt = wabt::dyn_cast<wi::GlobalType>(t)) {
      wi::Value v = zero_value();
      if (gt->type == wabt::Type::FuncRef || gt->type == wabt::Type::ExternRef) {
        v = wi::Value::Make(wi::Ref::Null);
      }
      auto x = wi::Global::New(store, *gt, v);
      imports.push_back(x.ref());
      keep.emplace_back(std::move(x));
    } else {
      WabtCall out;
      out.status = WabtCall::Status::Trap;
      out.trap_message = "unsupported import kind";
      return out;
    }
  }

  WabtCall out;
  wi::Trap::Ptr trap;
  m.instance = wi::Instance::Instantiate(store, m.module.ref(), imports, &trap);
  if (!m.instance) {
    out.status = WabtCall::Status::Trap;
    out.trap_message = trap ? trap->message() : "instantiation failed";
    return out;
  }
  if (start) {
    out = run_bounded(store, m.instance->funcs()[*start], step_budget);
    if (out.status != WabtCall::Status::Ok) return out;
  }
  const auto& export_types = m.module->export_types();
  for (size_t i = 0; i < export_types.size(); ++i) {
    WabtExport e;
    e.name = export_types[i].name;
    e.kind = static_cast<int>(export_types[i].type->kind);
    m.exports.push_back(e);
    m.export_refs.push_back(m.instance->exports()[i]);
  }
  return out;
}

const std::vector<WabtExport>& WabtRunner::exports() const { return impl_->exports; }

WabtCall WabtRunner::call_export(size_t i, int step_budget) {
  return run_bounded(*impl_->store, impl_->export_refs[i], step_budget);
}

std::vector<uint8_t> WabtRunner::memory_bytes(size_t i) const {
  wi::Memory::Ptr mem{*impl_->store, impl_->export_refs[i]};
  const uint8_t* p = mem->UnsafeData();
  return std::vector<uint8_t>(p, p + mem->ByteSize());
}

uint64_t WabtRunner::global_bits(size_t i, uint64_t* hi) const {
  wi::Global::Ptr g{*impl_->store, impl_->export_refs[i]};
  if (hi && g->type().type == wabt::Type::V128) *hi = g->Get().Get<wabt::v128>().u64(1);
  return bits_of(g->Get(), g->type().type);
}

}  // namespace midimon::fuzz
