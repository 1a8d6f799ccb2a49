#include "desktop/volume.h"

#include <algorithm>

#include "desktop/run_command.h"

namespace midimon::desktop {
namespace {

std::string percent(unsigned value) { return std::to_string(value) + "%"; }

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "no message" : line;
}

}  // namespace

std::vector<std::string> volume_argv(VolumeTool tool, const VolumeCommand& command) {
  const unsigned value = std::min<unsigned>(command.value, 100);
  const unsigned step = command.step;
  if (tool == VolumeTool::Pactl) {
    switch (command.operation) {
      case VolumeOperation::Up:
        return {"pactl", "set-sink-volume", "@DEFAULT_SINK@", "+" + percent(step)};
      case VolumeOperation::Down:
        return {"pactl", "set-sink-volume", "@DEFAULT_SINK@", "-" + percent(step)};
      case VolumeOperation::Mute:
        return {"pactl", "set-sink-mute", "@DEFAULT_SINK@", "1"};
      case VolumeOperation::Unmute:
        return {"pactl", "set-sink-mute", "@DEFAULT_SINK@", "0"};
      case VolumeOperation::Set:
        return {"pactl", "set-sink-volume", "@DEFAULT_SINK@", percent(value)};
    }
  }
  switch (command.operation) {
    case VolumeOperation::Up:
      return {"amixer", "-q", "sset", "Master", percent(step) + "+"};
    case VolumeOperation::Down:
      return {"amixer", "-q", "sset", "Master", percent(step) + "-"};
    case VolumeOperation::Mute:
      return {"amixer", "-q", "sset", "Master", "mute"};
    case VolumeOperation::Unmute:
      return {"amixer", "-q", "sset", "Master", "unmute"};
    case VolumeOperation::Set:
      return {"amixer", "-q", "sset", "Master", percent(value)};
  }
  return {};
}

Result<VolumeTool> apply_volume(const VolumeCommand& command, const VolumeOptions& options) {
  std::string reasons;
  for (const VolumeTool tool : {VolumeTool::Pactl, VolumeTool::Amixer}) {
    auto argv = volume_argv(tool, command);
    argv[0] = tool == VolumeTool::Pactl ? options.pactl : options.amixer;
    const auto outcome = run_command(argv, options.timeout);
    std::string reason;
    if (!outcome.ok()) {
      reason = outcome.error();
    } else if (outcome->timed_out) {
      reason = "timed out after " + std::to_string(options.timeout.count()) + " ms";
    } else if (outcome->exit_code == 0) {
      return tool;
    } else {
      reason = "exit code " + std::to_string(outcome->exit_code) + ": " +
               first_line(outcome->err.empty() ? outcome->out : outcome->err);
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += argv[0] + " failed (" + reason + ")";
  }
  return Error{"volume control failed: " + reasons + "."};
}

}  // namespace midimon::desktop
