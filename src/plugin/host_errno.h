// Return codes of the `midimon` host API: >= 0 success, negative = a WASI preview1
// errno negated (../shared/wasi-preview1/). Only the ones the host API uses.
#pragma once

#include <cstdint>

namespace midimon::plugin::host_errno {

inline constexpr int32_t kFault = -21;         // pointer or length outside memory
inline constexpr int32_t kInval = -28;         // malformed request
inline constexpr int32_t kNoSpace = -51;       // output does not fit the guest's buffer / store full
inline constexpr int32_t kNoEnt = -44;         // no such key
inline constexpr int32_t kTimedOut = -73;      // timed out
inline constexpr int32_t kNotCapable = -76;    // capability not granted
inline constexpr int32_t kIo = -29;            // the operation failed on the host side
inline constexpr int32_t kAgain = -6;          // rate limited

}  // namespace midimon::plugin::host_errno
