// libFuzzer target: the config loader (src/mapping) on arbitrary text. Findings: a
// crash, a sanitizer report, a hang, or a broken invariant (abort with a message):
//  - a load either gives a config and no errors, or errors and no config;
//  - every error and warning has a sentence;
//  - a loaded config printed as TOML (config_printer) loads again, and prints the
//    same text again (the printer writes what the loader reads).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mapping/config_loader.h"
#include "mapping/config_printer.h"

using namespace midimon::mapping;

namespace {

void check(bool ok, const char* what, const std::string& detail = {}) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n%s\n", what, detail.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadResult r = load_config_string(text, "fuzz.toml");
  check(r.ok() == r.errors.empty(), "a config exactly when there are no errors");
  for (const Diagnostic& d : r.errors) check(!d.message.empty(), "an error without a sentence");
  for (const Diagnostic& d : r.warnings) check(!d.message.empty(), "a warning without a sentence");
  if (!r.ok()) return 0;

  std::string printed = print_config(*r.config);
  LoadResult again = load_config_string(printed, "fuzz.toml");
  std::string errors;
  for (const Diagnostic& d : again.errors) errors += d.to_string() + "\n";
  check(again.ok(), "the printed config does not load", errors + "---\n" + printed);
  check(print_config(*again.config) == printed, "printing the reloaded config differs", printed);
  return 0;
}
