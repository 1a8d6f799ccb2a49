// The control socket server (docs/ipc.md). One thread runs one epoll loop over the
// listening socket, every client (non-blocking), and an eventfd that other threads ring:
// event subscriptions (Control::subscribe_events' wake), learn completions, stop().
//
// Guarantees:
//  - The socket's directory is created 0700 and refused when someone else owns it or
//    group/other have bits; the socket is 0600; a stale socket (connect refused) is
//    removed, a live one means "already running" and start() fails.
//  - Every accepted peer's uid (SO_PEERCRED) must equal ours, or it is closed at once.
//  - A request line longer than max_line is never buffered: the client gets an error
//    reply and is closed. Malformed JSON / unknown commands get an error reply and the
//    connection stays usable.
//  - Each client's pending output is bounded by max_output; a client that does not read
//    (e.g. an events stream it never drains) is dropped when it would exceed it. Nothing
//    the server does ever blocks a publisher of events.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/control.h"
#include "daemon/ipc_protocol.h"

namespace midimon::daemon {

struct IpcServerOptions {
  std::string socket_path;                  // empty = default_socket_path()
  std::size_t max_line = kDefaultMaxLine;   // request line limit (bytes, without '\n')
  std::size_t max_output = 1024 * 1024;     // per-client pending output
  std::size_t max_clients = 64;             // more are accepted and closed at once
  // Test seam: the uid connections must come from (default: geteuid()).
  int allowed_uid = -1;
};

struct IpcServerStats {
  uint64_t accepted = 0;
  uint64_t refused_peers = 0;     // wrong uid, or too many clients
  uint64_t requests = 0;
  uint64_t oversized = 0;         // lines over the limit (client closed)
  uint64_t slow_dropped = 0;      // clients dropped for a full output buffer
  uint64_t events_sent = 0;
  std::size_t clients = 0;
  std::size_t subscribers = 0;
};

class IpcServer {
 public:
  // Prepares the directory, binds, listens and starts the loop thread.
  static std::unique_ptr<IpcServer> start(Control& control, IpcServerOptions options,
                                          std::string* error);
  ~IpcServer();  // stop()
  IpcServer(const IpcServer&) = delete;
  IpcServer& operator=(const IpcServer&) = delete;

  // Idempotent; joins the loop thread, closes every client, removes the socket file.
  // Must not be called from inside a Control method (request_stop only requests).
  void stop();

  const std::string& socket_path() const;
  IpcServerStats stats() const;

  struct Impl;

 private:
  explicit IpcServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace midimon::daemon
