// A plugin binary's kind comes from its first bytes, never from its file name:
// "\0asm" is WebAssembly, "\x7fELF" a native shared object.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "plugin/expected.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

enum class BinaryKind : uint8_t { Wasm, Native, Unknown };

// Classifies a file's first bytes (4 are enough; fewer is Unknown).
BinaryKind classify_magic(std::span<const uint8_t> first_bytes);

// Reads the first bytes of `file`. Unknown, empty, unreadable: an error naming the file
// and the first bytes it has (in hex), e.g.
// "x.wasm: not a plugin binary: starts with 7b 0a 20 20, expected 00 61 73 6d (WebAssembly) or 7f 45 4c 46 (ELF)".
Expected<PluginKind> detect_binary_kind(const std::filesystem::path& file);

}  // namespace midimon::plugin
