// startup_bench: what a process costs from exec to exit, for comparing `midimon` running
// a trivial module with an empty process (issue 11: within 0.3 ms). A CLI that prints
// figures (docs/performance.md, "Process start").
//
//   startup_bench [--runs N] [NAME=COMMAND ...]
//
// Runs every command N times (default 400) in rounds, each command once per round in a
// shuffled order, so drift in machine speed hits them alike; each run is a fork + execv
// with stdout and stderr to /dev/null. Prints for each the median and 90th percentile of
// its CPU time (user + system of the child, from wait4) and of its wall time (fork to
// reaped), and the median over the rounds of its difference to the first command.
// Without commands: an empty C program, /bin/true, `midimon wasm run` of a module whose
// _start returns at once, and the same with midimon-full (every
// library of the daemon loaded). A command that exits non-zero is an error (exit 1).
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Command {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> cpu_us, wall_us;
};

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// One run; false if it could not start or exited non-zero.
bool run_once(Command& c) {
  std::vector<char*> argv;
  for (std::string& a : c.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) return false;
  const auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "startup_bench: %s exited with %d\n", c.name.c_str(),
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return false;
  }
  const auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
  c.cpu_us.push_back(us(ru.ru_utime) + us(ru.ru_stime));
  c.wall_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  return true;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 400;
  std::vector<Command> commands;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (const size_t eq = a.find('='); eq != std::string::npos && eq > 0) {
      commands.push_back({a.substr(0, eq), split(a.substr(eq + 1)), {}, {}});
    } else {
      std::fprintf(stderr, "usage: startup_bench [--runs N] [NAME=COMMAND ...]\n");
      return 2;
    }
  }
  if (commands.empty()) {
    const std::string module = MIDIMON_STARTUP_TRIVIAL_WASM;
    commands.push_back({"empty_c", {MIDIMON_STARTUP_EMPTY}, {}, {}});
    commands.push_back({"true", {"/bin/true"}, {}, {}});
    commands.push_back({"midimon_wasm_run", {MIDIMON_STARTUP_MIDIMON, "wasm", "run", module}, {}, {}});
    commands.push_back({"midimon_full_wasm_run", {MIDIMON_STARTUP_MIDIMON_FULL, "wasm", "run", module}, {}, {}});
  }
  if (runs < 1 || commands.empty()) return 2;
  // One unmeasured round: page cache, dynamic loader cache.
  for (Command& c : commands) {
    if (!run_once(c)) return 1;
    c.cpu_us.clear();
    c.wall_us.clear();
  }
  // Each round in a new order (fixed-seed shuffle): the command run right after the heavy
  // one finds colder caches, which must not always be the same command.
  std::vector<size_t> order(commands.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 shuffle_rng(12345);
  for (int r = 0; r < runs; ++r) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    for (size_t i : order) {
      if (!run_once(commands[i])) return 1;
    }
  }
  // +base: the median over rounds of (this command's time - the first command's time in
  // the same round), so load that changes during the run cancels out.
  auto median_diff = [](const std::vector<double>& a, const std::vector<double>& base) {
    std::vector<double> d(a.size());
    for (size_t i = 0; i < a.size(); ++i) d[i] = a[i] - base[i];
    return percentile(d, 0.5);
  };
  std::printf("%d runs each, in rounds; times in microseconds; +base: median over the rounds "
              "of the difference to %s in the same round\n",
              runs, commands[0].name.c_str());
  std::printf("%-24s %9s %9s %10s %9s %9s %10s\n", "command", "cpu p50", "cpu p90", "cpu +base",
              "wall p50", "wall p90", "wall +base");
  for (const Command& c : commands) {
    std::printf("%-24s %9.0f %9.0f %+10.0f %9.0f %9.0f %+10.0f\n", c.name.c_str(),
                percentile(c.cpu_us, 0.5), percentile(c.cpu_us, 0.9),
                median_diff(c.cpu_us, commands[0].cpu_us), percentile(c.wall_us, 0.5),
                percentile(c.wall_us, 0.9), median_diff(c.wall_us, commands[0].wall_us));
  }
  return 0;
}
