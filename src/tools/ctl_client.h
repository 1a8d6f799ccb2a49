// midimonctl's side of the control socket: connect, send one request line, read reply
// lines. Blocking I/O with deadlines (poll), no threads; an interrupt (SIGINT) ends a
// wait with Interrupted.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "daemon/ipc_line_reader.h"

namespace midimon::tools {

class CtlClient {
 public:
  CtlClient() = default;
  ~CtlClient();
  CtlClient(const CtlClient&) = delete;
  CtlClient& operator=(const CtlClient&) = delete;

  // False with *error ("no midimon daemon is listening on PATH (...)").
  bool connect(const std::string& path, std::string* error);
  bool send_line(const std::string& line, std::string* error);

  enum class ReadStatus { Line, Timeout, Closed, Interrupted, Error };
  // Waits for the next line; timeout < 0 waits forever. `interrupted` is polled after
  // every EINTR (set by the caller's signal handler).
  ReadStatus read_line(std::string* line, std::chrono::milliseconds timeout,
                       const volatile bool* interrupted, std::string* error);

 private:
  int fd_ = -1;
  // Replies can be large (status of many devices); the client's own bound is generous.
  daemon::LineReader reader_{16 * 1024 * 1024};
  std::vector<std::string> ready_;
  std::size_t next_ = 0;
};

}  // namespace midimon::tools
