// Parsing of `midimon wasm run`'s sandbox options that have a syntax of their own
// (--dir HOST[::GUEST][:ro], --env KEY=VALUE), kept apart so tests can call it.
#pragma once

#include <optional>
#include <string>

#include "wasi/wasi.h"

namespace midimon::tools {

// "HOST" (guest path = HOST), "HOST::GUEST", either followed by ":ro" (read-only).
// Returns nullopt and sets *error for an empty host or guest path.
std::optional<wasi::Preopen> parse_dir_option(const std::string& spec, std::string* error);

// "KEY=VALUE" with a non-empty KEY without '='; VALUE may be empty.
bool valid_env_option(const std::string& entry);

}  // namespace midimon::tools
