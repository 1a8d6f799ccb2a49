// The VolumeControl action: the default output's volume through `pactl` (PipeWire and
// PulseAudio both answer it), falling back to `amixer` (ALSA's Master control) when pactl
// is missing or fails. Commands are argv vectors run without a shell, with a timeout
// (run_command.h); desktop/ has its own small runner so it needs nothing of plugin/.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "desktop/result.h"

namespace midimon::desktop {

enum class VolumeOperation : uint8_t { Up, Down, Mute, Unmute, Set };

struct VolumeCommand {
  VolumeOperation operation = VolumeOperation::Up;
  uint8_t value = 0;  // Set: percent 0-100 (larger values are clamped to 100)
  uint8_t step = 5;   // Up/Down: percent per call
};

enum class VolumeTool : uint8_t { Pactl, Amixer };

// e.g. {"pactl", "set-sink-volume", "@DEFAULT_SINK@", "+5%"}, {"amixer", "-q", "sset",
// "Master", "5%+"}.
std::vector<std::string> volume_argv(VolumeTool tool, const VolumeCommand& command);

struct VolumeOptions {
  std::chrono::milliseconds timeout{2000};  // per tool
  std::string pactl = "pactl";              // program names, looked up in PATH
  std::string amixer = "amixer";
};

// Runs pactl, then amixer if pactl failed. Ok names nothing; the error quotes both
// tools' reasons (exit code and stderr's first line, or "not found", or "timed out").
// Returns which tool succeeded.
Result<VolumeTool> apply_volume(const VolumeCommand& command, const VolumeOptions& options = {});

}  // namespace midimon::desktop
