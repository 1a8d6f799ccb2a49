// A daemon that dies of a fault says where, in its log, before it dies.
//
// Without this, a crash under systemd leaves only "status=11/SEGV" in the journal, and a
// crash seen once in a test run leaves nothing to read at all. The report is one line
// naming the signal, the faulting address and the thread (our threads are named:
// mm-engine, mm-ipc, ...), then the stack as glibc's backtrace_symbols_fd writes it
// (`midimon-full(+0x1a2b3)` frames: `addr2line -f -C -e midimon-full 0x1a2b3` resolves
// them). Then the signal is delivered again with its default action, so the exit status,
// a core dump and systemd's restart policy are what they would have been without it.
#pragma once

namespace midimon::daemon {

// Installs the report for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT, written to `fd`
// (the daemon's stderr: the journal under systemd). Idempotent; async-signal-safe once
// installed (it loads the unwinder here, not in the handler). The main thread gets an
// alternate signal stack, so a stack overflow there is reported too.
void install_crash_report(int fd = 2);

}  // namespace midimon::daemon
