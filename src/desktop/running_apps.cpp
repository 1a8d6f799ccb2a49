#include "desktop/running_apps.h"

#include <dirent.h>

#include <cctype>
#include <fstream>
#include <iterator>

namespace midimon::desktop {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

constexpr std::size_t kCommLength = 15;  // TASK_COMM_LEN - 1

}  // namespace

std::vector<RunningProcess> list_running_processes(const std::string& proc_root) {
  std::vector<RunningProcess> result;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return result;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    RunningProcess process;
    process.pid = std::stoi(std::string(name));
    const std::string base = proc_root + "/" + std::string(name);
    if (!read_file(base + "/comm", process.comm)) continue;  // exited meanwhile
    while (!process.comm.empty() && process.comm.back() == '\n') process.comm.pop_back();
    std::string cmdline;
    if (read_file(base + "/cmdline", cmdline) && !cmdline.empty()) {
      const std::string argv0 = cmdline.substr(0, cmdline.find('\0'));
      const auto slash = argv0.rfind('/');
      process.exe_name = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
    }
    result.push_back(std::move(process));
  }
  ::closedir(dir);
  return result;
}

bool process_matches(const RunningProcess& process, std::string_view name) {
  if (name.empty()) return false;
  if (equals_ignore_case(process.comm, name)) return true;
  if (!process.exe_name.empty() && equals_ignore_case(process.exe_name, name)) return true;
  return name.size() > kCommLength && process.comm.size() == kCommLength &&
         equals_ignore_case(process.comm, name.substr(0, kCommLength));
}

bool is_app_running(std::string_view name, const std::string& proc_root) {
  for (const auto& process : list_running_processes(proc_root))
    if (process_matches(process, name)) return true;
  return false;
}

}  // namespace midimon::desktop
