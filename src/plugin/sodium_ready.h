// libsodium must be initialised once before its random numbers and signatures are used;
// sodium_init() is idempotent and thread-safe, so every entry point just asks.
#pragma once

#include <sodium.h>

namespace midimon::plugin {

inline bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace midimon::plugin
