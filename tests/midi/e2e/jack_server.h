// A private JACK server for one test: `jackd -n <unique name> -d dummy`, started by the
// test itself, waited for with a deadline (jack_lsp succeeding), selected for this
// process and its children through JACK_DEFAULT_SERVER, and stopped by PID at the end.
#pragma once

#include <fcntl.h>
#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "child_process.h"

namespace midimon::midi::e2e {

class JackServer {
 public:
  JackServer() : JackServer(Later{}) { start(); }
  // Picks the name and selects it (JACK_DEFAULT_SERVER) without starting the server: a
  // test of a client that is there before its server calls start() when it wants.
  struct Later {};
  explicit JackServer(Later) {
    static std::atomic<int> counter{0};
    name_ = "midimon-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    log_path_ = "/tmp/" + name_ + ".log";
    setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
  }

  // (Re)starts the server under the same name; ready() says whether it came up.
  void start() {
    ready_ = false;
    // -r: no realtime scheduling (not needed for a dummy driver, and not always allowed).
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"jackd", "-r", "-n", name_, "-d", "dummy", "-r", "48000", "-p",
                                 "256"},
        log_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server_->exited()) break;  // jackd failed to start: ready_ stays false
      if (run_command({"jack_lsp", "-s", name_}, std::chrono::seconds(5), log_path_) == 0) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // Stops the server by PID (SIGTERM, then SIGKILL if it lingers) and reaps it.
  void stop() {
    server_.reset();
    ready_ = false;
  }
  ~JackServer() {
    const bool ok = ready_;
    stop();
    unsetenv("JACK_DEFAULT_SERVER");
    if (ok) std::remove(log_path_.c_str());
  }

  bool ready() const { return ready_; }
  const std::string& name() const { return name_; }
  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string name_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> server_;
  bool ready_ = false;
};

}  // namespace midimon::midi::e2e
