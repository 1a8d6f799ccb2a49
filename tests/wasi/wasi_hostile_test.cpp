// Hostile guests: escapes through `..`, absolute paths and symlinks (guest-made,
// host-made, swapped in during the run), and mutations of a read-only preopen. Every
// case asserts the exact errno and that nothing outside the read-write preopen changed.
// Run twice: with openat2(RESOLVE_BENEATH) and with the userspace walk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <atomic>
#include <thread>

#include "tests/wasi/wasi_harness.h"

namespace midimon::wasi::test {
namespace {

class WasiHostile : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!GetParam() && !openat2_available()) GTEST_SKIP() << "SKIPPED LOUDLY: kernel has no openat2; only the userspace walk variant runs";
    force_path_walk_fallback(GetParam());
  }
  void TearDown() override { force_path_walk_fallback(false); }
};

TEST_P(WasiHostile, DotDotAndAbsolutePathsNeverLeave) {
  Sandbox box;
  auto before = box.snapshot();
  RunOut r = run_guest("hostile", box.config({"hostile", "escape"}));
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;
  EXPECT_EQ(r.out,
            "open .. 76\n"
            "open ../outside.txt 76\n"
            "open sub/../../outside.txt 76\n"
            "open sub/../inside.txt 0\n"
            "open /etc/passwd 76\n"
            "open / 76\n"
            "open empty 44\n"
            "create ../created.txt 76\n"
            "create /tmp/created.txt 76\n"
            "mkdir ../newdir 76\n"
            "mkdir /tmp/newdir 76\n"
            "unlink ../outside.txt 76\n"
            "unlink /etc/passwd 76\n"
            "rmdir .. 76\n"
            "rmdir ../outdir 76\n"
            "rename to ../stolen.txt 76\n"
            "rename from ../outside.txt 76\n"
            "link to ../hard 76\n"
            "link from ../outside.txt 76\n"
            "symlink at ../sl 76\n"
            "readlink ../outlink 76\n"
            "stat .. 76\n"
            "stat ../outside.txt 76\n"
            "times ../outside.txt 76\n"
            "stat . 0\n"
            "open sub 0\n"
            "sub: open ../inside.txt 76\n");
  EXPECT_EQ(box.snapshot(), before);
  EXPECT_FALSE(fs::exists("/tmp/created.txt"));
  EXPECT_FALSE(fs::exists("/tmp/newdir"));
}

TEST_P(WasiHostile, SymlinksNeverLeave) {
  Sandbox box;
  // Host-made symlinks inside the preopen that point outside it.
  fs::create_symlink(box.root() / "outside", box.rw() / "hostabs");
  fs::create_symlink("../outside", box.rw() / "hostrel");
  auto before = box.snapshot();
  RunOut r = run_guest("hostile", box.config({"hostile", "symlinks"}));
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;
  EXPECT_EQ(r.out,
            "symlink -> /etc 76\n"
            "symlink -> ../outside.txt 0\n"
            "open esc follow 76\n"
            "open esc nofollow 32\n"
            "stat esc follow 76\n"
            "stat esc nofollow 0 type 7\n"
            "readlink esc 0 ../outside.txt\n"
            "create through esc 76\n"
            "times through esc 76\n"
            "link through esc 76\n"
            "symlink -> dangling ../new.txt 0\n"
            "create through dangle 76\n"
            "open chain c1 76\n"
            "open chain d1 0 inside\n"
            "open loop l1 32\n"
            "open sd/outside.txt 76\n"
            "mkdir sd/made 76\n"
            "unlink sd/outside.txt 76\n"
            "open up 76\n"
            "open hostabs/secret.txt 76\n"
            "open hostabs 76\n"
            "open hostrel/secret.txt 76\n"
            "rename hostrel/secret.txt 76\n"
            "unlink esc 0\n");
  EXPECT_EQ(box.snapshot(), before);
  EXPECT_FALSE(fs::exists(box.root() / "new.txt"));
  EXPECT_FALSE(fs::exists("/etc/made"));
  EXPECT_FALSE(fs::is_symlink(box.rw() / "etc"));
}

TEST_P(WasiHostile, SymlinkSwappedInByARacingHostProcess) {
  Sandbox box;
  // rw/race is a directory with an inside secret; rw/race_alt a symlink to the outside
  // directory. A host thread swaps them atomically while the guest keeps reading
  // race/secret.txt: it must only ever see the inside file or an error.
  fs::create_directories(box.rw() / "race");
  write_text(box.rw() / "race" / "secret.txt", "inside\n");
  fs::create_symlink(box.root() / "outside", box.rw() / "race_alt");
  std::atomic<bool> stop{false};
  std::atomic<int> swaps{0};
  const std::string a = (box.rw() / "race").string(), b = (box.rw() / "race_alt").string();
  std::thread racer([&] {
    while (!stop.load()) {
      if (renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) swaps++;
    }
  });
  RunOut r = run_guest("hostile", box.config({"hostile", "race"}));
  stop = true;
  racer.join();
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n') + 1), "leaked 0\n") << r.out;
  EXPECT_NE(r.out.find("reads 3000\n"), std::string::npos) << r.out;
  EXPECT_GT(swaps.load(), 100);
}

TEST_P(WasiHostile, ReadOnlyPreopenRawCalls) {
  Sandbox box;
  auto before = box.snapshot();
  RunOut r = run_guest("hostile", box.config({"hostile", "ro"}));
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;
  EXPECT_EQ(r.out,
            "ro create 69\n"
            "ro trunc 69\n"
            "ro open for write 69\n"
            "ro open for read 0\n"
            "ro fd_write 69\n"
            "ro fd_pwrite 69\n"
            "ro fd_allocate 69\n"
            "ro fd_filestat_set_size 69\n"
            "ro fd_filestat_set_times 69\n"
            "ro fdstat_set_rights gain 76\n"
            "ro fd_read 0 read-only input\n"
            "ro mkdir 69\n"
            "ro rmdir 69\n"
            "ro unlink 69\n"
            "ro rename 69\n"
            "ro rename out 69\n"
            "ro rename in 69\n"
            "ro link out 69\n"
            "ro link in 69\n"
            "ro symlink 69\n"
            "ro times 69\n"
            "ro open dir 0\n"
            "ro open dir for write 69\n"
            "ro sub create 69\n"
            "ro sub mkdir 69\n"
            "ro rights write 0 create 0\n");
  EXPECT_EQ(box.snapshot(), before);
  EXPECT_TRUE(fs::exists(box.rw() / "inside.txt"));
  EXPECT_FALSE(fs::exists(box.rw() / "moved.txt"));
  EXPECT_FALSE(fs::exists(box.rw() / "hard"));
}

INSTANTIATE_TEST_SUITE_P(Resolution, WasiHostile, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "walk" : "openat2"; });

}  // namespace
}  // namespace midimon::wasi::test
