// A private Xvfb for one test: started with -displayfd so the server picks a free display
// number and reports it, stopped by its PID (SIGTERM, then SIGKILL after a deadline) when
// the object dies, also when the test fails halfway.
#pragma once

#include <memory>
#include <string>

namespace midimon::desktop::testing {

class XvfbServer {
 public:
  // nullptr and `error` set when Xvfb cannot be started or reports no display in 10 s.
  static std::unique_ptr<XvfbServer> start(std::string* error);
  ~XvfbServer();
  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;

  const std::string& display() const { return display_; }  // ":N"
  int pid() const { return pid_; }
  // Stops the server now (tests of a lost connection); idempotent.
  void stop();

 private:
  XvfbServer(int pid, std::string display) : pid_(pid), display_(std::move(display)) {}
  int pid_;
  std::string display_;
};

}  // namespace midimon::desktop::testing
