#include "tools/run_options.h"

namespace midimon::tools {

std::optional<wasi::Preopen> parse_dir_option(const std::string& spec, std::string* error) {
  wasi::Preopen p;
  std::string rest = spec;
  constexpr std::string_view kRo = ":ro";
  if (rest.size() > kRo.size() && rest.compare(rest.size() - kRo.size(), kRo.size(), kRo) == 0) {
    p.read_only = true;
    rest.resize(rest.size() - kRo.size());
  }
  const size_t sep = rest.find("::");
  p.host_dir = rest.substr(0, sep);
  p.guest_path = sep == std::string::npos ? p.host_dir : rest.substr(sep + 2);
  if (p.host_dir.empty() || p.guest_path.empty()) {
    *error = "--dir \"" + spec + "\": expected HOST[::GUEST][:ro] with non-empty paths";
    return std::nullopt;
  }
  return p;
}

bool valid_env_option(const std::string& entry) {
  const size_t eq = entry.find('=');
  return eq != std::string::npos && eq > 0;
}

}  // namespace midimon::tools
