// Config -> MappingSet (see mapping_set_from_config.h).
#include "mapping/mapping_set_from_config.h"

#include <type_traits>

namespace midimon::mapping {

namespace {

SysExPattern pattern_from(const std::vector<trigger::SysExByte>& bytes) {
  SysExPattern pattern;
  for (const trigger::SysExByte& b : bytes) {
    switch (b.kind) {
      case trigger::SysExByte::Kind::Exact:
        pattern.push_back({SysExPatternItem::Kind::Byte, b.value});
        break;
      case trigger::SysExByte::Kind::AnyByte: pattern.push_back({SysExPatternItem::Kind::AnyOne, 0}); break;
      case trigger::SysExByte::Kind::AnyRun: pattern.push_back({SysExPatternItem::Kind::AnyRun, 0}); break;
    }
  }
  return pattern;
}

}  // namespace

TriggerSpec trigger_spec_from(const Trigger& trigger) {
  TriggerSpec s;
  s.channel = trigger.channel;
  s.device = trigger.device_index;
  std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, trigger::Note>) {
          s.kind = SpecKind::Note;
          s.number = t.note;
          s.min = t.velocity_min;
          s.max = t.velocity_max;
          s.immediate = t.immediate;
        } else if constexpr (std::is_same_v<T, trigger::VelocityRange>) {
          s.kind = SpecKind::VelocityRange;
          s.number = t.note;
          s.min = t.velocity_min;  // the loader resolved level / soft_max / medium_max
          s.max = t.velocity_max;
        } else if constexpr (std::is_same_v<T, trigger::LongPress>) {
          s.kind = SpecKind::LongPress;
          s.number = t.note;
          s.timeout_ms = t.duration_ms;
        } else if constexpr (std::is_same_v<T, trigger::DoubleTap>) {
          s.kind = SpecKind::DoubleTap;
          s.number = t.note;
          s.timeout_ms = t.timeout_ms;
        } else if constexpr (std::is_same_v<T, trigger::NoteChord>) {
          s.kind = SpecKind::Chord;
          s.notes = t.notes;
          s.timeout_ms = t.timeout_ms;
        } else if constexpr (std::is_same_v<T, trigger::EncoderTurn>) {
          s.kind = SpecKind::Encoder;
          s.number = t.cc;
          s.encoding = t.encoding;
          s.direction = t.direction == EncoderDirection::Clockwise          ? 1
                        : t.direction == EncoderDirection::CounterClockwise ? -1
                                                                            : 0;
        } else if constexpr (std::is_same_v<T, trigger::ControlChange>) {
          s.kind = SpecKind::ControlChange;
          s.number = t.cc;
          s.min = t.value_min;
          s.max = t.value_max;
          s.cc14 = t.is_14bit;
          s.fire = t.fire;
        } else if constexpr (std::is_same_v<T, trigger::Aftertouch>) {
          s.kind = t.poly ? SpecKind::PolyAftertouch : SpecKind::ChannelAftertouch;
          s.number = t.note.value_or(0);
          s.any_number = t.poly && !t.note;
          s.min = t.pressure_min;
          s.max = t.pressure_max;
        } else if constexpr (std::is_same_v<T, trigger::PitchBend>) {
          s.kind = SpecKind::PitchBend;
          s.min = t.value_min;
          s.max = t.value_max;
        } else if constexpr (std::is_same_v<T, trigger::ProgramChange>) {
          s.kind = SpecKind::ProgramChange;
          s.number = t.program.value_or(0);
          s.any_number = !t.program;
        } else if constexpr (std::is_same_v<T, trigger::SysEx>) {
          s.kind = SpecKind::SysEx;
          s.sysex = pattern_from(t.pattern);
        }
      },
      trigger.kind);
  return s;
}

std::shared_ptr<const MappingSet> build_mapping_set(std::shared_ptr<const Config> config) {
  MappingSetBuilder builder(GestureTimings{config->advanced.chord_timeout_ms,
                                           config->advanced.double_tap_timeout_ms,
                                           config->advanced.hold_threshold_ms});
  for (const Mode& mode : config->modes) {
    const size_t m = builder.add_mode(mode.name);
    for (const Mapping& mapping : mode.mappings)
      builder.add(m, trigger_spec_from(mapping.trigger), mapping.description, &mapping);
  }
  for (const Mapping& mapping : config->global_mappings)
    builder.add(MappingId::kGlobal, trigger_spec_from(mapping.trigger), mapping.description, &mapping);
  builder.keep_alive(config);
  return builder.build();
}

}  // namespace midimon::mapping
