#include "actions/action_runner.h"

#include <cstdio>
#include <type_traits>

#include "actions/conditions.h"
#include "actions/launch_target.h"
#include "actions/midi_bytes.h"
#include "actions/plugin_request.h"
#include "actions/printing_desktop.h"
#include "actions/shell_process.h"

namespace midimon::actions {

namespace act = mapping::action;

namespace {

std::string millis_text(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1e6);
  return buf;
}

// Logs a process's output line by line ("shell 'cmd' stdout: ...").
void log_lines(Logger& logger, LogLevel level, const std::string& prefix, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    logger.log(level, prefix + text.substr(start, end - start));
    start = end + 1;
  }
}

const char* modifier_name(mapping::Modifier m) {
  switch (m) {
    case mapping::Modifier::Ctrl: return "ctrl";
    case mapping::Modifier::Alt: return "alt";
    case mapping::Modifier::Shift: return "shift";
    case mapping::Modifier::Super: return "super";
  }
  return "?";
}

// The config's value-from-trigger settings of a SendMidi, as midi_bytes wants them.
SendMidiDynamics dynamics_of(const act::SendMidi& a) {
  SendMidiDynamics d;
  d.source = a.value_from_trigger ? ValueSource::Trigger : ValueSource::Fixed;
  switch (a.curve) {
    case act::ValueCurve::Linear: d.curve = ValueCurve::Linear; break;
    case act::ValueCurve::Exponential: d.curve = ValueCurve::Exponential; break;
    case act::ValueCurve::Logarithmic: d.curve = ValueCurve::Logarithmic; break;
  }
  d.out_min = a.out_min;
  d.out_max = a.out_max;
  d.invert = a.invert;
  return d;
}

}  // namespace

std::string describe_keys(const std::vector<std::string>& keys,
                          const std::vector<mapping::Modifier>& modifiers) {
  std::string out;
  for (mapping::Modifier m : modifiers) {
    out += modifier_name(m);
    out += '+';
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += '+';
    out += keys[i];
  }
  return out;
}

ActionRunner::ActionRunner(ActionEnv& env, const StopSignal& stop, const JobInfo& job)
    : env_(env), stop_(stop), job_(job) {}

std::string ActionRunner::mapping_label() const {
  if (job_.mapping.empty()) return "mapping at " + job_.mapping_where;
  return "mapping '" + job_.mapping + "' (" + job_.mapping_where + ")";
}

void ActionRunner::report(const mapping::Action& action, ActionEvent::Status status,
                          std::string detail, std::chrono::nanoseconds duration,
                          std::optional<plugin::CallResult> plugin_result) {
  ActionEvent e;
  e.status = status;
  e.job = job_.number;
  e.mapping = job_.mapping;
  e.mapping_where = job_.mapping_where;
  e.action_type = mapping::action_type_name(action.kind);
  e.action_where = action.where.to_string();
  e.detail = std::move(detail);
  e.duration = duration;
  e.plugin_result = std::move(plugin_result);
  if (status == ActionEvent::Status::Ok) {
    ++ok_;
  } else if (status == ActionEvent::Status::Failed) {
    ++failed_;
    env_.logger.log(LogLevel::Warn, mapping_label() + ": " + e.action_type + " (" + e.action_where +
                                        ") failed: " + e.detail);
  }
  env_.sink.on_action(e);
}

bool ActionRunner::run(const mapping::Action& action) {
  if (stop_.raised()) return false;
  return std::visit(
      [&](const auto& a) -> bool {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, act::Sequence>) {
          for (const mapping::Action& step : a.actions) {
            if (!run(step)) return false;
          }
          return true;
        } else if constexpr (std::is_same_v<T, act::Repeat>) {
          if (!a.action) return true;
          for (uint32_t i = 0; i < a.count; ++i) {
            if (!run(*a.action)) return false;
            if (a.delay_ms > 0 && i + 1 < a.count && !run_delay(action, a.delay_ms)) return false;
          }
          return true;
        } else if constexpr (std::is_same_v<T, act::Conditional>) {
          const auto start = env_.clock.now();
          ConditionValue v = a.condition
                                 ? evaluate_condition(*a.condition, env_.desktop, env_.modes, env_.clock)
                                 : ConditionValue{true, {}};
          const mapping::Action* branch = v.value ? a.then_action.get() : a.else_action.get();
          std::string detail = std::string("condition is ") + (v.value ? "true" : "false");
          if (!v.note.empty()) detail += " (" + v.note + ")";
          detail += branch ? (v.value ? ": then_action" : ": else_action") : ": nothing to do";
          report(action, ActionEvent::Status::Ok, std::move(detail), env_.clock.now() - start);
          return branch ? run(*branch) : true;
        } else if constexpr (std::is_same_v<T, act::Delay>) {
          return run_delay(action, a.ms);
        } else {
          const auto start = env_.clock.now();
          std::optional<plugin::CallResult> plugin_result;
          Outcome o = run_leaf(action, plugin_result);
          report(action, o.ok ? ActionEvent::Status::Ok : ActionEvent::Status::Failed,
                 std::move(o.detail), env_.clock.now() - start, std::move(plugin_result));
          return true;
        }
      },
      action.kind);
}

bool ActionRunner::run_delay(const mapping::Action& action, uint32_t ms) {
  const auto start = env_.clock.now();
  if (env_.clock.wait_for(std::chrono::milliseconds(ms), stop_)) {
    report(action, ActionEvent::Status::Ok, "waited " + std::to_string(ms) + " ms",
           env_.clock.now() - start);
    return true;
  }
  report(action, ActionEvent::Status::Cancelled,
         "cancelled by shutdown during a " + std::to_string(ms) + " ms wait", env_.clock.now() - start);
  return false;
}

