// Runs one action tree of one job, on the calling (executor) thread: leaves through the
// env's interfaces, Sequence/Repeat/Conditional/Delay here. Every leaf's outcome (and
// each Conditional's choice) is reported to the sink; a failure is also logged with the
// mapping's description and location, and the tree goes on with its next action.
#pragma once

#include <cstdint>
#include <string>

#include "actions/action_env.h"
#include "actions/send_midi_dynamics.h"
#include "actions/stop_signal.h"
#include "actions/trigger_context.h"
#include "mapping/config_model.h"

namespace midimon::actions {

struct JobInfo {
  uint64_t number = 0;
  std::string mapping;        // description
  std::string mapping_where;  // file:line:column
  TriggerContext context;
};

class ActionRunner {
 public:
  ActionRunner(ActionEnv& env, const StopSignal& stop, const JobInfo& job);

  // False when the stop signal ended it early (the rest was not run).
  bool run(const mapping::Action& action);

  uint64_t ok_count() const { return ok_; }
  uint64_t failed_count() const { return failed_; }

 private:
  Outcome run_leaf(const mapping::Action& action, std::optional<plugin::CallResult>& plugin_result);
  Outcome run_shell(const mapping::action::Shell& shell);
  Outcome run_plugin(const mapping::action::Plugin& action, std::optional<plugin::CallResult>& result);
  bool run_delay(const mapping::Action& action, uint32_t ms);
  void report(const mapping::Action& action, ActionEvent::Status status, std::string detail,
              std::chrono::nanoseconds duration, std::optional<plugin::CallResult> plugin_result = {});
  // "mapping 'Spotlight' (config.toml:12:1)" or "mapping at config.toml:12:1".
  std::string mapping_label() const;

  ActionEnv& env_;
  const StopSignal& stop_;
  const JobInfo& job_;
  uint64_t ok_ = 0;
  uint64_t failed_ = 0;
};

}  // namespace midimon::actions
