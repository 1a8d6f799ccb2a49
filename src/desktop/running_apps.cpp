#include "desktop/running_apps.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

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

// With read(2), not an ifstream: a process can exit between opening its /proc file and
// reading it, and libstdc++'s filebuf then throws ("error reading the file: No such
// process") whatever the stream's exception mask says. Here that is just "gone".
bool read_file(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
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
