// Opening an output by pattern (output_device.h).
#include "midi/output_device.h"

namespace midimon::midi {

Result<OpenedOutput> open_matching_output(Backend& backend, const PortMatcher& matcher,
                                          const std::string& local_name) {
  auto destinations = backend.list_destinations();
  if (!destinations) return Error{"cannot list MIDI outputs: " + destinations.error()};
  auto matches = matcher.find(*destinations);
  if (matches.empty()) {
    std::string text = "no MIDI output matches " + matcher.describe();
    if (destinations->empty()) {
      text += " (there are no outputs)";
    } else {
      text += " (outputs:";
      for (const auto& p : *destinations) text += " '" + p.name + "'";
      text += ")";
    }
    return Error{text};
  }
  auto port = backend.open_output(matches.front()->name, local_name);
  if (!port) return Error{"cannot open MIDI output '" + matches.front()->name + "': " + port.error()};
  OpenedOutput out;
  out.port = std::move(*port);
  out.port_name = matches.front()->name;
  out.match_count = matches.size();
  return out;
}

}  // namespace midimon::midi
