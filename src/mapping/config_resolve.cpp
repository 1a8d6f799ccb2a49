// After every mode is read: resolve the mode names that actions, conditions and app
// profiles refer to (ModeChange, ModeIs — also inside Sequence, Repeat, Conditional and
// on_enter), reporting each name that does not exist.
#include "mapping/config_reader.h"

namespace midimon::mapping::detail {
namespace {

std::vector<std::string_view> mode_names(const Config& config) {
  std::vector<std::string_view> names;
  for (const Mode& m : config.modes) names.push_back(m.name);
  return names;
}

void resolve_name(const Config& config, LoadContext& ctx, const SourceLocation& where,
                  const std::string& name, std::size_t& index, const char* what) {
  if (auto found = config.find_mode(name)) {
    index = *found;
    return;
  }
  ctx.diagnostics.error(where, std::string(what) + " names mode '" + name +
                                   "', which does not exist" + did_you_mean(name, mode_names(config)));
}

void resolve_condition(Condition& c, const Config& config, LoadContext& ctx) {
  if (auto* m = std::get_if<condition::ModeIs>(&c.kind)) {
    resolve_name(config, ctx, c.where, m->mode, m->mode_index, "ModeIs");
  } else if (auto* a = std::get_if<condition::And>(&c.kind)) {
    for (Condition& inner : a->conditions) resolve_condition(inner, config, ctx);
  } else if (auto* o = std::get_if<condition::Or>(&c.kind)) {
    for (Condition& inner : o->conditions) resolve_condition(inner, config, ctx);
  } else if (auto* n = std::get_if<condition::Not>(&c.kind)) {
    if (n->condition) resolve_condition(*n->condition, config, ctx);
  }
}

void resolve_action(Action& a, const Config& config, LoadContext& ctx) {
  if (auto* m = std::get_if<action::ModeChange>(&a.kind)) {
    if (m->mode.empty()) {
      // MIDIMon's index form (mode = 1).
      if (m->mode_index < config.modes.size()) {
        m->mode = config.modes[m->mode_index].name;
      } else {
        ctx.diagnostics.error(a.where, "ModeChange names mode number " +
                                           std::to_string(m->mode_index) + ", but there are only " +
                                           std::to_string(config.modes.size()) +
                                           " modes (numbered from 0)");
      }
    } else {
      resolve_name(config, ctx, a.where, m->mode, m->mode_index, "ModeChange");
    }
  } else if (auto* s = std::get_if<action::Sequence>(&a.kind)) {
    for (Action& inner : s->actions) resolve_action(inner, config, ctx);
  } else if (auto* r = std::get_if<action::Repeat>(&a.kind)) {
    if (r->action) resolve_action(*r->action, config, ctx);
  } else if (auto* c = std::get_if<action::Conditional>(&a.kind)) {
    if (c->condition) resolve_condition(*c->condition, config, ctx);
    if (c->then_action) resolve_action(*c->then_action, config, ctx);
    if (c->else_action) resolve_action(*c->else_action, config, ctx);
  }
}

}  // namespace

void resolve_action_modes(Action& action, const Config& config, LoadContext& ctx) {
  resolve_action(action, config, ctx);
}

void resolve_mode_references(Config& config, LoadContext& ctx) {
  for (Mode& mode : config.modes) {
    for (Mapping& m : mode.mappings) resolve_action(m.action, config, ctx);
    for (Action& a : mode.on_enter) resolve_action(a, config, ctx);
  }
  for (Mapping& m : config.global_mappings) resolve_action(m.action, config, ctx);
  for (AppProfile& p : config.app_profiles)
    resolve_name(config, ctx, p.where, p.mode, p.mode_index, "an [[app_profiles]] entry");
}

}  // namespace midimon::mapping::detail
