// Silent probes of the JACK server and the ALSA sequencer, and open_backend's choice.
#include <alsa/asoundlib.h>
#include <jack/jack.h>

#include <RtMidi.h>

#include <algorithm>
#include <cstdarg>
#include <cstdlib>
#include <mutex>

#include "midi/backend_probe.h"
#include "midi/rtmidi_backend.h"

namespace midimon::midi {
namespace detail {

namespace {
void drop_jack_message(const char*) {}
void drop_alsa_message(const char*, int, const char*, int, const char*, ...) {}
}  // namespace

void silence_library_chatter() {
  static std::once_flag once;
  std::call_once(once, [] {
    jack_set_error_function(drop_jack_message);
    jack_set_info_function(drop_jack_message);
    snd_lib_error_set_handler(drop_alsa_message);
  });
}

std::string jack_server_name() {
  const char* env = std::getenv("JACK_DEFAULT_SERVER");
  return env && *env ? env : "default";
}

}  // namespace detail

namespace {

bool compiled_in(RtMidi::Api api) {
  std::vector<RtMidi::Api> apis;
  RtMidi::getCompiledApi(apis);
  return std::find(apis.begin(), apis.end(), api) != apis.end();
}

}  // namespace

BackendStatus probe_backend(BackendKind kind) {
  detail::silence_library_chatter();
  BackendStatus status;
  status.kind = kind;
  if (kind == BackendKind::Jack) {
    status.compiled = compiled_in(RtMidi::UNIX_JACK);
    if (!status.compiled) {
      status.detail = "librtmidi was built without JACK support";
      return status;
    }
    jack_status_t jack_status{};
    jack_client_t* client = jack_client_open("midimon-probe", JackNoStartServer, &jack_status);
    if (!client) {
      status.detail = "no JACK server is running (server '" + detail::jack_server_name() + "')";
      return status;
    }
    jack_client_close(client);
    status.available = true;
    return status;
  }
  status.compiled = compiled_in(RtMidi::LINUX_ALSA);
  if (!status.compiled) {
    status.detail = "librtmidi was built without ALSA support";
    return status;
  }
  snd_seq_t* seq = nullptr;
  const int rc = snd_seq_open(&seq, "default", SND_SEQ_OPEN_DUPLEX, 0);
  if (rc < 0) {
    status.detail = std::string("no ALSA sequencer (") + snd_strerror(rc) +
                    "; is the snd-seq module loaded and /dev/snd/seq readable?)";
    return status;
  }
  snd_seq_close(seq);
  status.available = true;
  return status;
}

std::vector<BackendStatus> probe_backends() {
  return {probe_backend(BackendKind::Jack), probe_backend(BackendKind::Alsa)};
}

}  // namespace midimon::midi
