// The fatal-signal report (crash_report.h). Everything the handler calls is
// async-signal-safe: write(2), prctl(2), backtrace_symbols_fd and, once the unwinder is
// loaded, backtrace. No allocation, no stdio, no locks.
#include "daemon/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace midimon::daemon {
namespace {

constexpr std::array kFatalSignals{SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

std::atomic<int> g_report_fd{2};
std::atomic<bool> g_installed{false};

// One report line, built in place: a fixed buffer and hand-made number formatting,
// because snprintf may allocate or take locks and a handler must do neither.
class ReportLine {
 public:
  ReportLine& text(const char* s) {
    while (s && *s && size_ < buffer_.size()) buffer_[size_++] = *s++;
    return *this;
  }
  ReportLine& number(uintmax_t value, unsigned base) {
    std::array<char, 24> digits{};
    std::size_t n = 0;
    do {
      digits[n++] = "0123456789abcdef"[value % base];
      value /= base;
    } while (value != 0 && n < digits.size());
    while (n > 0 && size_ < buffer_.size()) buffer_[size_++] = digits[--n];
    return *this;
  }
  void write_to(int fd) const {
    std::size_t done = 0;
    while (done < size_) {
      const ssize_t n = ::write(fd, buffer_.data() + done, size_ - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere to report to: die quietly, as without the report
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  std::array<char, 256> buffer_{};
  std::size_t size_ = 0;
};

void on_fatal_signal(int signal, siginfo_t* info, void*) {
  const int fd = g_report_fd.load();
  std::array<char, 17> thread{};  // PR_GET_NAME writes at most 16 bytes
  ::prctl(PR_GET_NAME, thread.data());
  ReportLine line;
  line.text("midimon: fatal signal SIG").text(sigabbrev_np(signal));
  line.text(" (").number(unsigned(signal), 10).text(")");
  // si_code > 0: the kernel raised it for a fault, and si_addr is the faulting address
  // (for a kill(2) or abort(3) it is not an address at all).
  if (info && info->si_code > 0 && signal != SIGABRT) {
    line.text(" at address 0x").number(reinterpret_cast<uintptr_t>(info->si_addr), 16);
  }
  line.text(" in thread ").text(thread.data());
  line.text(" (tid ").number(unsigned(::gettid()), 10).text("); stack:\n");
  line.write_to(fd);
  std::array<void*, 64> frames{};
  const int depth = ::backtrace(frames.data(), static_cast<int>(frames.size()));
  ::backtrace_symbols_fd(frames.data(), depth, fd);
  // SA_RESETHAND restored the default action: deliver the signal again with it, so the
  // process dies as it would have (exit status, core dump). A fault re-raised here stays
  // pending until this handler returns.
  ::raise(signal);
}

}  // namespace

void install_crash_report(int fd) {
  g_report_fd.store(fd);
  if (g_installed.exchange(true)) return;
  // backtrace() loads libgcc's unwinder on its first call, which allocates: do it now,
  // so the handler never does.
  std::array<void*, 2> warm_up{};
  ::backtrace(warm_up.data(), static_cast<int>(warm_up.size()));

  // A stack overflow faults on the guard page with no stack left to run a handler on:
  // give the main thread a stack of its own for it. (Other threads have none, and a
  // stack overflow there still kills the process, only without the report.)
  static std::array<char, 64 * 1024> alternate_stack;
  stack_t stack{};
  stack.ss_sp = alternate_stack.data();
  stack.ss_size = alternate_stack.size();
  ::sigaltstack(&stack, nullptr);

  struct sigaction action{};
  action.sa_sigaction = on_fatal_signal;
  action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int signal : kFatalSignals) {
    // A handler someone else installed first (a sanitizer's, which reports better) stays.
    struct sigaction current{};
    if (::sigaction(signal, nullptr, &current) != 0) continue;
    if (current.sa_handler != SIG_DFL) continue;  // one union with sa_sigaction; SIG_DFL is 0
    ::sigaction(signal, &action, nullptr);
  }
}

}  // namespace midimon::daemon
