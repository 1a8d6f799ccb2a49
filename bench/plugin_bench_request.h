// The request every plugin benchmark sends: action "hello" with a full MIDI context, a
// one-entry metadata map and params {"name":"Ada"} (docs/performance.md, "Plugin host").
#pragma once

#include "plugin/plugin.h"

namespace midimon::bench {

inline plugin::ActionRequest plugin_bench_request() {
  plugin::ActionRequest r;
  r.action = "hello";
  r.context.velocity = 100;
  r.context.note = 60;
  r.context.current_mode = 1;
  r.context.timestamp_ms = 1'764'000'000'000;
  r.params_json = R"({"name":"Ada"})";
  r.context.metadata["name"] = "Ada";
  return r;
}

}  // namespace midimon::bench
