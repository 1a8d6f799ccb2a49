#include "daemon/ipc_server.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "daemon/ipc_line_reader.h"
#include "daemon/ipc_paths.h"

namespace midimon::daemon {
namespace {

constexpr uint64_t kListenTag = 0;
constexpr uint64_t kWakeTag = 1;
constexpr uint64_t kFirstClientTag = 2;
// Events written per subscriber per loop turn: a busy stream cannot starve other clients.
constexpr uint64_t kEventsPerWakeup = 256;

// Shared with callbacks that may outlive the server (a learn completing late, a
// publisher's wake racing with shutdown): they only ever touch this object.
struct Mailbox {
  int event_fd = -1;
  std::mutex mutex;
  std::vector<std::pair<uint64_t, std::string>> learn_replies;  // (client, reply line)

  ~Mailbox() {
    if (event_fd >= 0) ::close(event_fd);
  }
  void ring() const {
    uint64_t one = 1;
    // A non-blocking eventfd write only fails when the counter is near 2^64: the loop
    // is woken anyway then, so the failure is harmless.
    [[maybe_unused]] ssize_t n = ::write(event_fd, &one, sizeof one);
  }
};

struct Client {
  int fd = -1;
  LineReader reader;
  std::string out;            // pending output from out_offset
  std::size_t out_offset = 0;
  uint32_t interest = EPOLLIN;  // what epoll watches for this client now
  bool closing = false;         // close once `out` is flushed; no more reading
  std::unique_ptr<EventStream> stream;
  uint64_t dropped_reported = 0;  // stream->dropped() already told to the client

  explicit Client(int fd_, std::size_t max_line) : fd(fd_), reader(max_line) {}
  std::size_t pending() const { return out.size() - out_offset; }
};

}  // namespace

struct IpcServer::Impl {
  Control& control;
  IpcServerOptions options;
  uid_t allowed_uid = 0;
  int listen_fd = -1;
  int epoll_fd = -1;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  std::unordered_map<uint64_t, std::unique_ptr<Client>> clients;
  uint64_t next_tag = kFirstClientTag;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::once_flag stop_once;
  mutable std::mutex stats_mutex;
  IpcServerStats stats;

  Impl(Control& c, IpcServerOptions o) : control(c), options(std::move(o)) {}
  ~Impl() {
    if (listen_fd >= 0) ::close(listen_fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
  }

  bool open(std::string* error);
  void loop();
  void accept_clients();
  void handle_readable(uint64_t tag);
  void handle_request(uint64_t tag, const std::string& line);
  void deliver_wakeups();
  bool report_lag(uint64_t tag);  // false: client dropped
  bool queue_line(uint64_t tag, std::string_view line);  // false: client dropped
  bool flush(uint64_t tag);                               // false: client closed
  void drop(uint64_t tag);
  void update_interest(uint64_t tag, Client& client);
  template <typename F>
  void count(F&& change) {
    std::lock_guard lock(stats_mutex);
    change(stats);
  }
};

bool IpcServer::Impl::open(std::string* error) {
  if (options.socket_path.empty()) {
    options.socket_path = default_socket_path(error);
    if (options.socket_path.empty()) return false;
  }
  allowed_uid = options.allowed_uid >= 0 ? static_cast<uid_t>(options.allowed_uid) : ::geteuid();
  sockaddr_un addr{};
  if (options.socket_path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long (" + std::to_string(options.socket_path.size()) +
             " bytes, at most " + std::to_string(sizeof addr.sun_path - 1) +
             "): " + options.socket_path;
    return false;
  }
  if (!prepare_runtime_dir(parent_dir(options.socket_path), error)) return false;

  switch (probe_socket_path(options.socket_path, error)) {
    case SocketPathState::Free: break;
    case SocketPathState::Stale:
      // Nobody listens: a daemon that died without cleaning up. Safe to replace.
      if (::unlink(options.socket_path.c_str()) != 0 && errno != ENOENT) {
        *error = "cannot remove the stale socket " + options.socket_path + ": " +
                 std::strerror(errno);
        return false;
      }
      break;
    case SocketPathState::Live:
      *error = "midimon is already running (a daemon answers on " + options.socket_path + ")";
      return false;
    case SocketPathState::NotASocket:
      *error = options.socket_path + " exists and is not a socket; refusing to replace it";
      return false;
    case SocketPathState::Error: return false;
  }

  listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) {
    *error = std::string("socket(): ") + std::strerror(errno);
    return false;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, options.socket_path.c_str(), options.socket_path.size() + 1);
  if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "cannot bind " + options.socket_path + ": " + std::strerror(errno);
    return false;
  }
  // The 0700 directory already keeps others out between bind and chmod; 0600 is the
  // second wall should the directory's mode ever be loosened.
  if (::chmod(options.socket_path.c_str(), 0600) != 0 || ::listen(listen_fd, 16) != 0) {
    *error = "cannot set up " + options.socket_path + ": " + std::strerror(errno);
    ::unlink(options.socket_path.c_str());
    return false;
  }

