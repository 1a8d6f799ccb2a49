// Framing: lines across reads, the limit exactly, and an oversized line detected without
// reading (buffering) past the limit.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "daemon/ipc_line_reader.h"

namespace midimon::daemon {
namespace {

TEST(IpcLineReader, SplitsLinesAcrossFeeds) {
  LineReader reader(16);
  std::vector<std::string> lines;
  EXPECT_EQ(reader.feed("ab", 2, lines), LineReader::Status::Ok);
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(reader.feed("c\nde\n\nf", 7, lines), LineReader::Status::Ok);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "abc");
  EXPECT_EQ(lines[1], "de");
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(reader.buffered(), 1u);  // "f" waits for its newline
}

TEST(IpcLineReader, ALineOfExactlyTheLimitIsAccepted) {
  LineReader reader(8);
  std::vector<std::string> lines;
  std::string line(8, 'x');
  line += '\n';
  EXPECT_EQ(reader.feed(line.data(), line.size(), lines), LineReader::Status::Ok);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), 8u);
}

TEST(IpcLineReader, OneByteOverTheLimitIsOversized) {
  LineReader reader(8);
  std::vector<std::string> lines;
  std::string line(9, 'x');
  EXPECT_EQ(reader.feed(line.data(), line.size(), lines), LineReader::Status::Oversized);
  EXPECT_LE(reader.buffered(), reader.capacity());
}

TEST(IpcLineReader, OversizedLineIsDetectedWithoutReadingPastTheLimit) {
  // 1 MiB without a newline sits in a socket; the reader may take at most limit + 1 bytes.
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  int size = 4 * 1024 * 1024;
  ASSERT_EQ(::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
  ASSERT_EQ(::setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size), 0);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  std::string big(256 * 1024, 'a');
  std::size_t sent = 0;
  while (sent < big.size()) {
    ssize_t n = ::send(fds[0], big.data() + sent, big.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ASSERT_GT(sent, 2u * 64 * 1024) << "the socket buffer must hold more than the limit";

  LineReader reader(64 * 1024);
  std::vector<std::string> lines;
  EXPECT_EQ(reader.read_from(fds[1], lines), LineReader::Status::Oversized);
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(reader.buffered(), 64u * 1024 + 1);
  int unread = 0;
  ASSERT_EQ(::ioctl(fds[1], FIONREAD, &unread), 0);
  EXPECT_EQ(static_cast<std::size_t>(unread), sent - (64 * 1024 + 1))
      << "the reader consumed more than the limit";
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(IpcLineReader, ReportsCloseAfterTheLastLines) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  ASSERT_EQ(::write(fds[0], "one\ntwo\n", 8), 8);
  ::close(fds[0]);
  LineReader reader(64);
  std::vector<std::string> lines;
  EXPECT_EQ(reader.read_from(fds[1], lines), LineReader::Status::Closed);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "two");
  ::close(fds[1]);
}

}  // namespace
}  // namespace midimon::daemon
