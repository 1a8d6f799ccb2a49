// `midimon devices` (device_listing.h).
#include "midi/device_listing.h"

#include "midi/backend_probe.h"

namespace midimon::midi {

std::vector<BackendListing> list_devices(BackendChoice choice) {
  std::vector<BackendKind> kinds;
  if (choice == BackendChoice::Auto || choice == BackendChoice::Jack) kinds.push_back(BackendKind::Jack);
  if (choice == BackendChoice::Auto || choice == BackendChoice::Alsa) kinds.push_back(BackendKind::Alsa);
  std::vector<BackendListing> out;
  for (BackendKind kind : kinds) {
    BackendListing listing;
    listing.status = probe_backend(kind);
    if (listing.status.available) {
      auto backend = open_backend(kind == BackendKind::Jack ? BackendChoice::Jack : BackendChoice::Alsa);
      if (!backend) {
        listing.error = backend.error();
      } else {
        auto sources = (*backend)->list_sources();
        auto destinations = (*backend)->list_destinations();
        if (!sources) listing.error = sources.error();
        else if (!destinations) listing.error = destinations.error();
        else {
          listing.sources = std::move(*sources);
          listing.destinations = std::move(*destinations);
        }
      }
    }
    out.push_back(std::move(listing));
  }
  return out;
}

namespace {
void print_ports(std::ostream& out, const char* title, const std::vector<PortInfo>& ports) {
  out << "  " << title << ":\n";
  if (ports.empty()) out << "    (none)\n";
  for (const PortInfo& p : ports) out << "    " << p.name << "\n";
}
}  // namespace

int list_devices_command(BackendChoice choice, std::ostream& out, std::ostream& err) {
  const auto listings = list_devices(choice);
  bool any = false;
  for (const BackendListing& l : listings) {
    const char* name = backend_name(l.status.kind);
    if (!l.status.available) {
      out << name << ": not available: " << l.status.detail << "\n";
      continue;
    }
    if (!l.error.empty()) {
      out << name << ": cannot list ports: " << l.error << "\n";
      continue;
    }
    any = true;
    out << name;
    if (l.status.kind == BackendKind::Jack) out << " (server '" << detail::jack_server_name() << "')";
    out << "\n";
    print_ports(out, "inputs (ports midimon can read from)", l.sources);
    print_ports(out, "outputs (ports midimon can send to)", l.destinations);
  }
  if (!any) {
    err << "midimon devices: no MIDI backend is available; start a JACK server (jackd) or load "
           "the ALSA sequencer (snd-seq)\n";
    return 1;
  }
  return 0;
}

}  // namespace midimon::midi
