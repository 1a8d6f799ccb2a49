// The mappings the processor matches against, as one immutable snapshot: every mode's
// mappings plus the global ones, each mode with an index from (message kind, channel,
// number) to the mappings a message of that kind could fire. A message looks at one
// bucket — never a scan of every mapping (only SysEx patterns are scanned, they are few).
//
// The processor shares a snapshot by std::shared_ptr<const MappingSet>; replacing the
// config or switching modes swaps a pointer/index, never edits a snapshot in place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_model.h"
#include "mapping/trigger_spec.h"

namespace midimon::mapping {

struct MappingId {
  static constexpr uint16_t kGlobal = 0xFFFF;
  uint16_t mode = kGlobal;  // index of the mode, or kGlobal for [[global_mappings]]
  uint32_t index = 0;       // position in that mode's (or the global) list
  bool operator==(const MappingId&) const = default;
};

struct MappingEntry {
  MappingId id;
  TriggerSpec trigger;
  std::string description;
  const Mapping* source = nullptr;  // the config mapping it came from, if built from a Config
};

using EntryList = std::span<const MappingEntry* const>;

// One mode's lookup table (the mode's own mappings first, then the global ones, each in
// file order — the order matches are reported in).
class ModeIndex {
 public:
  EntryList notes(uint8_t channel, uint8_t note) const { return bucket(kNote + slot(channel, note)); }
  EntryList controller(uint8_t channel, uint8_t cc) const { return bucket(kCc + slot(channel, cc)); }
  EntryList poly_aftertouch(uint8_t channel, uint8_t note) const {
    return bucket(kPoly + slot(channel, note));
  }
  EntryList program(uint8_t channel, uint8_t program) const {
    return bucket(kProgram + slot(channel, program));
  }
  EntryList channel_aftertouch(uint8_t channel) const { return bucket(kChannelAt + (channel & 15)); }
  EntryList pitch_bend(uint8_t channel) const { return bucket(kPitch + (channel & 15)); }
  EntryList sysex() const { return {sysex_.data(), sysex_.size()}; }
  size_t reference_count() const { return refs_.size(); }

  void build(std::span<const MappingEntry* const> entries);

 private:
  static constexpr uint32_t kNote = 0, kCc = 2048, kPoly = 4096, kProgram = 6144,
                            kChannelAt = 8192, kPitch = 8208, kBuckets = 8224;
  static uint32_t slot(uint8_t channel, uint8_t number) {
    return (uint32_t(channel & 15) << 7) | (number & 127);
  }
  EntryList bucket(uint32_t b) const {
    if (offsets_.empty()) return {};
    return {refs_.data() + offsets_[b], offsets_[b + 1] - offsets_[b]};
  }

  std::vector<uint32_t> offsets_;  // kBuckets + 1 (compressed rows)
  std::vector<const MappingEntry*> refs_;
  std::vector<const MappingEntry*> sysex_;
};

class MappingSet {
 public:
  struct Mode {
    std::string name;
    std::vector<MappingEntry> mappings;
    ModeIndex index;  // this mode's mappings + the global ones
  };

  size_t mode_count() const { return modes_.size(); }
  const Mode& mode(size_t i) const { return modes_[i]; }
  std::optional<size_t> find_mode(std::string_view name) const;
  const std::vector<MappingEntry>& global_mappings() const { return global_; }
  const MappingEntry* find(MappingId id) const;
  const GestureTimings& timings() const { return timings_; }
  size_t mapping_count() const;  // every mode's plus the global ones

 private:
  friend class MappingSetBuilder;
  std::vector<Mode> modes_;
  std::vector<MappingEntry> global_;
  GestureTimings timings_;
  std::shared_ptr<const void> owner_;  // keeps the config that `source` pointers point into
};

// Collects modes and mappings, then freezes them into a MappingSet. A set with no mode
// gets one called "Default" so global mappings always have a mode to live in.
class MappingSetBuilder {
 public:
  explicit MappingSetBuilder(GestureTimings timings = {}) : timings_(timings) {}
  size_t add_mode(std::string name);
  // mode: an add_mode() result or MappingId::kGlobal.
  MappingId add(size_t mode, TriggerSpec trigger, std::string description = {},
                const Mapping* source = nullptr);
  void keep_alive(std::shared_ptr<const void> owner) { owner_ = std::move(owner); }
  std::shared_ptr<const MappingSet> build();

 private:
  GestureTimings timings_;
  std::vector<MappingSet::Mode> modes_;
  std::vector<MappingEntry> global_;
  std::shared_ptr<const void> owner_;
};

}  // namespace midimon::mapping
