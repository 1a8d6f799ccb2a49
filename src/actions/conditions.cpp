#include "actions/conditions.h"

#include <algorithm>
#include <type_traits>

namespace midimon::actions {

namespace cond = mapping::condition;

bool time_in_range(const cond::TimeRange& range, uint16_t minute) {
  if (range.start_minute == range.end_minute) return true;
  if (range.start_minute < range.end_minute)
    return minute >= range.start_minute && minute < range.end_minute;
  return minute >= range.start_minute || minute < range.end_minute;  // wraps midnight
}

bool day_in(const cond::DayOfWeek& days, uint8_t weekday) {
  return std::find(days.days.begin(), days.days.end(), weekday) != days.days.end();
}

ConditionValue evaluate_condition(const mapping::Condition& condition, Desktop& desktop,
                                  const ModeControl& modes, const Clock& clock) {
  return std::visit(
      [&](const auto& c) -> ConditionValue {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, cond::Always>) {
          return {true, {}};
        } else if constexpr (std::is_same_v<T, cond::Never>) {
          return {false, {}};
        } else if constexpr (std::is_same_v<T, cond::TimeRange>) {
          return {time_in_range(c, clock.local_time().minute_of_day), {}};
        } else if constexpr (std::is_same_v<T, cond::DayOfWeek>) {
          return {day_in(c, clock.local_time().weekday), {}};
        } else if constexpr (std::is_same_v<T, cond::AppRunning>) {
          return {desktop.app_running(c.app_name), {}};
        } else if constexpr (std::is_same_v<T, cond::AppFrontmost>) {
          const std::optional<bool> front = desktop.app_frontmost(c.app_name);
          if (!front) return {false, "the frontmost application is unknown (no X display)"};
          return {*front, {}};
        } else if constexpr (std::is_same_v<T, cond::ModeIs>) {
          return {modes.current_mode() == c.mode_index, {}};
        } else if constexpr (std::is_same_v<T, cond::And>) {
          for (const mapping::Condition& part : c.conditions) {  // short-circuits, like &&
            ConditionValue v = evaluate_condition(part, desktop, modes, clock);
            if (!v.value) return v;
          }
          return {true, {}};
        } else if constexpr (std::is_same_v<T, cond::Or>) {
          std::string notes;
          for (const mapping::Condition& part : c.conditions) {
            ConditionValue v = evaluate_condition(part, desktop, modes, clock);
            if (v.value) return v;
            if (!v.note.empty()) notes = std::move(v.note);
          }
          return {false, notes};
        } else {
          static_assert(std::is_same_v<T, cond::Not>);
          if (!c.condition) return {true, {}};  // the loader never builds this
          ConditionValue v = evaluate_condition(*c.condition, desktop, modes, clock);
          return {!v.value, v.note};
        }
      },
      condition.kind);
}

}  // namespace midimon::actions
