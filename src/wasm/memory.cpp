// MemoryInst: linear memory over a fixed address-space reservation.
//
// The whole range a memory may ever grow to is reserved PROT_NONE when it is created
// and committed (made read/write) page by page as it grows, so `base` never moves: the
// interpreter may keep it in a register across calls and memory.grow. Address space is
// plentiful on 64-bit hosts (47 bits hold ~32k unbounded memories); the kernel backs a
// committed page only when it is first touched, and anonymous pages read as zero.
#include "runtime.h"

#include <sys/mman.h>

#include <algorithm>

namespace midimon::wasm {
namespace {

// One unmapped page past the largest size: an access that overruns the checked
// bounds by a little faults instead of touching a neighbour's memory.
constexpr uint64_t kGuardBytes = kPageSize;

}  // namespace

std::unique_ptr<MemoryInst> MemoryInst::create(const MemoryType& type, uint64_t max_bytes,
                                               MemoryBudget* budget) {
  const Limits& l = type.limits;
  const uint32_t max_pages = l.max ? *l.max : kMaxPages;
  if (l.min > kMaxPages || max_pages > kMaxPages || l.min > max_pages) return nullptr;

  std::unique_ptr<MemoryInst> mem(new MemoryInst());
  // Whole pages only: a limit that is not a page multiple rounds down. Reserving no more
  // than the limit also keeps limited stores light on address space.
  mem->max_bytes_ = std::min(uint64_t{max_pages} * kPageSize, max_bytes / kPageSize * kPageSize);
  mem->budget_ = budget;
  mem->reserved_ = mem->max_bytes_ + kGuardBytes;
  void* p = mmap(nullptr, mem->reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    mem->reserved_ = 0;  // nothing for the destructor to unmap
    return nullptr;
  }
  mem->base = static_cast<uint8_t*>(p);
  mem->type.limits = Limits{0, l.max};
  if (mem->grow(l.min) < 0) return nullptr;
  return mem;
}

MemoryInst::~MemoryInst() {
  if (budget_ != nullptr) budget_->used -= size;
  if (reserved_ != 0) munmap(base, reserved_);
}

int64_t MemoryInst::grow(uint32_t delta_pages) {
  const uint32_t old_pages = pages();
  const uint64_t new_bytes = size + uint64_t{delta_pages} * kPageSize;
  if (new_bytes > max_bytes_) return -1;
  const uint64_t delta_bytes = new_bytes - size;
  if (budget_ != nullptr && delta_bytes > budget_->limit - budget_->used) return -1;
  if (delta_pages != 0 &&
      mprotect(base + size, new_bytes - size, PROT_READ | PROT_WRITE) != 0) {
    return -1;
  }
  if (budget_ != nullptr) budget_->used += delta_bytes;
  size = new_bytes;
  type.limits.min = static_cast<uint32_t>(new_bytes / kPageSize);
  return old_pages;
}

}  // namespace midimon::wasm
