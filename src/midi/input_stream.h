// One input stream's way into the pipeline: bytes -> its own Parser -> the shared
// InputQueue, with the device index stamped on every message. Backend callbacks, the
// in-process input and the MIDI file replay all enter here, so a message looks the same
// whichever way it came in.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "midi/input_queue.h"
#include "midi/parser.h"

namespace midimon::midi {

using Clock = std::function<Timestamp()>;  // steady_clock::now unless a test injects one

class InputStream {
 public:
  InputStream(InputQueue& queue, uint16_t device, ParserOptions options = {});

  // Parses and enqueues. Thread-safe (an uncontended mutex: only a stats reader or a
  // second sender ever waits, never for the consumer).
  void feed(const uint8_t* data, size_t size, Timestamp time);
  // A ready-made message (the in-process input's send()): device stamped, enqueued.
  void push(Message message);

  ParserStats parser_stats() const;
  uint16_t device() const { return device_; }
  void reset();
  // Thread-safe: the next feed() parses with these (Parser::set_options).
  void set_parser_options(ParserOptions options);

 private:
  InputQueue& queue_;
  uint16_t device_;
  mutable std::mutex mutex_;
  Parser parser_;
  Parser::Emit emit_;
};

// The in-process input: a source that is not a MIDI port (tests, replay, the demo). Its
// messages take the same path as a port's — parser, queue, timestamps from the clock.
// Thread-safe: several threads may send (each call parses as a whole).
class InProcessInput {
 public:
  InProcessInput(InputQueue& queue, uint16_t device, ParserOptions options = {},
                 Clock clock = {});

  void send_bytes(const uint8_t* data, size_t size);
  void send_bytes(const std::vector<uint8_t>& bytes) { send_bytes(bytes.data(), bytes.size()); }
  // With an explicit timestamp (the replay's scheduled time).
  void send_bytes_at(const uint8_t* data, size_t size, Timestamp time);
  void send(Message message);  // time stamped by the clock unless already set

  ParserStats parser_stats() const;
  uint16_t device() const { return stream_.device(); }
  void set_parser_options(ParserOptions options) { stream_.set_parser_options(std::move(options)); }

 private:
  Timestamp now() const;
  InputStream stream_;
  Clock clock_;
};

}  // namespace midimon::midi
