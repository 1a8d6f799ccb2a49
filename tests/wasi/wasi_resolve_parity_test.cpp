// Differential test of the two resolution strategies (resolve.h): thousands of paths made
// from the names of the edge-case tree (path_tree.h) — files, directories, symlinks to
// each, dangling ones, targets ending in '/', a loop, the 40-link chain, ".", "..", empty
// components, trailing slashes — resolved with openat2 and with the userspace walk under
// many open(2) flag sets. Both must give the same errno, or open the same inode. When
// openat2 does not call the path an escape, plain openat(2) on a copy of the tree must
// agree too: that is Linux's own answer. The paths are pseudo-random from a fixed seed,
// so a failure names a path that fails again on the next run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <random>
#include <string>
#include <vector>

#include "tests/wasi/path_tree.h"
#include "tests/wasi/wasi_harness.h"
#include "wasi/errno.h"
#include "wasi/resolve.h"
#include "wasi/unique_fd.h"

namespace midimon::wasi::test {
namespace {

// What an open ends with: an errno, or the file it opened (device, inode, type).
struct Outcome {
  Errno err = Errno::Success;
  dev_t dev = 0;
  ino_t ino = 0;
  mode_t type = 0;
  bool operator==(const Outcome&) const = default;
};
std::string describe(const Outcome& o) {
  if (o.err != Errno::Success) return "errno " + std::to_string(raw(o.err));
  return "inode " + std::to_string(o.ino) + " type " + std::to_string(o.type >> 12);
}
Outcome outcome_of(Errno e, const UniqueFd& fd) {
  Outcome o;
  o.err = e;
  struct stat st;
  if (e == Errno::Success && ::fstat(fd.get(), &st) == 0) {
    o.dev = st.st_dev;
    o.ino = st.st_ino;
    o.type = st.st_mode & S_IFMT;
  }
  return o;
}

// A path of 1 to 5 components from the tree's names, ".", ".." and "" (a doubled
// slash), sometimes with a trailing slash.
class PathMaker {
 public:
  explicit PathMaker(uint32_t seed) : rng_(seed) {}
  std::string next() {
    static const char* const kNames[] = {
        "file", "dir", "sub", "f", "sl", "dl", "dang", "missing", "fslash", "dslash", "nslash",
        "subup", "up", "l1", "n1", "m", ".", "..", "", "inside.txt"};
    const int count = 1 + static_cast<int>(rng_() % 5);
    std::string p;
    for (int i = 0; i < count; ++i) {
      if (i) p += '/';
      p += kNames[rng_() % std::size(kNames)];
    }
    if (rng_() % 4 == 0) p += '/';
    return p;
  }
  uint32_t pick(uint32_t n) { return rng_() % n; }

 private:
  std::mt19937 rng_;
};

struct Open {
  const char* label;
  int flags;
  bool follow;
};

// Resolves with one strategy; `walk` forces the userspace walk.
Outcome open_with(bool walk, int root, const std::string& path, const Open& how) {
  force_path_walk_fallback(walk);
  UniqueFd fd;
  const Errno e = open_beneath(root, path, how.flags, 0666, how.follow, &fd);
  force_path_walk_fallback(false);
  return outcome_of(e, fd);
}

Outcome open_on_linux(int root, const std::string& path, const Open& how) {
  UniqueFd fd(::openat(root, path.c_str(), how.flags | O_CLOEXEC | (how.follow ? 0 : O_NOFOLLOW), 0666));
  return outcome_of(fd.valid() ? Errno::Success : errno_from_host(errno), fd);
}

UniqueFd open_dir(const fs::path& p) { return UniqueFd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

class WasiResolveParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!openat2_available()) GTEST_SKIP() << "SKIPPED LOUDLY: kernel has no openat2: there is only one strategy, nothing to compare";
  }
};

