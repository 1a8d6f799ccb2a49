// `midimon learn`'s recogniser (see learn_session.h).
#include "mapping/learn_session.h"

#include <algorithm>
#include <cstdio>

#include "mapping/encoder.h"
#include "mapping/sysex_pattern.h"

namespace midimon::mapping {

namespace {

bool is_press(const midi::Message& m) { return m.type == midi::MessageType::NoteOn && m.data2 > 0; }
bool is_release(const midi::Message& m) {
  return m.type == midi::MessageType::NoteOff || (m.type == midi::MessageType::NoteOn && m.data2 == 0);
}
bool same_source(const midi::Message& a, const midi::Message& b) {
  return a.device == b.device && a.channel == b.channel;
}
bool all_in(const std::vector<uint16_t>& values, int lo, int hi) {
  return std::all_of(values.begin(), values.end(), [&](uint16_t v) { return v >= lo && v <= hi; });
}

}  // namespace

std::string LearnSession::channel_key() const { return ", channel = " + std::to_string((first_.channel & 15) + 1); }

void LearnSession::finish(std::string trigger, std::string why) {
  line_ = "trigger = { " + trigger + channel_key() + " }";
  why_ = std::move(why);
}

void LearnSession::feed(const midi::Message& m) {
  if (done()) return;
  tick(m.time);
  if (done()) return;
  const auto note_text = [](int n) { return std::to_string(n); };
  switch (phase_) {
    case Phase::Idle:
      first_ = m;
      first_time_ = last_time_ = m.time;
      if (is_press(m)) {
        phase_ = Phase::NoteHeld;
        chord_ = {static_cast<uint8_t>(m.data1 & 127)};
      } else if (m.type == midi::MessageType::ControlChange) {
        phase_ = Phase::Continuous;
        values_ = {static_cast<uint16_t>(m.is_14bit ? m.value14 : m.data2)};
      } else if (m.type == midi::MessageType::PitchBend) {
        phase_ = Phase::Continuous;
        values_ = {m.value14};
      } else if (m.type == midi::MessageType::ChannelAftertouch) {
        phase_ = Phase::Continuous;
        values_ = {m.data1};
      } else if (m.type == midi::MessageType::PolyAftertouch) {
        phase_ = Phase::Continuous;
        values_ = {m.data2};
      } else if (m.type == midi::MessageType::ProgramChange) {
        finish("type = \"ProgramChange\", program = " + std::to_string(m.data1 & 127),
               "program change " + std::to_string(m.data1 & 127));
      } else if (m.type == midi::MessageType::SysEx && m.sysex && !m.sysex->empty()) {
        SysExPattern exact;
        for (uint8_t b : *m.sysex) exact.push_back({SysExPatternItem::Kind::Byte, b});
        line_ = "trigger = { type = \"SysEx\", pattern = \"" + sysex_pattern_text(exact) + "\" }";
        why_ = "a SysEx message of " + std::to_string(m.sysex->size()) + " bytes";
      }
      return;  // anything else (clock, release of a note held before, ...) waits
    case Phase::NoteHeld:
    case Phase::Chord:
      if (is_press(m) && same_source(m, first_) && (m.data1 & 127) != chord_.front() &&
          m.time - first_time_ <= Millis(timings_.chord_timeout_ms)) {
        chord_.push_back(m.data1 & 127);
        phase_ = Phase::Chord;
      } else if (is_release(m) && same_source(m, first_)) {
        if (phase_ == Phase::Chord) {
          finish_chord();  // letting go ends the chord early
        } else if ((m.data1 & 127) == chord_.front()) {
          phase_ = Phase::NoteReleased;
        }
      }
      return;
    case Phase::NoteReleased:
      if (is_press(m) && same_source(m, first_) && (m.data1 & 127) == chord_.front()) {
        // tick() above already settled a press outside the window as a Note.
        finish("type = \"DoubleTap\", note = " + note_text(chord_.front()) +
                   ", timeout_ms = " + std::to_string(timings_.double_tap_timeout_ms),
               "note " + note_text(chord_.front()) + " pressed twice");
      }
      return;
    case Phase::Continuous:
      if (m.type == first_.type && same_source(m, first_) &&
          (m.type != midi::MessageType::ControlChange || m.data1 == first_.data1) &&
          (m.type != midi::MessageType::PolyAftertouch || m.data1 == first_.data1)) {
        values_.push_back(m.type == midi::MessageType::ControlChange
                              ? (m.is_14bit ? m.value14 : m.data2)
                          : m.type == midi::MessageType::PitchBend         ? m.value14
                          : m.type == midi::MessageType::ChannelAftertouch ? m.data1
                                                                           : m.data2);
        last_time_ = m.time;
      }
      return;
  }
}

std::optional<TimePoint> LearnSession::next_deadline() const {
  if (done()) return std::nullopt;
  switch (phase_) {
    case Phase::Idle: return std::nullopt;
    case Phase::NoteHeld: return first_time_ + Millis(timings_.hold_threshold_ms);
    case Phase::Chord: return first_time_ + Millis(timings_.chord_timeout_ms) + Duration(1);
    case Phase::NoteReleased: return first_time_ + Millis(timings_.double_tap_timeout_ms) + Duration(1);
    case Phase::Continuous: return last_time_ + Millis(timings_.settle_ms);
  }
  return std::nullopt;
}

void LearnSession::tick(TimePoint now) {
  if (done()) return;
  auto due = next_deadline();
  if (!due || now < *due) return;
  const std::string note = std::to_string(chord_.empty() ? 0 : chord_.front());
  switch (phase_) {
    case Phase::Idle: return;
    case Phase::NoteHeld:
      finish("type = \"LongPress\", note = " + note + ", duration_ms = " + std::to_string(timings_.hold_threshold_ms),
             "note " + note + " held for " + std::to_string(timings_.hold_threshold_ms) + " ms");
      return;
    case Phase::Chord: finish_chord(); return;
    case Phase::NoteReleased:
      finish("type = \"Note\", note = " + note, "note " + note + " pressed once");
      return;
    case Phase::Continuous: finish_continuous(); return;
  }
}

void LearnSession::finish_chord() {
  std::vector<uint8_t> notes = chord_;
  std::sort(notes.begin(), notes.end());
  std::string list;
  for (uint8_t n : notes) list += (list.empty() ? "" : ", ") + std::to_string(n);
  finish("type = \"NoteChord\", notes = [" + list + "]", std::to_string(notes.size()) + " notes pressed together");
}

// The values of a settled continuous control, classified.
void LearnSession::finish_continuous() {
  const auto& v = values_;
  const uint16_t peak_up = *std::max_element(v.begin(), v.end());
  const uint16_t peak_down = *std::min_element(v.begin(), v.end());
  switch (first_.type) {
    case midi::MessageType::PitchBend: {
      // Half-way from the centre to the furthest bend seen, so a similar bend fires it.
      const int up = peak_up - 8192, down = 8192 - peak_down;
      if (up >= down) {
        finish("type = \"PitchBend\", value_min = " + std::to_string(8192 + std::max(1, up / 2)) + ", value_max = 16383",
               "pitch bend up");
      } else {
        finish("type = \"PitchBend\", value_min = 0, value_max = " + std::to_string(8192 - std::max(1, down / 2)),
               "pitch bend down");
      }
      return;
    }
    case midi::MessageType::ChannelAftertouch:
    case midi::MessageType::PolyAftertouch: {
      std::string t = "type = \"Aftertouch\"";
      if (first_.type == midi::MessageType::PolyAftertouch)
        t += ", poly = true, note = " + std::to_string(first_.data1 & 127);
      finish(t + ", pressure_min = " + std::to_string(std::max(1, peak_up / 2)), "aftertouch up to " + std::to_string(peak_up));
      return;
    }
    default: break;
  }
  // A controller.
  const std::string cc = "cc = " + std::to_string(first_.data1 & 127);
  if (first_.is_14bit) {
    finish("type = \"CC\", " + cc + ", fourteen_bit = true, value_min = " + std::to_string(v.back()),
           "a 14-bit controller");
    return;
  }
  const bool buttonish = all_in(v, 0, 0) || std::all_of(v.begin(), v.end(), [](uint16_t x) { return x == 0 || x == 127; });
  if (v.size() == 1 || buttonish) {
    if (buttonish) {
      finish("type = \"CC\", " + cc + ", value_min = 64, fire = \"enter\"", "a button sending 127 / 0");
    } else {
      finish("type = \"CC\", " + cc + ", value_min = " + std::to_string(v.front()), "one controller value");
    }
    return;
  }
  // Relative encoders send small steps around a fixed point and repeat values; an
  // absolute one sends changing positions. Sign-magnitude turning counter-clockwise
  // (65..) looks exactly like binary offset turning clockwise: binary offset is assumed.
  std::string encoding, direction, note;
  if (all_in(v, 1, 15)) {
    encoding = "twos_complement";
    direction = "Clockwise";
    note = " (or sign_magnitude: the same values)";
  } else if (all_in(v, 113, 127)) {
    encoding = "twos_complement";
    direction = "CounterClockwise";
  } else if (all_in(v, 65, 79)) {
    encoding = "binary_offset";
    direction = "Clockwise";
    note = " (or sign_magnitude turning counter-clockwise)";
  } else if (all_in(v, 49, 63)) {
    encoding = "binary_offset";
    direction = "CounterClockwise";
  } else {
    int sum = 0;
    for (size_t i = 1; i < v.size(); ++i)
      sum += encoder_step(EncoderEncoding::Absolute, static_cast<uint8_t>(v[i]), v[i - 1]);
    if (sum == 0) {
      finish("type = \"CC\", " + cc + ", value_min = " + std::to_string(v.back()), "a controller that came back");
      return;
    }
    encoding = "absolute";
    direction = sum > 0 ? "Clockwise" : "CounterClockwise";
  }
  finish("type = \"EncoderTurn\", " + cc + ", direction = \"" + direction + "\", encoding = \"" + encoding + "\"",
         "an encoder turned " + direction + ", " + encoding + " encoding guessed from " +
             std::to_string(v.size()) + " values" + note);
}

}  // namespace midimon::mapping
