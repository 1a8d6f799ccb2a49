// parser_options_from_config (parser_options_from_config.h).
#include "mapping/parser_options_from_config.h"

#include <variant>

namespace midimon::mapping {
namespace {

void pair_if_14bit(const Trigger& trigger, midi::ParserOptions& options) {
  const auto* cc = std::get_if<trigger::ControlChange>(&trigger.kind);
  if (!cc || !cc->is_14bit) return;
  options.pair_14bit(trigger.channel ? int(*trigger.channel) : -1, cc->cc);
}

}  // namespace

midi::ParserOptions parser_options_from_config(const Config& config) {
  midi::ParserOptions options;
  for (const Mode& mode : config.modes) {
    for (const Mapping& m : mode.mappings) pair_if_14bit(m.trigger, options);
  }
  for (const Mapping& m : config.global_mappings) pair_if_14bit(m.trigger, options);
  return options;
}

}  // namespace midimon::mapping