  mailbox->event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (mailbox->event_fd < 0 || epoll_fd < 0) {
    *error = std::string("eventfd/epoll: ") + std::strerror(errno);
    ::unlink(options.socket_path.c_str());
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
  ev.data.u64 = kWakeTag;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, mailbox->event_fd, &ev);
  return true;
}

void IpcServer::Impl::loop() {
  epoll_event events[32];
  while (!stopping.load()) {
    // No timeout: the loop sleeps until a socket or the eventfd is ready (no polling).
    int n = ::epoll_wait(epoll_fd, events, 32, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n && !stopping.load(); ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        accept_clients();
      } else if (tag == kWakeTag) {
        uint64_t count = 0;
        [[maybe_unused]] ssize_t r = ::read(mailbox->event_fd, &count, sizeof count);
        deliver_wakeups();
      } else if (clients.count(tag) != 0) {
        uint32_t what = events[i].events;
        if ((what & EPOLLOUT) != 0 && !flush(tag)) continue;
        if ((what & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && clients.count(tag) != 0) {
          handle_readable(tag);
        }
      }
    }
  }
  for (auto& [tag, client] : clients) ::close(client->fd);
  clients.clear();
}

void IpcServer::Impl::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error: epoll reports the next one
    ucred cred{};
    socklen_t len = sizeof cred;
    bool allowed = ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
                   peer_uid_allowed(cred.uid, allowed_uid);
    if (!allowed || clients.size() >= options.max_clients) {
      count([](IpcServerStats& s) { ++s.refused_peers; });  // before the peer sees EOF
      ::close(fd);
      continue;
    }
    uint64_t tag = next_tag++;
    auto client = std::make_unique<Client>(fd, options.max_line);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      ::close(fd);
      continue;
    }
    clients.emplace(tag, std::move(client));
    count([&](IpcServerStats& s) {
      ++s.accepted;
      s.clients = clients.size();
    });
  }
}

