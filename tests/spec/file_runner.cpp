#include "file_runner.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "script_runner.h"
#include "wast_script.h"

namespace midimon::spec {

namespace fs = std::filesystem;

bool is_simd_file(const fs::path& wast) { return wast.filename().string().rfind("simd_", 0) == 0; }

namespace {

void fatal(FileResult* r, int line, const std::string& message) {
  ++r->failed;
  r->fatal = message;
  r->failures.push_back({line, "file", message});
}

// Converts, parses and runs in the current process.
FileResult run_in_process(const fs::path& wast, const FileRunOptions& opt, Progress* progress) {
  FileResult r;
  r.name = wast.filename().string();
  if (!fs::exists(wast)) {
    fatal(&r, 0, "file " + wast.string() + " does not exist");
    return r;
  }
  Conversion conv;
  std::string error;
  Script script;
  script.wast = wast;
  if (!conv.run(opt.wast2json, wast, &error) || !parse_script(conv.json(), &script, &error)) {
    fatal(&r, 0, error);
    return r;
  }
  run_script(script, &r, progress, opt.eager_compile, opt.fuel, opt.deadline, opt.jit);
  return r;
}

bool write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FileResult run_file(const fs::path& wast, const FileRunOptions& opt) {
  if (!opt.isolate) return run_in_process(wast, opt, nullptr);

  FileResult r;
  r.name = wast.filename().string();
  // Progress lives in shared memory so the parent knows where a crashed child was.
  void* mem = mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int fds[2];
  if (mem == MAP_FAILED || pipe(fds) != 0) {
    if (mem != MAP_FAILED) munmap(mem, sizeof(Progress));
    fatal(&r, 0, std::string("cannot set up a child process: ") + std::strerror(errno));
    return r;
  }
  auto* progress = new (mem) Progress();
  // The child converts under a directory the parent owns, so a child that dies does
  // not leave its wast2json output behind.
  std::error_code ec;
  fs::path tmp_root = fs::temp_directory_path(ec);
  if (ec) tmp_root = "/tmp";
  std::string scratch = (tmp_root / "midimon-spec-run-XXXXXX").string();
  if (!mkdtemp(scratch.data())) scratch.clear();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    fatal(&r, 0, std::string("fork failed: ") + std::strerror(errno));
    close(fds[0]);
    close(fds[1]);
    munmap(mem, sizeof(Progress));
    if (!scratch.empty()) fs::remove_all(scratch, ec);
    return r;
  }
  if (pid == 0) {
    close(fds[0]);
    if (!scratch.empty()) setenv("TMPDIR", scratch.c_str(), 1);
    if (opt.timeout_s) alarm(opt.timeout_s);  // default SIGALRM action ends the child
    FileResult child = run_in_process(wast, opt, progress);
    _exit(write_all(fds[1], to_json(child)) ? 0 : 3);
  }
  close(fds[1]);
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!scratch.empty()) fs::remove_all(scratch, ec);

  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (clean && from_json(text, &r)) {
    munmap(mem, sizeof(Progress));
    return r;
  }
  // The child died: report what it had done, the command it died in, and count the
  // commands it never reached as failed so the totals still add up.
  r = FileResult();
  r.name = wast.filename().string();
  r.passed = progress->passed;
  r.na = progress->na;
  r.failed = progress->failed;
  const int line = progress->line;
  const char* kind = to_string(static_cast<CommandKind>(progress->kind.load()));
  std::string why;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    why = "timed out after " + std::to_string(opt.timeout_s) + " s";
  else if (WIFSIGNALED(status))
    why = std::string("crashed with signal ") + std::to_string(WTERMSIG(status)) + " (" +
          strsignal(WTERMSIG(status)) + ")";
  else
    why = "child exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
  const uint32_t total = progress->total, done = progress->done;
  std::string msg = why + " in " + kind + " at line " + std::to_string(line);
  if (progress->failed) msg += " (" + std::to_string(progress->failed.load()) + " earlier failures not itemised)";
  const size_t not_run = total > done ? total - done : 1;  // includes the command that died
  if (total > done) msg += "; " + std::to_string(not_run) + " commands (the one that died included) not completed, counted as failed";
  r.failed += not_run;
  r.fatal = msg;
  r.failures.push_back({line, "file", msg});
  munmap(mem, sizeof(Progress));
  return r;
}

}  // namespace midimon::spec
