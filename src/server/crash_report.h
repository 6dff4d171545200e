#pragma once
// What the server leaves behind when it dies of a fatal signal (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL, SIGABRT): with crash-log-enabled, a bug report in the log (the signal and the
// faulting address, a stack trace, INFO, the client list and the client whose command was
// running, with its arguments), then with crash-memcheck-enabled a test of the process's
// writable memory, as Redis does. Either way the signal is raised again with its default
// action, so the process still dies of it (core dumps and supervisors see the real cause).
//
// The report is written from the signal handler with code that is not async-signal-safe
// (the allocator, stdio): a best effort, as Redis's is, for a process that is lost anyway.

namespace corvid {

class Server;

// Installs the handlers; `server` must outlive them (the process, in practice).
void install_crash_handler(Server& server);

// Writes a pattern over every word of the process's private writable mappings and reads
// it back, restoring each word; returns the number of words that did not hold what was
// written (0 when the memory looks sound). Used by the crash report.
unsigned long test_process_memory();

}  // namespace corvid
