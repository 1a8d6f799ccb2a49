// The socket directory rules, the peer-uid decision and the stale/live socket probe.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "daemon/ipc_paths.h"
#include "ipc_test_support.h"

namespace midimon::daemon {
namespace {

struct stat dir_stat(uid_t owner, mode_t mode) {
  struct stat st {};
  st.st_mode = S_IFDIR | mode;
  st.st_uid = owner;
  return st;
}

TEST(IpcPaths, PrivateDirectoryOfThisUserIsAccepted) {
  EXPECT_EQ(runtime_dir_problem(dir_stat(1000, 0700), 1000), "");
}

TEST(IpcPaths, DirectoryOwnedBySomeoneElseIsRefused) {
  std::string problem = runtime_dir_problem(dir_stat(1001, 0700), 1000);
  EXPECT_NE(problem.find("owned by uid 1001"), std::string::npos) << problem;
}

TEST(IpcPaths, GroupOrOtherBitsAreRefused) {
  for (mode_t mode : {0750, 0701, 0770, 0755, 0710}) {
    std::string problem = runtime_dir_problem(dir_stat(1000, mode), 1000);
    EXPECT_NE(problem.find("group/other"), std::string::npos) << std::oct << mode << ": " << problem;
  }
}

TEST(IpcPaths, SymlinkAndFileAreRefused) {
  struct stat link {};
  link.st_mode = S_IFLNK | 0777;
  link.st_uid = 1000;
  EXPECT_EQ(runtime_dir_problem(link, 1000), "is a symbolic link");
  struct stat file {};
  file.st_mode = S_IFREG | 0700;
  file.st_uid = 1000;
  EXPECT_EQ(runtime_dir_problem(file, 1000), "is not a directory");
}

TEST(IpcPaths, PeerUidDecision) {
  EXPECT_TRUE(peer_uid_allowed(1000, 1000));
  EXPECT_FALSE(peer_uid_allowed(1001, 1000));
  EXPECT_FALSE(peer_uid_allowed(0, 1000));  // not even root: the daemon is per user
  EXPECT_TRUE(peer_uid_allowed(0, 0));
}

TEST(IpcPaths, PrepareCreatesA0700Directory) {
  test::TempDir tmp;
  std::string dir = tmp.path() + "/midimon";
  std::string error;
  ASSERT_TRUE(prepare_runtime_dir(dir, &error)) << error;
  EXPECT_EQ(test::file_mode(dir), 0700u);
  ASSERT_TRUE(prepare_runtime_dir(dir, &error)) << error;  // existing and fine
}

TEST(IpcPaths, PrepareRefusesAnOpenDirectoryAndLeavesItAlone) {
  test::TempDir tmp;
  std::string dir = tmp.path() + "/midimon";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  std::string error;
  EXPECT_FALSE(prepare_runtime_dir(dir, &error));
  EXPECT_NE(error.find(dir), std::string::npos) << error;
  EXPECT_NE(error.find("0755"), std::string::npos) << error;
  EXPECT_EQ(test::file_mode(dir), 0755u);  // never "fixed" silently
}

TEST(IpcPaths, PrepareRefusesASymlinkToAPrivateDirectory) {
  test::TempDir tmp;
  std::string real = tmp.path() + "/real";
  std::string link = tmp.path() + "/midimon";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  std::string error;
  EXPECT_FALSE(prepare_runtime_dir(link, &error));
  EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;
}

TEST(IpcPaths, ProbeTellsFreeStaleLiveAndOtherFiles) {
  test::TempDir tmp;
  std::string path = tmp.path() + "/s.sock";
  std::string error;
  EXPECT_EQ(probe_socket_path(path, &error), SocketPathState::Free);

  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  EXPECT_EQ(probe_socket_path(path, &error), SocketPathState::Live);
  ::close(fd);  // the file stays: a daemon that died
  EXPECT_EQ(probe_socket_path(path, &error), SocketPathState::Stale);

  std::string file = tmp.path() + "/plain";
  std::ofstream(file) << "x";
  EXPECT_EQ(probe_socket_path(file, &error), SocketPathState::NotASocket);
}

TEST(IpcPaths, DefaultPathNeedsAnAbsoluteRuntimeDir) {
  const char* saved = std::getenv("XDG_RUNTIME_DIR");
  std::string keep = saved != nullptr ? saved : "";
  std::string error;
  ::setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
  EXPECT_EQ(default_socket_path(&error), "/run/user/1000/midimon/midimon.sock");
  ::setenv("XDG_RUNTIME_DIR", "relative", 1);
  EXPECT_EQ(default_socket_path(&error), "");
  EXPECT_NE(error.find("absolute"), std::string::npos);
  ::unsetenv("XDG_RUNTIME_DIR");
  EXPECT_EQ(default_socket_path(&error), "");
  EXPECT_NE(error.find("--socket"), std::string::npos);
  if (saved != nullptr) ::setenv("XDG_RUNTIME_DIR", keep.c_str(), 1);
}

TEST(IpcPaths, ParentDir) {
  EXPECT_EQ(parent_dir("/run/user/1/midimon/midimon.sock"), "/run/user/1/midimon");
  EXPECT_EQ(parent_dir("/s"), "/");
  EXPECT_EQ(parent_dir("s"), ".");
}

}  // namespace
}  // namespace midimon::daemon
