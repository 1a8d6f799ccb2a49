// Building the per-mode lookup tables and the MappingSet snapshot.
#include "mapping/mapping_index.h"

#include <algorithm>

namespace midimon::mapping {

namespace {

// Every bucket an entry belongs in: one per channel it listens on and per number it
// answers to (a chord sits under each of its notes; "any program" under all 128).
template <typename Fn>
void for_each_bucket(const TriggerSpec& t, Fn&& add) {
  const uint8_t ch_first = t.channel ? *t.channel : 0;
  const uint8_t ch_last = t.channel ? *t.channel : 15;
  for (unsigned ch = ch_first; ch <= ch_last; ++ch) {
    const auto slot = [&](unsigned n) { return (ch << 7) | (n & 127); };
    switch (t.kind) {
      case SpecKind::Note:
      case SpecKind::VelocityRange:
      case SpecKind::LongPress:
      case SpecKind::DoubleTap: add(0 + slot(t.number)); break;
      case SpecKind::Chord:
        for (uint8_t n : t.notes) add(0 + slot(n));
        break;
      case SpecKind::Encoder:
      case SpecKind::ControlChange: add(2048 + slot(t.number)); break;
      case SpecKind::PolyAftertouch:
        if (t.any_number) {
          for (unsigned n = 0; n < 128; ++n) add(4096 + slot(n));
        } else {
          add(4096 + slot(t.number));
        }
        break;
      case SpecKind::ProgramChange:
        if (t.any_number) {
          for (unsigned n = 0; n < 128; ++n) add(6144 + slot(n));
        } else {
          add(6144 + slot(t.number));
        }
        break;
      case SpecKind::ChannelAftertouch: add(8192 + ch); break;
      case SpecKind::PitchBend: add(8208 + ch); break;
      case SpecKind::SysEx: break;  // scanned, not bucketed
    }
  }
}

}  // namespace

void ModeIndex::build(std::span<const MappingEntry* const> entries) {
  // Counting sort into compressed rows: count per bucket, prefix-sum, then place in
  // input order so each bucket keeps file order.
  offsets_.assign(kBuckets + 1, 0);
  sysex_.clear();
  for (const MappingEntry* e : entries) {
    if (e->trigger.kind == SpecKind::SysEx) {
      sysex_.push_back(e);
      continue;
    }
    for_each_bucket(e->trigger, [&](uint32_t b) { ++offsets_[b + 1]; });
  }
  for (uint32_t b = 0; b < kBuckets; ++b) offsets_[b + 1] += offsets_[b];
  refs_.assign(offsets_[kBuckets], nullptr);
  std::vector<uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (const MappingEntry* e : entries) {
    if (e->trigger.kind == SpecKind::SysEx) continue;
    // A chord listing the same note twice is deduplicated by the loader; guard anyway so
    // one press never reports a mapping twice.
    for_each_bucket(e->trigger, [&](uint32_t b) {
      if (fill[b] > offsets_[b] && refs_[fill[b] - 1] == e) return;
      refs_[fill[b]++] = e;
    });
  }
  // Buckets that skipped a duplicate have trailing nulls; compact them away.
  uint32_t write = 0;
  std::vector<uint32_t> new_offsets(kBuckets + 1, 0);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    new_offsets[b] = write;
    for (uint32_t i = offsets_[b]; i < fill[b]; ++i) refs_[write++] = refs_[i];
  }
  new_offsets[kBuckets] = write;
  refs_.resize(write);
  offsets_ = std::move(new_offsets);
}

std::optional<size_t> MappingSet::find_mode(std::string_view name) const {
  for (size_t i = 0; i < modes_.size(); ++i)
    if (modes_[i].name == name) return i;
  return std::nullopt;
}

const MappingEntry* MappingSet::find(MappingId id) const {
  if (id.mode == MappingId::kGlobal) return id.index < global_.size() ? &global_[id.index] : nullptr;
  if (id.mode >= modes_.size()) return nullptr;
  const auto& list = modes_[id.mode].mappings;
  return id.index < list.size() ? &list[id.index] : nullptr;
}

size_t MappingSet::mapping_count() const {
  size_t n = global_.size();
  for (const Mode& m : modes_) n += m.mappings.size();
  return n;
}

size_t MappingSetBuilder::add_mode(std::string name) {
  modes_.push_back({std::move(name), {}, {}});
  return modes_.size() - 1;
}

MappingId MappingSetBuilder::add(size_t mode, TriggerSpec trigger, std::string description,
                                 const Mapping* source) {
  if (trigger.kind == SpecKind::Chord) {
    std::sort(trigger.notes.begin(), trigger.notes.end());
    trigger.notes.erase(std::unique(trigger.notes.begin(), trigger.notes.end()), trigger.notes.end());
  }
  MappingEntry entry;
  entry.trigger = std::move(trigger);
  entry.description = std::move(description);
  entry.source = source;
  if (mode == MappingId::kGlobal) {
    entry.id = {MappingId::kGlobal, static_cast<uint32_t>(global_.size())};
  } else {
    entry.id = {static_cast<uint16_t>(mode), static_cast<uint32_t>(modes_[mode].mappings.size())};
  }
  const MappingId id = entry.id;
  (mode == MappingId::kGlobal ? global_ : modes_[mode].mappings).push_back(std::move(entry));
  return id;
}

std::shared_ptr<const MappingSet> MappingSetBuilder::build() {
  auto set = std::make_shared<MappingSet>();
  if (modes_.empty()) add_mode("Default");
  set->modes_ = std::move(modes_);
  set->global_ = std::move(global_);
  set->timings_ = timings_;
  set->owner_ = std::move(owner_);
  // Now that every entry sits at its final address, index each mode.
  std::vector<const MappingEntry*> entries;
  for (auto& m : set->modes_) {
    entries.clear();
    for (const auto& e : m.mappings) entries.push_back(&e);
    for (const auto& e : set->global_) entries.push_back(&e);
    m.index.build(entries);
  }
  modes_.clear();
  global_.clear();
  return set;
}

}  // namespace midimon::mapping
