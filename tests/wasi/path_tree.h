// The directory tree the path edge-case tests start from, a comparable picture of a tree,
// and the long paths of the length limits.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/wasi/wasi_harness.h"

namespace midimon::wasi::test {

// What pathcall's `times` sets (2000-01-01T00:00:00Z, in seconds): a picture shows which
// entries carry it, so "the link's times changed" differs from "the target's did".
inline constexpr time_t kFixedTimeSec = 946684800;
inline constexpr int kChainLength = 40;  // Linux follows 40 symlinks in one lookup

// Adds, next to the Sandbox's inside.txt and sub/:
//   file, dir/, sub/f                      a file, an empty directory, a file one level down
//   sl -> file, dl -> dir, dang -> missing symlinks to a file, a directory, nothing
//   fslash -> file/, dslash -> dir/, nslash -> newx/   targets ending in '/'
//   subup -> sub/.., up -> ..              to the preopen itself, and out of it
//   l1 -> l2, l2 -> l1                     a loop
//   n1 -> n2 -> ... -> n40 -> file         exactly kChainLength links; m -> n1 is one more
inline void make_path_tree(const fs::path& rw) {
  write_text(rw / "file", "file\n");
  fs::create_directory(rw / "dir");
  write_text(rw / "sub" / "f", "f\n");
  const std::pair<const char*, const char*> links[] = {
      {"sl", "file"},       {"dl", "dir"},     {"dang", "missing"}, {"fslash", "file/"},
      {"dslash", "dir/"},   {"nslash", "newx/"}, {"subup", "sub/.."}, {"up", ".."},
      {"l1", "l2"},         {"l2", "l1"},      {"m", "n1"}};
  for (const auto& [name, target] : links) fs::create_symlink(target, rw / name);
  for (int i = 1; i <= kChainLength; ++i) {
    const std::string next = i == kChainLength ? "file" : "n" + std::to_string(i + 1);
    fs::create_symlink(next, rw / ("n" + std::to_string(i)));
  }
}

inline void add_to_picture(const fs::path& top, const fs::path& p, std::map<std::string, std::string>* m) {
  struct stat st = {};
  std::string v;
  if (::lstat(p.c_str(), &st) != 0) v = "unreadable";
  else if (S_ISLNK(st.st_mode)) v = "link:" + fs::read_symlink(p).string();
  else if (S_ISDIR(st.st_mode)) v = "dir";
  else v = "file:" + read_text(p);
  if (st.st_mtim.tv_sec == kFixedTimeSec) v += " fixed-time";
  (*m)[p == top ? std::string(".") : p.lexically_relative(top).string()] = v;
  // lstat, never status(): the loop l1 <-> l2 must not throw, symlinks are not entered.
  if (S_ISDIR(st.st_mode))
    for (const fs::directory_entry& e : fs::directory_iterator(p)) add_to_picture(top, e.path(), m);
}
// Every entry of `dir` (itself as "."), by relative path: type, file contents or link
// target, and "fixed-time" when its mtime is kFixedTimeSec. Other times are left out:
// they are "now" and differ between two runs.
inline std::map<std::string, std::string> tree_picture(const fs::path& dir) {
  std::map<std::string, std::string> m;
  add_to_picture(dir, dir, &m);
  return m;
}

// A path of exactly `len` bytes naming sub/f: "./" repeated, then "sub/f" (or "sub//f"
// to make the length come out exactly).
inline std::string long_path_to_sub_f(size_t len) {
  const size_t pairs = (len - 5) / 2;
  std::string p;
  p.reserve(len);
  for (size_t i = 0; i < pairs; ++i) p += "./";
  p += (len - 5) % 2 ? "sub//f" : "sub/f";
  return p;
}

}  // namespace midimon::wasi::test
