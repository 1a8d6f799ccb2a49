// validate_config: load, report, optionally print.
#include "mapping/config_validate.h"

#include <ostream>

#include "mapping/config_loader.h"
#include "mapping/config_printer.h"

namespace midimon::mapping {

int validate_config(const std::string& path, bool print, std::ostream& out, std::ostream& err) {
  LoadResult result = load_config(path);
  for (const Diagnostic& w : result.warnings)
    err << w.where.to_string() << ": warning: " << w.message << "\n";
  for (const Diagnostic& e : result.errors) err << e.to_string() << "\n";
  if (!result.ok()) {
    err << result.errors.size() << (result.errors.size() == 1 ? " error" : " errors") << " in "
        << path << "\n";
    return 1;
  }
  if (print) out << print_config(*result.config);
  return 0;
}

}  // namespace midimon::mapping