Outcome ActionRunner::run_leaf(const mapping::Action& action,
                               std::optional<plugin::CallResult>& plugin_result) {
  return std::visit(
      [&](const auto& a) -> Outcome {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, act::Keystroke>) {
          std::string unavailable;
          for (const std::string& k : a.unavailable) unavailable += (unavailable.empty() ? "" : ", ") + k;
          if (a.keys.empty()) {
            return Outcome::failure(unavailable.empty() ? "no keys to press"
                                                        : "keys not available on Linux: " + unavailable);
          }
          Outcome o = env_.desktop.keystroke(a.keys, a.modifiers);
          if (o.ok && o.detail.empty()) o.detail = "pressed " + describe_keys(a.keys, a.modifiers);
          if (!unavailable.empty()) o.detail += " (left out, not available on Linux: " + unavailable + ")";
          return o;
        } else if constexpr (std::is_same_v<T, act::Text>) {
          Outcome o = env_.desktop.type_text(a.text);
          if (o.ok && o.detail.empty()) o.detail = "typed " + std::to_string(a.text.size()) + " bytes";
          return o;
        } else if constexpr (std::is_same_v<T, act::Launch>) {
          LaunchTarget target = resolve_launch(a.app, xdg_data_dirs());
          if (!target.ok()) return Outcome::failure(target.error);
          Outcome o = env_.desktop.launch(target.argv);
          if (o.ok && o.detail.empty()) {
            o.detail = "started " + target.argv[0];
            if (!target.desktop_file.empty()) o.detail += " (from " + target.desktop_file + ")";
          }
          return o;
        } else if constexpr (std::is_same_v<T, act::Shell>) {
          return run_shell(a);
        } else if constexpr (std::is_same_v<T, act::MouseClick>) {
          std::optional<ScreenPoint> at;
          if (a.x && a.y) at = ScreenPoint{*a.x, *a.y};
          return env_.desktop.mouse_click(a.button, at);
        } else if constexpr (std::is_same_v<T, act::VolumeControl>) {
          return env_.desktop.volume(a.operation, a.value);
        } else if constexpr (std::is_same_v<T, act::ModeChange>) {
          Outcome o = env_.modes.switch_mode(a.mode_index, a.mode);
          if (o.ok && o.detail.empty()) o.detail = "mode is now '" + a.mode + "'";
          return o;
        } else if constexpr (std::is_same_v<T, act::SendMidi>) {
          const std::vector<uint8_t> bytes = send_midi_bytes(a, job_.context, dynamics_of(a));
          Outcome o = env_.midi.send(a.port, bytes);
          const std::string where = a.port.empty() ? "the virtual output" : "'" + a.port + "'";
          if (o.ok && o.detail.empty()) o.detail = "sent " + hex_bytes(bytes) + " to " + where;
          if (!o.ok) o.detail = "sending " + hex_bytes(bytes) + " to " + where + ": " + o.detail;
          return o;
        } else if constexpr (std::is_same_v<T, act::Plugin>) {
          return run_plugin(a, plugin_result);
        } else {
          // Sequence, Repeat, Conditional and Delay are handled by run().
          return Outcome::failure("internal: not a leaf action");
        }
      },
      action.kind);
}

Outcome ActionRunner::run_shell(const act::Shell& shell) {
  std::vector<std::string> argv =
      shell.shell ? std::vector<std::string>{"/bin/sh", "-c", shell.command} : shell.argv;
  const std::chrono::milliseconds timeout(shell.timeout_ms);
  ShellRun run = run_shell_process(argv, timeout, env_.shell.max_output_bytes, stop_);
  const std::string label = "shell '" + shell.command + "'";
  log_lines(env_.logger, LogLevel::Info, label + " stdout: ", run.out);
  log_lines(env_.logger, LogLevel::Warn, label + " stderr: ", run.err);
  if (run.truncated) env_.logger.log(LogLevel::Warn, label + ": output past " +
                                                         std::to_string(env_.shell.max_output_bytes) +
                                                         " bytes per stream was discarded");
  switch (run.status) {
    case ShellRun::Status::Exited:
      if (!run.message.empty()) return Outcome::success(run.message);
      if (run.exit_code == 0) return Outcome::success("exit 0");
      return Outcome::failure("exited with status " + std::to_string(run.exit_code));
    case ShellRun::Status::Signaled:
      return Outcome::failure("killed by signal " + std::to_string(run.signal));
    case ShellRun::Status::TimedOut:
      return Outcome::failure("timed out after " + std::to_string(timeout.count()) +
                              " ms (timeout_ms); its process group was killed");
    case ShellRun::Status::Cancelled:
      return Outcome::failure("killed at shutdown");
    case ShellRun::Status::SpawnFailed:
      return Outcome::failure(run.message);
  }
  return Outcome::failure("unknown outcome");
}

Outcome ActionRunner::run_plugin(const act::Plugin& a, std::optional<plugin::CallResult>& result) {
  plugin::ActionRequest request = make_plugin_request(a, job_.context);
  plugin::CallResult r = env_.plugins.call(a.plugin, request);
  std::string head = "plugin '" + a.plugin + "' action '" + a.action + "': ";
  Outcome o;
  switch (r.status) {
    case plugin::CallResult::Status::Ok:
      o = Outcome::success(head + "returned 0 in " + millis_text(r.duration));
      break;
    case plugin::CallResult::Status::Failed:
      o = Outcome::failure(head + "returned " + std::to_string(r.code));
      break;
    case plugin::CallResult::Status::Trapped:
      o = Outcome::failure(head + "trapped: " + r.message);
      break;
    case plugin::CallResult::Status::Error:
      o = Outcome::failure(head + r.message);
      break;
  }
  result = std::move(r);
  return o;
}

}  // namespace midimon::actions
