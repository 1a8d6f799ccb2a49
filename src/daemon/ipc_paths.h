// Where the control socket lives and the checks that make it private to its user:
//   $XDG_RUNTIME_DIR/midimon/          created 0700; refused when owned by another user,
//                                      when group/other have any permission bit, or when
//                                      it is not a real directory (a symlink is refused)
//   $XDG_RUNTIME_DIR/midimon/midimon.sock   mode 0600
// and the peer check every accepted connection passes (SO_PEERCRED uid == our euid).
// The decisions are pure functions of stat data / uids so tests can feed them owners and
// modes a single-user machine cannot produce.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

namespace midimon::daemon {

inline constexpr const char* kSocketFileName = "midimon.sock";

// "$XDG_RUNTIME_DIR/midimon/midimon.sock"; empty with *error set when XDG_RUNTIME_DIR is
// unset or not absolute.
std::string default_socket_path(std::string* error);

// Empty when `st` (from lstat) is acceptable as the socket's directory for `uid`, else
// the reason ("is owned by uid 1001, not 1000", "has group/other permissions 0755", ...).
std::string runtime_dir_problem(const struct stat& st, uid_t uid);

// Creates `dir` (mode 0700, parent must exist) unless it exists, then checks it with
// runtime_dir_problem. False with *error naming the directory and the problem.
bool prepare_runtime_dir(const std::string& dir, std::string* error);

// The peer credential decision: only the daemon's own user may talk to it.
bool peer_uid_allowed(uid_t peer, uid_t self);

// What is at `path` before we bind:
enum class SocketPathState { Free, Stale, Live, NotASocket, Error };
// Free: nothing there. Stale: a socket nobody listens on (connect refused) - safe to
// unlink. Live: a server answered (another daemon is running). NotASocket: some other
// file, never removed. Error: *error says why.
SocketPathState probe_socket_path(const std::string& path, std::string* error);

// The directory part of a socket path ("." when there is none).
std::string parent_dir(const std::string& path);

}  // namespace midimon::daemon
