#include "daemon/ipc_line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace midimon::daemon {

LineReader::LineReader(std::size_t max_line) : buffer_(max_line + 1) {}

void LineReader::take_lines(std::size_t scan_from, std::vector<std::string>& lines) {
  std::size_t start = 0;
  for (std::size_t i = scan_from; i < used_; ++i) {
    if (buffer_[i] != '\n') continue;
    lines.emplace_back(buffer_.data() + start, i - start);
    start = i + 1;
  }
  if (start > 0) {
    std::memmove(buffer_.data(), buffer_.data() + start, used_ - start);
    used_ -= start;
  }
}

LineReader::Status LineReader::feed(const char* data, std::size_t size,
                                    std::vector<std::string>& lines) {
  while (size > 0) {
    std::size_t room = buffer_.size() - used_;
    if (room == 0) return Status::Oversized;
    std::size_t n = size < room ? size : room;
    std::memcpy(buffer_.data() + used_, data, n);
    std::size_t scan_from = used_;
    used_ += n;
    data += n;
    size -= n;
    take_lines(scan_from, lines);
  }
  return used_ == buffer_.size() ? Status::Oversized : Status::Ok;
}

LineReader::Status LineReader::read_from(int fd, std::vector<std::string>& lines) {
  for (;;) {
    std::size_t room = buffer_.size() - used_;
    if (room == 0) return Status::Oversized;  // a full buffer has no newline in it
    ssize_t n = ::read(fd, buffer_.data() + used_, room);
    if (n > 0) {
      std::size_t scan_from = used_;
      used_ += static_cast<std::size_t>(n);
      take_lines(scan_from, lines);
      continue;
    }
    if (n == 0) return Status::Closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::WouldBlock;
    return Status::Error;
  }
}

}  // namespace midimon::daemon
