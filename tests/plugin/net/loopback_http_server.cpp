#include "loopback_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace midimon::test {

namespace {

constexpr size_t kMaxRequestBytes = 16 << 20;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::abort();
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool send_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    default: return "Status";
  }
}

}  // namespace

std::string LoopbackHttpServer::Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

bool LoopbackHttpServer::Request::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

LoopbackHttpServer::Response LoopbackHttpServer::Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

LoopbackHttpServer::Response LoopbackHttpServer::Response::redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) die("loopback server: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("loopback server: bind");
  if (::listen(listen_fd_, 16) != 0) die("loopback server: listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) die("loopback server: getsockname");
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) die("loopback server: pipe");
  thread_ = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  (void)!::write(wake_pipe_[1], "x", 1);
  thread_.join();
  for (int fd : parked_) ::close(fd);
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string LoopbackHttpServer::url(std::string_view path) const { return "http://" + authority() + std::string(path); }
std::string LoopbackHttpServer::authority() const { return "127.0.0.1:" + std::to_string(port_); }

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t LoopbackHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void LoopbackHttpServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
  }
}

void LoopbackHttpServer::handle(int fd) {
  // A client that stalls mid-request must not wedge the server thread forever.
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  std::string data;
  size_t header_end = std::string::npos;
  char buffer[16384];
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0 || data.size() > kMaxRequestBytes) {
      ::close(fd);
      return;
    }
    data.append(buffer, static_cast<size_t>(n));
  }
  Request request;
  const std::string head = data.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  request.method = request_line.substr(0, sp1);
  request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (line_end != std::string::npos && line_end < head.size()) {
    const size_t next = head.find("\r\n", line_end + 2);
    const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      request.headers.emplace_back(line.substr(0, colon), line.substr(value_start));
    }
    line_end = next;
  }
  const size_t content_length = std::strtoull(request.header("content-length").c_str(), nullptr, 10);
  request.body = data.substr(header_end + 4);
  while (request.body.size() < content_length && request.body.size() < kMaxRequestBytes) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    request.body.append(buffer, static_cast<size_t>(n));
  }

  Response response = handler_(request);
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (response.never_answer) {
      parked_.push_back(fd);
      return;
    }
  }
  const size_t body_size = response.generated_body_bytes > 0 ? response.generated_body_bytes : response.body.size();
  std::string out;
  if (response.interim_continue) out += "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n";
  out += "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
  for (const auto& [n, v] : response.headers) out += n + ": " + v + "\r\n";
  if (response.send_content_length) out += "Content-Length: " + std::to_string(body_size) + "\r\n";
  out += "Connection: close\r\n\r\n";
  bool ok = send_all(fd, out.data(), out.size());
  if (ok && response.stall_after_headers) {
    std::lock_guard lock(mutex_);
    parked_.push_back(fd);
    return;
  }
  if (ok && request.method != "HEAD") {
    if (response.drip_interval.count() > 0) {
      // Paced by the wake pipe, so stopping the server ends the drip at once.
      for (size_t i = 0; ok && i < response.body.size(); ++i) {
        pollfd wake{wake_pipe_[0], POLLIN, 0};
        if (::poll(&wake, 1, static_cast<int>(response.drip_interval.count())) != 0) break;
        ok = send_all(fd, response.body.data() + i, 1);
        if (ok) ++bytes_sent_;
      }
    } else if (response.generated_body_bytes > 0) {
      const std::string chunk(65536, 'x');
      for (size_t sent = 0; ok && sent < body_size; sent += chunk.size()) {
        const size_t len = std::min(chunk.size(), body_size - sent);
        ok = send_all(fd, chunk.data(), len);
        if (ok) bytes_sent_ += len;
      }
    } else {
      ok = send_all(fd, response.body.data(), response.body.size());
      if (ok) bytes_sent_ += response.body.size();
    }
  }
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace midimon::test
