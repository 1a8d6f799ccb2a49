// Runs the built `midimon` binary for the CLI tests: argv without a shell, a private
// environment (XDG dirs and HOME in a temporary directory, so nothing of the user's is
// read or written), stdout and stderr captured separately, the exit code.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace midimon::plugin::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "midimon-cli-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline CliResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                             const std::filesystem::path& scratch) {
  const std::string out_file = (scratch / "stdout.txt").string();
  const std::string err_file = (scratch / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  CliResult result;
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    result.err = "cannot start " + argv[0];
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_file);
  result.err = slurp(err_file);
  return result;
}

// `midimon ARGS...` with HOME and the XDG dirs under `home`.
class MidimonCli {
 public:
  explicit MidimonCli(std::filesystem::path binary) : binary_(std::move(binary)) {
    std::filesystem::create_directories(home_.path() / "scratch");
  }
  const std::filesystem::path& home() const { return home_.path(); }
  std::filesystem::path data_home() const { return home_.path() / "data"; }
  std::filesystem::path state_home() const { return home_.path() / "state"; }
  std::filesystem::path config_home() const { return home_.path() / "config"; }

  CliResult operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), binary_.string());
    std::vector<std::string> env = {
        "HOME=" + home_.path().string(),
        "XDG_DATA_HOME=" + data_home().string(),
        "XDG_STATE_HOME=" + state_home().string(),
        "XDG_CONFIG_HOME=" + config_home().string(),
        "PATH=/usr/bin:/bin",
    };
    if (const char* asan = std::getenv("ASAN_OPTIONS")) env.push_back(std::string("ASAN_OPTIONS=") + asan);
    if (const char* ubsan = std::getenv("UBSAN_OPTIONS")) env.push_back(std::string("UBSAN_OPTIONS=") + ubsan);
    return run_program(args, env, home_.path() / "scratch");
  }

 private:
  std::filesystem::path binary_;
  TempDir home_;
};

}  // namespace midimon::plugin::testing
