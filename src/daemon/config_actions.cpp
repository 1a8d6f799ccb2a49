// Walking every action of a config (config_actions.h).
#include "daemon/config_actions.h"

namespace midimon::daemon {
namespace {

void walk(const mapping::Action& action, const std::function<void(const mapping::Action&)>& visit) {
  visit(action);
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, mapping::action::Sequence>) {
          for (const auto& inner : a.actions) walk(inner, visit);
        } else if constexpr (std::is_same_v<T, mapping::action::Repeat>) {
          if (a.action) walk(*a.action, visit);
        } else if constexpr (std::is_same_v<T, mapping::action::Conditional>) {
          if (a.then_action) walk(*a.then_action, visit);
          if (a.else_action) walk(*a.else_action, visit);
        }
      },
      action.kind);
}

}  // namespace

void for_each_action(const mapping::Config& config, const std::function<void(const mapping::Action&)>& visit) {
  for (const auto& mode : config.modes) {
    for (const auto& m : mode.mappings) walk(m.action, visit);
    for (const auto& a : mode.on_enter) walk(a, visit);
  }
  for (const auto& m : config.global_mappings) walk(m.action, visit);
}

}  // namespace midimon::daemon
