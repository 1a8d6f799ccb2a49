// The result of running one action: success with a sentence saying what was done
// ("sent 90 3C 64 to 'Synth'"), or failure with a sentence saying why. No exceptions
// leave the actions library.
#pragma once

#include <string>
#include <utility>

namespace midimon::actions {

struct Outcome {
  bool ok = true;
  std::string detail;  // what was done (ok) or what went wrong (failed)

  static Outcome success(std::string what = {}) { return {true, std::move(what)}; }
  static Outcome failure(std::string why) { return {false, std::move(why)}; }
};

}  // namespace midimon::actions
