// InputStream and InProcessInput (input_stream.h).
#include "midi/input_stream.h"

namespace midimon::midi {

InputStream::InputStream(InputQueue& queue, uint16_t device, ParserOptions options)
    : queue_(queue), device_(device), parser_(std::move(options)) {
  parser_.device = device;
  // Overflow is counted by the queue; the callback never waits.
  emit_ = [this](Message&& m) { (void)queue_.push(std::move(m)); };
}

void InputStream::feed(const uint8_t* data, size_t size, Timestamp time) {
  std::lock_guard lock(mutex_);
  parser_.feed(data, size, time, emit_);
}

void InputStream::push(Message message) {
  message.device = device_;
  (void)queue_.push(std::move(message));
}

ParserStats InputStream::parser_stats() const {
  std::lock_guard lock(mutex_);
  return parser_.stats();
}

void InputStream::reset() {
  std::lock_guard lock(mutex_);
  parser_.reset();
}

void InputStream::set_parser_options(ParserOptions options) {
  std::lock_guard lock(mutex_);
  parser_.set_options(std::move(options));
}

InProcessInput::InProcessInput(InputQueue& queue, uint16_t device, ParserOptions options,
                               Clock clock)
    : stream_(queue, device, std::move(options)), clock_(std::move(clock)) {}

Timestamp InProcessInput::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

void InProcessInput::send_bytes(const uint8_t* data, size_t size) {
  send_bytes_at(data, size, now());
}

void InProcessInput::send_bytes_at(const uint8_t* data, size_t size, Timestamp time) {
  stream_.feed(data, size, time);
}

void InProcessInput::send(Message message) {
  if (message.time == Timestamp{}) message.time = now();
  stream_.push(std::move(message));
}

ParserStats InProcessInput::parser_stats() const {
  return stream_.parser_stats();
}

}  // namespace midimon::midi
