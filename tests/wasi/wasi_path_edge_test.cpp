// Path edge cases — trailing slashes, "." and ".." as the last component, empty paths,
// NUL bytes, symlink loops and the 40-link bound, PATH_MAX and NAME_MAX — each one raw
// WASI call made by the pathcall guest on a fresh tree (path_tree.h), under openat2 and
// under the userspace walk. Each case states the guest's answer; unless it is a sandbox
// rule with no Linux counterpart (an escape, a NUL byte), the test first checks that
// Linux itself answers exactly that on the same tree (linux_reference.h), and after the
// guest's call the tree must look as it does after Linux's call (same entries, same
// contents, the fixed time on the same entry). Nothing outside the preopen may change.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/wasi/linux_reference.h"
#include "tests/wasi/path_tree.h"
#include "tests/wasi/wasi_harness.h"
#include "wasi/unique_fd.h"

namespace midimon::wasi::test {
namespace {

struct Case {
  std::string name;
  std::vector<std::string> call;  // pathcall's arguments: op, then its operands
  std::string expect;             // the guest's line, without the newline
  bool compare_with_linux = true;  // false: a sandbox rule, Linux has no such answer
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }  // not 1 MiB of path

std::string E(Errno e) { return std::to_string(raw(e)); }
std::string Ok(uint8_t filetype) { return "0 " + std::to_string(filetype); }  // open, stat
const std::string kOk = "0";
// path_open arguments: oflags, rights, follow.
const std::string kCreat = "1", kDirectory = "2", kCreatExcl = "5", kDirectoryTrunc = "10",
                  kCreatDirectory = "3";
const std::string kRead = "0x2", kWrite = "0x40", kReadWrite = "0x42", kReaddir = "0x4002";

// Issue 11, item 6, as filed.
std::vector<Case> issue_11_cases() {
  using enum Errno;
  const std::string mib_path = long_path_to_sub_f(1 << 20);
  return {
      {"symlink_at_missing_name_with_slash", {"symlink", "source", "target/"}, E(NoEnt)},
      {"link_at_missing_name_with_slash", {"link", "file", "link/", "0"}, E(NoEnt)},
      {"rename_file_to_name_with_slash", {"rename", "file", "new/"}, E(NotDir)},
      {"rename_file_with_slash", {"rename", "file/", "new"}, E(NotDir)},
      {"link_from_file_with_slash", {"link", "file/", "link", "0"}, E(NotDir)},
      {"times_file_with_slash", {"times", "file/", "0"}, E(NotDir)},
      {"times_file_with_slash_follow", {"times", "file/", "1"}, E(NotDir)},
      {"readlink_symlink_to_file_with_slash", {"readlink", "sl/"}, E(NotDir)},
      {"open_dot_as_directory_read_write", {"open", ".", kDirectory, kReadWrite, "0"}, E(IsDir)},
      {"open_path_of_1mib", {"open", mib_path, "0", kRead, "1"}, E(NameTooLong)},
      {"open_create_new_name_with_slash", {"open", "newfile/", kCreat, kWrite, "1"}, E(IsDir)},
  };
}

// Trailing slashes in every other place: the name must be a directory, and a
// symlink before the slash is followed even without symlink_follow.
std::vector<Case> trailing_slash_cases() {
  using enum Errno;
  return {
      {"symlink_at_file_with_slash", {"symlink", "x", "file/"}, E(Exist)},
      {"symlink_at_dir_with_slash", {"symlink", "x", "dir/"}, E(Exist)},
      {"symlink_at_dangling_with_slash", {"symlink", "x", "dang/"}, E(Exist)},
      {"link_at_dir_with_slash", {"link", "file", "dir/", "0"}, E(Exist)},
      {"link_from_symlink_to_file_with_slash", {"link", "sl/", "x", "0"}, E(NotDir)},
      {"link_from_symlink_to_dir_with_slash", {"link", "dl/", "x", "0"}, E(Perm)},
      {"link_from_missing_with_slash", {"link", "missing/", "x", "0"}, E(NoEnt)},
      {"link_from_missing_to_name_under_file", {"link", "missing", "file/x", "0"}, E(NoEnt)},
      {"link_from_symlink_ending_in_slash_follow", {"link", "fslash", "x", "1"}, E(NotDir)},
      {"link_from_symlink_ending_in_slash_itself", {"link", "fslash", "x", "0"}, kOk},
      {"rename_symlink_to_dir_with_slash", {"rename", "dl/", "new"}, E(NotDir)},
      {"rename_symlink_to_file_with_slash", {"rename", "sl/", "new"}, E(NotDir)},
      {"rename_loop_with_slash", {"rename", "l1/", "new"}, E(NotDir)},
      {"rename_missing_with_slash", {"rename", "missing/", "new"}, E(NoEnt)},
      {"rename_file_to_dir_with_slash", {"rename", "file", "dir/"}, E(NotDir)},
      {"rename_dir_to_name_with_slash", {"rename", "dir", "newd/"}, kOk},
      {"rename_dir_with_slashes", {"rename", "dir/", "newd/"}, kOk},
      {"times_symlink_to_file_with_slash", {"times", "sl/", "0"}, E(NotDir)},
      {"times_symlink_to_dir_with_slash", {"times", "dl/", "0"}, kOk},  // the dir's times
      {"times_dangling_with_slash", {"times", "dang/", "0"}, E(NoEnt)},
      {"times_loop_with_slash", {"times", "l1/", "0"}, E(Loop)},
      {"times_symlink_ending_in_slash_follow", {"times", "fslash", "1"}, E(NotDir)},
      {"readlink_symlink_to_dir_with_slash", {"readlink", "dl/"}, E(Inval)},
      {"readlink_file_with_slash", {"readlink", "file/"}, E(NotDir)},
      {"readlink_dangling_with_slash", {"readlink", "dang/"}, E(NoEnt)},
      {"readlink_loop_with_slash", {"readlink", "l1/"}, E(Loop)},
      {"readlink_symlink_ending_in_slash", {"readlink", "fslash"}, "0 file/"},
      {"stat_symlink_to_dir_with_slash", {"stat", "dl/", "0"}, Ok(abi::kFileDirectory)},
      {"stat_symlink_to_file_with_slash", {"stat", "sl/", "0"}, E(NotDir)},
      {"open_symlink_to_dir_with_slash", {"open", "dl/", "0", kRead, "0"}, Ok(abi::kFileDirectory)},
      {"open_symlink_to_dir_as_directory", {"open", "dl", kDirectory, kRead, "0"}, E(NotDir)},
      {"open_file_with_slash", {"open", "file/", "0", kRead, "1"}, E(NotDir)},
      {"open_dangling_with_slash", {"open", "dang/", "0", kRead, "1"}, E(NoEnt)},
      {"open_symlink_ending_in_slash_to_file", {"open", "fslash", "0", kRead, "1"}, E(NotDir)},
      {"open_symlink_ending_in_slash_to_dir", {"open", "dslash", "0", kRead, "1"}, Ok(abi::kFileDirectory)},
      {"open_create_file_with_slash", {"open", "file/", kCreat, kWrite, "1"}, E(IsDir)},
      {"open_create_exclusive_file_with_slash", {"open", "file/", kCreatExcl, kWrite, "1"}, E(IsDir)},
      {"open_create_dir_with_slash", {"open", "dir/", kCreat, kRead, "1"}, E(IsDir)},
      {"open_create_dangling_with_slash", {"open", "dang/", kCreat, kWrite, "1"}, E(IsDir)},
      {"open_create_through_symlink_ending_in_slash", {"open", "nslash", kCreat, kWrite, "1"}, E(IsDir)},
      {"open_create_under_missing_with_slash", {"open", "missing/x/", kCreat, kWrite, "1"}, E(NoEnt)},
      {"mkdir_new_name_with_slash", {"mkdir", "newdir/"}, kOk},
      {"mkdir_file_with_slash", {"mkdir", "file/"}, E(Exist)},
      {"mkdir_dangling_with_slash", {"mkdir", "dang/"}, E(Exist)},
      {"rmdir_dir_with_slash", {"rmdir", "dir/"}, kOk},
      {"rmdir_symlink_to_dir_with_slash", {"rmdir", "dl/"}, E(NotDir)},
      {"rmdir_file_with_slash", {"rmdir", "file/"}, E(NotDir)},
      {"unlink_dir_with_slash", {"unlink", "dir/"}, E(IsDir)},
      {"unlink_symlink_to_dir_with_slash", {"unlink", "dl/"}, E(NotDir)},
      {"unlink_file_with_slash", {"unlink", "file/"}, E(NotDir)},
      {"unlink_missing_with_slash", {"unlink", "missing/"}, E(NoEnt)},
  };
}

// Directories are never opened for writing (open(2) says EISDIR).
std::vector<Case> directory_for_write_cases() {
  using enum Errno;
  return {
      {"open_dot_for_write", {"open", ".", "0", kReadWrite, "0"}, E(IsDir)},
      {"open_dot_as_directory_write_only", {"open", ".", kDirectory, kWrite, "0"}, E(IsDir)},
      {"open_file_as_directory_for_write", {"open", "file", kDirectory, kWrite, "0"}, E(NotDir)},
      {"open_dir_as_directory_truncating", {"open", "dir", kDirectoryTrunc, kRead, "0"}, E(IsDir)},
      {"open_create_dot", {"open", ".", kCreat, kRead, "0"}, E(IsDir)},
      {"open_create_exclusive_dot", {"open", ".", kCreatExcl, kWrite, "0"}, E(Exist)},
      {"open_create_exclusive_dotdot_with_slash", {"open", "dslash/../", kCreatExcl, kWrite, "1"}, E(Exist)},
      {"open_dir_as_directory_for_reading", {"open", "dir", kDirectory, kReaddir, "0"}, Ok(abi::kFileDirectory)},
      // Linux 6.4 and later answer EINVAL; older kernels created a regular file and then
      // failed with ENOTDIR. We answer EINVAL on every kernel, so no Linux check here.
      {"open_create_as_directory", {"open", "newd", kCreatDirectory, kRead, "0"}, E(Inval), false},
  };
}

// "." and ".." as the last component (inside the preopen).
std::vector<Case> dot_cases() {
  using enum Errno;
  return {
      {"mkdir_dot", {"mkdir", "."}, E(Exist)},
      {"mkdir_sub_dotdot", {"mkdir", "sub/.."}, E(Exist)},
      {"mkdir_missing_dotdot", {"mkdir", "missing/.."}, E(NoEnt)},
      {"mkdir_file_dotdot", {"mkdir", "file/.."}, E(NotDir)},
      {"rmdir_dot", {"rmdir", "."}, E(Inval)},
      {"rmdir_sub_dotdot", {"rmdir", "sub/.."}, E(NotEmpty)},
      {"unlink_dot", {"unlink", "."}, E(IsDir)},
      {"unlink_sub_dotdot", {"unlink", "sub/.."}, E(IsDir)},
      {"rename_dot", {"rename", ".", "new"}, E(Busy)},
      {"rename_to_dot", {"rename", "file", "."}, E(Busy)},
      {"rename_sub_dotdot", {"rename", "sub/..", "new"}, E(Busy)},
      {"rename_missing_to_dot", {"rename", "missing", "."}, E(Busy)},
      {"rename_dot_into_missing_dir", {"rename", ".", "missing/x"}, E(NoEnt)},
      {"symlink_at_dot", {"symlink", "x", "."}, E(Exist)},
      {"symlink_at_sub_dotdot", {"symlink", "x", "sub/.."}, E(Exist)},
      {"link_from_dot", {"link", ".", "x", "0"}, E(Perm)},
      {"link_at_dot", {"link", "file", ".", "0"}, E(Exist)},
      {"link_at_sub_dotdot", {"link", "file", "sub/..", "0"}, E(Exist)},
      {"link_from_symlink_to_dotdot_follow", {"link", "subup", "x", "1"}, E(Perm)},
      {"readlink_dot", {"readlink", "."}, E(Inval)},
      {"readlink_sub_dotdot", {"readlink", "sub/.."}, E(Inval)},
      {"times_dot", {"times", ".", "0"}, kOk},
      {"times_sub_dotdot", {"times", "sub/..", "0"}, kOk},
      {"times_sub_dot_with_slash", {"times", "sub/./", "0"}, kOk},
      {"times_symlink_to_dotdot_follow", {"times", "subup", "1"}, kOk},
      {"readlink_symlink_out_itself", {"readlink", "up"}, "0 .."},
  };
}

// ".." out of the preopen, however it is reached: ENOTCAPABLE (a sandbox rule).
std::vector<Case> escape_cases() {
  using enum Errno;
  return {
      {"mkdir_dotdot", {"mkdir", ".."}, E(NotCapable), false},
      {"mkdir_under_dotdot_with_slash", {"mkdir", "../x/"}, E(NotCapable), false},
      {"rmdir_sub_dotdot_dotdot", {"rmdir", "sub/../.."}, E(NotCapable), false},
      {"unlink_dotdot", {"unlink", ".."}, E(NotCapable), false},
      {"rename_dotdot", {"rename", "..", "x"}, E(NotCapable), false},
      {"rename_to_dotdot", {"rename", "file", ".."}, E(NotCapable), false},
      {"symlink_at_dotdot", {"symlink", "x", ".."}, E(NotCapable), false},
      {"link_from_dotdot", {"link", "..", "x", "0"}, E(NotCapable), false},
      {"link_at_dotdot", {"link", "file", "..", "0"}, E(NotCapable), false},
      {"readlink_dotdot", {"readlink", ".."}, E(NotCapable), false},
      {"times_dotdot", {"times", "..", "0"}, E(NotCapable), false},
      {"times_sub_dotdot_dotdot", {"times", "sub/../..", "0"}, E(NotCapable), false},
      {"stat_dotdot_with_slash", {"stat", "../", "0"}, E(NotCapable), false},
      {"open_dotdot_with_slash", {"open", "../", "0", kRead, "1"}, E(NotCapable), false},
      {"open_create_dotdot", {"open", "..", kCreat, kRead, "1"}, E(NotCapable), false},
      {"times_symlink_out_follow", {"times", "up", "1"}, E(NotCapable), false},
      {"times_symlink_out_with_slash", {"times", "up/", "0"}, E(NotCapable), false},
      {"readlink_symlink_out_with_slash", {"readlink", "up/"}, E(NotCapable), false},
      {"link_from_symlink_out_with_slash", {"link", "up/", "x", "0"}, E(NotCapable), false},
  };
}

// Empty paths name nothing (Linux without AT_EMPTY_PATH).
std::vector<Case> empty_path_cases() {
  using enum Errno;
  return {
      {"open_empty", {"open", "", "0", kRead, "1"}, E(NoEnt)},
      {"stat_empty", {"stat", "", "1"}, E(NoEnt)},
      {"times_empty", {"times", "", "1"}, E(NoEnt)},
      {"readlink_empty", {"readlink", ""}, E(NoEnt)},
      {"mkdir_empty", {"mkdir", ""}, E(NoEnt)},
      {"rmdir_empty", {"rmdir", ""}, E(NoEnt)},
      {"unlink_empty", {"unlink", ""}, E(NoEnt)},
      {"rename_from_empty", {"rename", "", "x"}, E(NoEnt)},
      {"rename_to_empty", {"rename", "file", ""}, E(NoEnt)},
      {"link_from_empty", {"link", "", "x", "0"}, E(NoEnt)},
      {"link_to_empty", {"link", "file", "", "0"}, E(NoEnt)},
      {"symlink_at_empty", {"symlink", "x", ""}, E(NoEnt)},
      {"symlink_to_empty", {"symlink", "", "x"}, E(NoEnt)},
  };
}

// A NUL byte cannot reach a Linux call: EINVAL (a sandbox rule).
std::vector<Case> nul_cases() {
  using enum Errno;
  return {
      {"open_with_nul", {"open", "file%00x", "0", kRead, "1"}, E(Inval), false},
      {"open_only_nul", {"open", "%00", "0", kRead, "1"}, E(Inval), false},
      {"stat_with_nul", {"stat", "file%00", "1"}, E(Inval), false},
      {"mkdir_with_nul", {"mkdir", "a%00b"}, E(Inval), false},
      {"rename_to_nul", {"rename", "file", "a%00b"}, E(Inval), false},
      {"link_from_nul", {"link", "file%00", "x", "0"}, E(Inval), false},
      {"readlink_with_nul", {"readlink", "sl%00"}, E(Inval), false},
      {"symlink_target_with_nul", {"symlink", "file%00x", "x"}, E(Inval), false},
  };
}

// Symlink loops, and the 40-link bound (n1: exactly 40 links, m: 41).
std::vector<Case> symlink_cases() {
  using enum Errno;
  return {
      {"open_loop", {"open", "l1", "0", kRead, "1"}, E(Loop)},
      {"open_loop_nofollow", {"open", "l1", "0", kRead, "0"}, E(Loop)},
      {"open_through_loop", {"open", "l1/x", "0", kRead, "1"}, E(Loop)},
      {"stat_loop", {"stat", "l1", "1"}, E(Loop)},
      {"stat_loop_nofollow", {"stat", "l1", "0"}, Ok(abi::kFileSymlink)},
      {"mkdir_through_loop", {"mkdir", "l1/x"}, E(Loop)},
      {"times_loop_follow", {"times", "l1", "1"}, E(Loop)},
      {"link_loop_follow", {"link", "l1", "x", "1"}, E(Loop)},
      {"open_chain_of_40", {"open", "n1", "0", kRead, "1"}, Ok(abi::kFileRegular)},
      {"open_chain_of_41", {"open", "m", "0", kRead, "1"}, E(Loop)},
      {"open_create_chain_of_41", {"open", "m", kCreat, kWrite, "1"}, E(Loop)},
      {"stat_chain_of_41", {"stat", "m", "1"}, E(Loop)},
      {"times_chain_of_40_follow", {"times", "n1", "1"}, kOk},
      {"times_chain_of_41_follow", {"times", "m", "1"}, E(Loop)},
      {"link_chain_of_40_follow", {"link", "n1", "x", "1"}, kOk},
      {"link_chain_of_41_follow", {"link", "m", "x", "1"}, E(Loop)},
  };
}

// Length limits: PATH_MAX (4096 bytes with the NUL) and NAME_MAX (255).
std::vector<Case> length_cases() {
  using enum Errno;
  const std::string mib_path = long_path_to_sub_f(1 << 20);
  const std::string name255(255, 'a'), name256(256, 'a');
  return {
      {"open_path_of_4095", {"open", long_path_to_sub_f(4095), "0", kRead, "1"}, Ok(abi::kFileRegular)},
      {"open_path_of_4096", {"open", long_path_to_sub_f(4096), "0", kRead, "1"}, E(NameTooLong)},
      {"mkdir_path_of_4095", {"mkdir", long_path_to_sub_f(4095)}, E(Exist)},
      {"mkdir_path_of_4096", {"mkdir", long_path_to_sub_f(4096)}, E(NameTooLong)},
      {"stat_path_of_1mib", {"stat", mib_path, "1"}, E(NameTooLong)},
      {"unlink_path_of_1mib", {"unlink", mib_path}, E(NameTooLong)},
      {"rename_path_of_1mib", {"rename", "file", mib_path}, E(NameTooLong)},
      {"readlink_path_of_1mib", {"readlink", mib_path}, E(NameTooLong)},
      {"symlink_target_of_4095", {"symlink", std::string(4095, 't'), "x"}, kOk},
      {"symlink_target_of_4096", {"symlink", std::string(4096, 't'), "x"}, E(NameTooLong)},
      {"mkdir_name_of_255", {"mkdir", name255}, kOk},
      {"mkdir_name_of_256", {"mkdir", name256}, E(NameTooLong)},
      {"open_through_name_of_256", {"open", name256 + "/x", "0", kRead, "1"}, E(NameTooLong)},
  };
}

// A file in the middle of a path; ".." after a symlinked directory.
std::vector<Case> middle_component_cases() {
  using enum Errno;
  return {
      {"stat_through_file", {"stat", "file/x", "1"}, E(NotDir)},
      {"mkdir_through_file", {"mkdir", "file/x"}, E(NotDir)},
      {"open_file_dot", {"open", "file/.", "0", kRead, "1"}, E(NotDir)},
      {"stat_dotdot_after_symlinked_dir", {"stat", "dl/../file", "1"}, Ok(abi::kFileRegular)},
      {"rename_dotdot_after_symlinked_dir", {"rename", "dl/../file", "sub/../moved"}, kOk},
  };
}

// Doubled slashes are one.
std::vector<Case> doubled_slash_cases() {
  return {
      {"stat_doubled_slash", {"stat", "sub//f", "0"}, Ok(abi::kFileRegular)},
      {"rename_doubled_slash", {"rename", "sub//f", "sub//g"}, kOk},
      {"open_create_doubled_slash", {"open", "sub//new", kCreat, kWrite, "1"}, Ok(abi::kFileRegular)},
  };
}

std::vector<Case> edge_cases() {
  std::vector<Case> all;
  for (auto group : {issue_11_cases, trailing_slash_cases, directory_for_write_cases, dot_cases,
                     escape_cases, empty_path_cases, nul_cases, symlink_cases, length_cases,
                     middle_component_cases, doubled_slash_cases})
    for (Case& c : group()) all.push_back(std::move(c));
  return all;
}

using Param = std::tuple<Case, bool>;  // the case, and whether the walk is forced

class WasiPathEdge : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    walk_ = std::get<1>(GetParam());
    if (!walk_ && !openat2_available()) GTEST_SKIP() << "SKIPPED LOUDLY: kernel has no openat2; only the userspace walk variant runs";
    force_path_walk_fallback(walk_);
  }
  void TearDown() override { force_path_walk_fallback(false); }
  bool walk_ = false;
};

