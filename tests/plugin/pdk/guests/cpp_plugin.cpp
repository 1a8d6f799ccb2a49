// A freestanding C++ plugin on the PDK (clang-14 -x c++ --target=wasm32 -nostdlib
// -fno-exceptions -fno-rtti): pins that plugin.h and json.h compile as C++ and that the
// export/memfunc macros keep their C names. Action "note" sends a note-on from the
// context through send_midi; returns 0, 2 (no note) or 3 (send_midi refused).
#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("cpp-plugin", "0.1.0", "A C++ plugin", "tests", "MIT", "action", "\"midi\"")
MIDIMON_PLUGIN_ALLOCATOR()
MIDIMON_PLUGIN_MEMFUNCS()

namespace {

struct NoteOn {
  uint8_t bytes[3];
  constexpr NoteOn(int note, int velocity)
      : bytes{0x90, static_cast<uint8_t>(note), static_cast<uint8_t>(velocity)} {}
};

}  // namespace

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  int64_t note = -1, velocity = 100;
  if (!midimon_json_get_int(req, len, "context.note", &note) || note < 0 || note > 127) {
    return MIDIMON_ERR_BAD_JSON;
  }
  midimon_json_get_int(req, len, "context.velocity", &velocity);
  NoteOn message(static_cast<int>(note), static_cast<int>(velocity & 0x7f));
  NoteOn copy = message;  // a struct copy: memcpy territory in freestanding code
  return midimon_send_midi(copy.bytes, 3) == 0 ? MIDIMON_OK : MIDIMON_ERR_ACTION_FAILED;
}