TEST_F(WasiResolveParity, OpenWithoutCreatingAgreesWithLinux) {
  const Open kOpens[] = {
      {"O_PATH", O_PATH, true},
      {"O_PATH|O_NOFOLLOW", O_PATH, false},
      {"O_RDONLY", O_RDONLY, true},
      {"O_RDONLY|O_NOFOLLOW", O_RDONLY, false},
      {"O_RDONLY|O_DIRECTORY", O_RDONLY | O_DIRECTORY, true},
      {"O_PATH|O_DIRECTORY|O_NOFOLLOW", O_PATH | O_DIRECTORY, false},
      {"O_RDWR", O_RDWR | O_NONBLOCK, true},
      {"O_WRONLY|O_DIRECTORY", O_WRONLY | O_DIRECTORY, true},
  };
  // One tree serves every open (none of these flags changes it); Linux resolves in the
  // same tree, so its inodes compare directly.
  Sandbox box;
  make_path_tree(box.rw());
  UniqueFd root = open_dir(box.rw());
  ASSERT_TRUE(root.valid());
  PathMaker paths(20240611);
  int compared_with_linux = 0, escapes = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string path = paths.next();
    const Open& how = kOpens[paths.pick(std::size(kOpens))];
    const Outcome by_openat2 = open_with(false, root.get(), path, how);
    const Outcome by_walk = open_with(true, root.get(), path, how);
    ASSERT_EQ(by_walk, by_openat2) << how.label << " \"" << path << "\": walk " << describe(by_walk)
                                   << ", openat2 " << describe(by_openat2);
    if (by_openat2.err == Errno::NotCapable) {
      ++escapes;
      continue;
    }
    const Outcome by_linux = open_on_linux(root.get(), path, how);
    ASSERT_EQ(by_openat2, by_linux) << how.label << " \"" << path << "\": ours " << describe(by_openat2)
                                    << ", Linux " << describe(by_linux);
    ++compared_with_linux;
  }
  // The generator must reach both kinds of path, or this test proves little.
  EXPECT_GT(compared_with_linux, 1000);
  EXPECT_GT(escapes, 200);
}

// Removes what an open created in `rw` (entries not in `untouched`); O_CREAT only ever
// adds regular files.
void remove_created(const fs::path& rw, const std::map<std::string, std::string>& untouched) {
  for (const auto& [rel, what] : tree_picture(rw))
    if (!untouched.count(rel)) fs::remove(rw / rel);
}

TEST_F(WasiResolveParity, OpenCreatingAgreesWithLinux) {
  const Open kOpens[] = {
      {"O_CREAT|O_WRONLY", O_CREAT | O_WRONLY, true},
      {"O_CREAT|O_EXCL|O_WRONLY", O_CREAT | O_EXCL | O_WRONLY, true},
      {"O_CREAT|O_RDONLY|O_NOFOLLOW", O_CREAT | O_RDONLY, false},
  };
  // One tree per strategy (openat2, walk, Linux), put back after every open. Inodes
  // differ between trees, so what is compared is the errno, the type and the trees.
  Sandbox boxes[3];
  UniqueFd roots[3];
  for (int k = 0; k < 3; ++k) {
    make_path_tree(boxes[k].rw());
    roots[k] = open_dir(boxes[k].rw());
    ASSERT_TRUE(roots[k].valid());
  }
  const auto untouched = tree_picture(boxes[0].rw());
  PathMaker paths(7);
  int created = 0, escapes = 0;
  for (int i = 0; i < 800; ++i) {
    const std::string path = paths.next();
    const Open& how = kOpens[paths.pick(std::size(kOpens))];
    Outcome result[3];
    std::map<std::string, std::string> after[3];
    for (int k = 0; k < 3; ++k) {
      if (k == 2 && result[0].err == Errno::NotCapable) break;  // Linux would leave the tree
      result[k] = k == 2 ? open_on_linux(roots[k].get(), path, how) : open_with(k == 1, roots[k].get(), path, how);
      result[k].dev = result[k].ino = 0;
      after[k] = tree_picture(boxes[k].rw());
      if (after[k] == untouched) continue;
      remove_created(boxes[k].rw(), untouched);
      ASSERT_EQ(tree_picture(boxes[k].rw()), untouched) << "the open changed more than it created";
    }
    ASSERT_EQ(result[1], result[0]) << how.label << " \"" << path << "\": walk " << describe(result[1])
                                    << ", openat2 " << describe(result[0]);
    ASSERT_EQ(after[1], after[0]) << how.label << " \"" << path << "\": the trees differ afterwards";
    if (result[0].err == Errno::NotCapable) {
      ++escapes;
      continue;
    }
    ASSERT_EQ(result[0], result[2]) << how.label << " \"" << path << "\": ours " << describe(result[0])
                                    << ", Linux " << describe(result[2]);
    ASSERT_EQ(after[0], after[2]) << how.label << " \"" << path << "\": the tree differs from Linux's";
    if (after[0] != untouched) ++created;
  }
  EXPECT_GT(created, 20);
  EXPECT_GT(escapes, 50);
}

}  // namespace
}  // namespace midimon::wasi::test
