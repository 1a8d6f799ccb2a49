// Small POSIX file helpers for the files whose permissions and integrity matter: private
// keys (created 0600 with O_EXCL, never chmod-ed afterwards), grants and trusted keys
// (replaced atomically: a reader sees the old file or the new one, never half of one).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "plugin/expected.h"

namespace midimon::plugin {

// Creates `file` (it must not exist: O_CREAT|O_EXCL|O_NOFOLLOW) with `mode` and writes
// `content`. The mode is given at creation, so the file is never more open than `mode`
// (the umask can only narrow it).
Expected<void> create_new_file(const std::filesystem::path& file, std::string_view content,
                               mode_t mode);

// Writes `content` to a temporary file next to `file` (created with `mode`), fsyncs it and
// renames it over `file`, then fsyncs the directory. Creates missing parent directories
// (0700). On failure the old file is untouched and the temporary file removed.
Expected<void> replace_file_atomically(const std::filesystem::path& file,
                                       std::string_view content, mode_t mode);

// Reads a whole (small) file; `limit` bounds what we are willing to read.
Expected<std::string> read_text_file(const std::filesystem::path& file,
                                     size_t limit = 16u << 20);

}  // namespace midimon::plugin