RunOut run_pathcall(const Sandbox& box, const std::vector<std::string>& call) {
  static wasm::Engine engine;
  static auto module = wasm::Module::compile(engine, read_bytes(guest("pathcall")));
  if (!module) {
    RunOut r;
    r.trap = "compile: " + module.error().to_string();
    return r;
  }
  std::vector<std::string> args = {"pathcall"};
  args.insert(args.end(), call.begin(), call.end());
  return run_compiled(engine, *module, box.config(std::move(args)));
}

TEST_P(WasiPathEdge, AnswersAsLinux) {
  const Case& c = std::get<0>(GetParam());

  // Linux's own answer and resulting tree, when Linux has one.
  std::map<std::string, std::string> linux_tree;
  if (c.compare_with_linux) {
    Sandbox native;
    make_path_tree(native.rw());
    UniqueFd dir(::open(native.rw().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir.valid());
    ASSERT_EQ(linux_call(dir.get(), c.call), c.expect) << "Linux itself answers otherwise: the expectation is wrong";
    linux_tree = tree_picture(native.rw());
  }

  Sandbox box;
  make_path_tree(box.rw());
  const auto tree_before = tree_picture(box.rw());
  const auto outside_before = box.snapshot();
  RunOut r = run_pathcall(box, c.call);
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;
  EXPECT_EQ(r.out, c.expect + "\n");
  if (c.compare_with_linux) EXPECT_EQ(tree_picture(box.rw()), linux_tree) << "the call did not do what Linux's did";
  else EXPECT_EQ(tree_picture(box.rw()), tree_before) << "a refused call changed the tree";
  EXPECT_EQ(box.snapshot(), outside_before);
}

INSTANTIATE_TEST_SUITE_P(Resolution, WasiPathEdge,
                         ::testing::Combine(::testing::ValuesIn(edge_cases()), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return std::get<0>(info.param).name + (std::get<1>(info.param) ? "_walk" : "_openat2");
                         });

}  // namespace
}  // namespace midimon::wasi::test
