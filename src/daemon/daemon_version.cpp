// placeholder so the library has a source while the daemon is written
namespace midimon::daemon {}
