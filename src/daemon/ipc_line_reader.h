// Newline-delimited framing with the line limit enforced WHILE reading: the buffer never
// holds more than `max_line` bytes plus the newline, and read_from() asks the kernel for
// no more than the free space. A line that does not end within the limit is reported as
// Oversized at once; the caller replies an error and closes (the rest is never read).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace midimon::daemon {

class LineReader {
 public:
  explicit LineReader(std::size_t max_line);

  enum class Status { Ok, WouldBlock, Closed, Oversized, Error };
  // Reads from a non-blocking fd until it would block, the peer closed, or the buffer is
  // full; complete lines (without '\n', a trailing '\r' kept) are appended to `lines`.
  // Lines found before an Oversized/Closed status are still appended.
  Status read_from(int fd, std::vector<std::string>& lines);

  // The same framing on bytes already in memory (tests, the client).
  Status feed(const char* data, std::size_t size, std::vector<std::string>& lines);

  std::size_t buffered() const { return used_; }
  std::size_t capacity() const { return buffer_.size(); }

 private:
  void take_lines(std::size_t scan_from, std::vector<std::string>& lines);

  std::vector<char> buffer_;  // max_line + 1 (room for the newline)
  std::size_t used_ = 0;
};

}  // namespace midimon::daemon
