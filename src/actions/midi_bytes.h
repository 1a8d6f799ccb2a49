// The wire bytes of a SendMidi action.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actions/send_midi_dynamics.h"
#include "actions/trigger_context.h"
#include "mapping/config_model.h"

namespace midimon::actions {

// NoteOn 9n note vel, NoteOff 8n note vel, CC Bn controller value, ProgramChange Cn
// program, PitchBend En lsb msb (pitch -8192..8191 around 8192), Aftertouch Dn pressure
// (channel pressure). Values are masked to 7 bits, the channel to 4 (the loader checked
// the ranges already). With `dynamics.source == Trigger` and a value in `context`, the
// velocity / value / pressure (or the pitch, from value14) comes from the trigger.
std::vector<uint8_t> send_midi_bytes(const mapping::action::SendMidi& action,
                                     const TriggerContext& context,
                                     const SendMidiDynamics& dynamics = {});

// "90 3C 64"
std::string hex_bytes(const std::vector<uint8_t>& bytes);

}  // namespace midimon::actions