void IpcServer::Impl::handle_readable(uint64_t tag) {
  Client& client = *clients.at(tag);
  if (client.closing) {
    // We said our last word; the peer hanging up or sending more changes nothing.
    char sink[512];
    if (::read(client.fd, sink, sizeof sink) == 0) drop(tag);
    return;
  }
  std::vector<std::string> lines;
  LineReader::Status status = client.reader.read_from(client.fd, lines);
  for (const std::string& line : lines) {
    if (clients.count(tag) == 0 || clients.at(tag)->closing) return;
    handle_request(tag, line);
  }
  if (clients.count(tag) == 0) return;
  switch (status) {
    case LineReader::Status::Ok:
    case LineReader::Status::WouldBlock: return;
    case LineReader::Status::Oversized: {
      count([](IpcServerStats& s) { ++s.oversized; });
      std::string reply = make_error_reply("request line longer than " +
                                           std::to_string(options.max_line) +
                                           " bytes; closing the connection");
      if (!queue_line(tag, reply)) return;
      Client& c = *clients.at(tag);
      c.closing = true;
      ::shutdown(c.fd, SHUT_RD);  // what else it sends is never read
      if (c.pending() == 0) {
        drop(tag);
      } else {
        update_interest(tag, c);
      }
      return;
    }
    case LineReader::Status::Closed: {
      // The peer may only have shut its writing side (`socat`, `nc -N`): the replies
      // already queued are still delivered, then the connection is closed.
      Client& c = *clients.at(tag);
      if (c.pending() == 0) {
        drop(tag);
      } else {
        c.closing = true;
        update_interest(tag, c);
      }
      return;
    }
    case LineReader::Status::Error: drop(tag); return;
  }
}

void IpcServer::Impl::handle_request(uint64_t tag, const std::string& line) {
  count([](IpcServerStats& s) { ++s.requests; });
  IpcRequestOutcome outcome = handle_request_line(line, control);
  switch (outcome.next) {
    case IpcRequestOutcome::Next::Reply: queue_line(tag, outcome.reply); return;
    case IpcRequestOutcome::Next::Subscribe: {
      Client& client = *clients.at(tag);
      if (client.stream) {
        queue_line(tag, make_error_reply("already subscribed to events", outcome.id));
        return;
      }
      std::weak_ptr<Mailbox> weak = mailbox;
      client.stream = control.subscribe_events([weak] {
        if (auto box = weak.lock()) box->ring();
      });
      if (!client.stream) {
        queue_line(tag, make_error_reply("events are not available", outcome.id));
        return;
      }
      count([](IpcServerStats& s) { ++s.subscribers; });
      queue_line(tag, outcome.reply);
      return;
    }
    case IpcRequestOutcome::Next::Learn: {
      std::weak_ptr<Mailbox> weak = mailbox;
      nlohmann::json id = outcome.id;
      control.learn(outcome.learn_timeout, [weak, tag, id](ControlResult result) {
        auto box = weak.lock();
        if (!box) return;  // the server is gone; nobody to tell
        {
          std::lock_guard lock(box->mutex);
          box->learn_replies.emplace_back(tag, make_reply(result, id));
        }
        box->ring();
      });
      return;
    }
    case IpcRequestOutcome::Next::Stop:
      if (!queue_line(tag, outcome.reply)) return;
      control.request_stop();
      return;
  }
}

void IpcServer::Impl::deliver_wakeups() {
  std::vector<std::pair<uint64_t, std::string>> replies;
  {
    std::lock_guard lock(mailbox->mutex);
    replies.swap(mailbox->learn_replies);
  }
  for (auto& [tag, line] : replies) {
    if (clients.count(tag) != 0 && !clients.at(tag)->closing) queue_line(tag, line);
  }
  std::vector<uint64_t> subscribed;
  for (auto& [tag, client] : clients) {
    if (client->stream) subscribed.push_back(tag);
  }
  bool more = false;
  for (uint64_t tag : subscribed) {
    uint64_t sent = 0;
    while (clients.count(tag) != 0) {
      Client& client = *clients.at(tag);
      if (!report_lag(tag)) break;
      if (sent == kEventsPerWakeup) {
        more = true;  // let other clients and requests in; continue on the next turn
        break;
      }
      std::optional<std::string> event = client.stream->next();
      if (!event) {
        if (client.stream->closed()) {
          client.stream.reset();  // the daemon is stopping: end the stream politely
          client.closing = true;
          if (client.pending() == 0) {
            drop(tag);
          } else {
            update_interest(tag, client);
          }
        }
        break;
      }
      if (!queue_line(tag, *event)) break;  // dropped: it was not reading
      ++sent;
    }
    count([&](IpcServerStats& s) { s.events_sent += sent; });
  }
  if (more) mailbox->ring();
}

