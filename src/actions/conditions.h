// Evaluating a Conditional's condition. Both MIDIMon spellings are normalised by the
// loader, so only the model's variant is seen here.
#pragma once

#include <cstdint>
#include <string>

#include "actions/action_env.h"
#include "mapping/config_model.h"

namespace midimon::actions {

struct ConditionValue {
  bool value = false;
  std::string note;  // why it is false when that is not obvious ("frontmost app unknown: ...")
};

// [start, end) in minutes since midnight; wraps midnight when end < start; start == end
// wraps all the way round: the whole day.
bool time_in_range(const mapping::condition::TimeRange& range, uint16_t minute_of_day);
bool day_in(const mapping::condition::DayOfWeek& days, uint8_t weekday);

ConditionValue evaluate_condition(const mapping::Condition& condition, Desktop& desktop,
                                  const ModeControl& modes, const Clock& clock);

}  // namespace midimon::actions
