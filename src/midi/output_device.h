// Opening an output by device pattern (the same matching as inputs, the same rule: no
// fallback to another port). For SendMidi-style actions; outputs are opened when needed,
// so there is no hot-plug thread for them: a failed send is the caller's cue to reopen.
#pragma once

#include <memory>
#include <string>

#include "midi/backend.h"
#include "midi/port_matcher.h"
#include "midi/result.h"

namespace midimon::midi {

struct OpenedOutput {
  std::unique_ptr<OutputPort> port;
  std::string port_name;  // the destination it is connected to
  size_t match_count = 0;  // how many destinations matched (the first is used)
};

// Lists the destinations, opens the first one `matcher` accepts (as `local_name`).
// Errors: the listing failed, nothing matches (the sentence lists what exists), or the
// open failed.
Result<OpenedOutput> open_matching_output(Backend& backend, const PortMatcher& matcher,
                                          const std::string& local_name);

}  // namespace midimon::midi