bool IpcServer::Impl::report_lag(uint64_t tag) {
  Client& client = *clients.at(tag);
  uint64_t dropped = client.stream->dropped();
  if (dropped == client.dropped_reported) return true;
  uint64_t lost = dropped - client.dropped_reported;
  client.dropped_reported = dropped;
  nlohmann::json line = {
      {"kind", "lagged"},
      {"dropped", lost},
      {"text", std::to_string(lost) + " event(s) dropped for this subscriber (it read too slowly)"}};
  return queue_line(tag, line.dump());
}

bool IpcServer::Impl::queue_line(uint64_t tag, std::string_view line) {
  Client& client = *clients.at(tag);
  if (client.pending() + line.size() + 1 > options.max_output) {
    // A client that lets its output pile up is gone; its queue never grows past the bound
    // and nobody waits for it.
    count([](IpcServerStats& s) { ++s.slow_dropped; });
    drop(tag);
    return false;
  }
  if (client.out_offset > 0 && client.out_offset == client.out.size()) {
    client.out.clear();
    client.out_offset = 0;
  }
  client.out.append(line);
  client.out.push_back('\n');
  return flush(tag);
}

bool IpcServer::Impl::flush(uint64_t tag) {
  Client& client = *clients.at(tag);
  while (client.pending() > 0) {
    ssize_t n = ::send(client.fd, client.out.data() + client.out_offset, client.pending(),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      client.out_offset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    drop(tag);  // EPIPE, ECONNRESET: the peer is gone
    return false;
  }
  if (client.pending() == 0) {
    client.out.clear();
    client.out_offset = 0;
    if (client.closing) {
      drop(tag);
      return false;
    }
  } else if (client.out_offset > 64 * 1024) {
    client.out.erase(0, client.out_offset);  // keep memory bounded by the pending bytes
    client.out_offset = 0;
  }
  update_interest(tag, client);
  return true;
}

void IpcServer::Impl::update_interest(uint64_t tag, Client& client) {
  // A closing client is not read any more (level-triggered EPOLLIN would fire on its
  // EOF for ever); EPOLLHUP/EPOLLERR are reported regardless and end it.
  uint32_t want = (client.closing ? 0u : static_cast<uint32_t>(EPOLLIN)) |
                  (client.pending() > 0 ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  if (want == client.interest) return;
  client.interest = want;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = tag;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, client.fd, &ev);
}

void IpcServer::Impl::drop(uint64_t tag) {
  auto it = clients.find(tag);
  if (it == clients.end()) return;
  bool had_stream = it->second->stream != nullptr;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, it->second->fd, nullptr);
  ::close(it->second->fd);
  clients.erase(it);  // destroys the stream: the daemon unsubscribes it
  count([&](IpcServerStats& s) {
    s.clients = clients.size();
    if (had_stream) --s.subscribers;
  });
}

std::unique_ptr<IpcServer> IpcServer::start(Control& control, IpcServerOptions options,
                                             std::string* error) {
  auto impl = std::make_unique<Impl>(control, std::move(options));
  if (!impl->open(error)) return nullptr;
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "mm-ipc");  // names show in top -H and /proc
    raw->loop();
  });
  return std::unique_ptr<IpcServer>(new IpcServer(std::move(impl)));
}

IpcServer::IpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IpcServer::~IpcServer() { stop(); }

void IpcServer::stop() {
  std::call_once(impl_->stop_once, [this] {
    impl_->stopping.store(true);
    impl_->mailbox->ring();
    if (impl_->thread.joinable()) impl_->thread.join();
    ::unlink(impl_->options.socket_path.c_str());
  });
}

const std::string& IpcServer::socket_path() const { return impl_->options.socket_path; }

IpcServerStats IpcServer::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

}  // namespace midimon::daemon
