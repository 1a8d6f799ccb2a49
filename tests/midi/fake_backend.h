// A Backend for tests: ports are a list the test edits; an opened input hands its
// callback back to the test, which plays bytes into it as a backend thread would.
#pragma once

#include <map>
#include <mutex>

#include "midi/backend.h"

namespace midimon::midi::testing {

class FakeBackend final : public Backend {
 public:
  struct Shared {
    std::mutex mutex;
    std::vector<PortInfo> sources;
    std::vector<PortInfo> destinations;
    std::map<std::string, RawInputCallback> open_inputs;  // by source (or virtual) name
    std::vector<std::vector<uint8_t>> sent;
    std::string list_error;  // non-empty: list_sources fails with it
    std::string open_error;  // non-empty: open_input fails with it
    // Bytes an input delivers the moment it opens (a key held as the port connects).
    std::map<std::string, std::vector<uint8_t>> play_on_open;
    int opens = 0;
  };

  BackendKind kind() const override { return BackendKind::Jack; }

  Result<std::vector<PortInfo>> list_sources() override {
    std::lock_guard lock(shared->mutex);
    if (!shared->list_error.empty()) return Error{shared->list_error};
    return shared->sources;
  }
  Result<std::vector<PortInfo>> list_destinations() override {
    std::lock_guard lock(shared->mutex);
    return shared->destinations;
  }
  Result<std::unique_ptr<InputPort>> open_input(const std::string& source, const std::string&,
                                                RawInputCallback callback) override {
    std::vector<uint8_t> at_once;
    {
      std::lock_guard lock(shared->mutex);
      if (!shared->open_error.empty()) return Error{shared->open_error};
      ++shared->opens;
      shared->open_inputs[source] = callback;
      if (auto it = shared->play_on_open.find(source); it != shared->play_on_open.end()) at_once = it->second;
    }
    if (!at_once.empty()) callback(at_once.data(), at_once.size());
    return std::unique_ptr<InputPort>(std::make_unique<Port>(shared, source));
  }
  Result<std::unique_ptr<InputPort>> open_virtual_input(const std::string& name,
                                                        RawInputCallback callback) override {
    return open_input(name, name, std::move(callback));
  }
  Result<std::unique_ptr<OutputPort>> open_output(const std::string& destination,
                                                  const std::string&) override {
    return std::unique_ptr<OutputPort>(std::make_unique<Out>(shared, destination));
  }
  Result<std::unique_ptr<OutputPort>> open_virtual_output(const std::string& name) override {
    return std::unique_ptr<OutputPort>(std::make_unique<Out>(shared, name));
  }

  // Plays bytes into the input opened on `source`; false if none is open.
  bool play(const std::string& source, std::vector<uint8_t> bytes) {
    RawInputCallback cb;
    {
      std::lock_guard lock(shared->mutex);
      auto it = shared->open_inputs.find(source);
      if (it == shared->open_inputs.end()) return false;
      cb = it->second;
    }
    cb(bytes.data(), bytes.size());
    return true;
  }
  void set_sources(std::vector<PortInfo> sources) {
    std::lock_guard lock(shared->mutex);
    shared->sources = std::move(sources);
  }
  bool is_open(const std::string& source) {
    std::lock_guard lock(shared->mutex);
    return shared->open_inputs.count(source) > 0;
  }

  std::shared_ptr<Shared> shared = std::make_shared<Shared>();

 private:
  struct Port final : InputPort {
    Port(std::shared_ptr<Shared> s, std::string n) : shared(std::move(s)), name(std::move(n)) {}
    ~Port() override {
      std::lock_guard lock(shared->mutex);
      shared->open_inputs.erase(name);
    }
    std::shared_ptr<Shared> shared;
    std::string name;
  };
  struct Out final : OutputPort {
    Out(std::shared_ptr<Shared> s, std::string n) : shared(std::move(s)), name(std::move(n)) {}
    bool send(const uint8_t* data, size_t size, std::string*) override {
      std::lock_guard lock(shared->mutex);
      shared->sent.emplace_back(data, data + size);
      return true;
    }
    std::shared_ptr<Shared> shared;
    std::string name;
  };
};

}  // namespace midimon::midi::testing
