// Running applications from /proc: the AppRunning condition.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace midimon::desktop {

struct RunningProcess {
  int pid = 0;
  std::string comm;       // /proc/PID/comm (the kernel truncates it to 15 bytes)
  std::string exe_name;   // basename of argv[0] from /proc/PID/cmdline; empty for kernel threads
};

// Every readable process under `proc_root`; processes that exit while being read are
// skipped.
std::vector<RunningProcess> list_running_processes(const std::string& proc_root = "/proc");

// True when `name` equals comm or the argv[0] basename, ASCII case-insensitively; a name
// longer than 15 bytes also matches a 15-byte comm that is its prefix (the kernel's cut).
bool process_matches(const RunningProcess& process, std::string_view name);

bool is_app_running(std::string_view name, const std::string& proc_root = "/proc");

}  // namespace midimon::desktop
