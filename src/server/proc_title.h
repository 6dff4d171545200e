#pragma once
// The process title that ps and /proc/<pid>/cmdline show (set-proc-title,
// proc-title-template), as Redis sets it on Linux: written over the memory that held the
// command line, extended over the environment strings once those are copied elsewhere.

#include <string>

namespace corvid {

struct Config;

// Must run first in main(), before anything reads the environment or argv's strings
// (it moves the environment away and keeps a copy of argv[0]).
void init_proc_title(int argc, char** argv);

// The template with its variables filled in: {title} (argv[0] as the server was started),
// {listen-addr} (the first bind address and the port, "*:6379" by default, or the unix
// socket), {server-mode} (empty: Corvid has no cluster or sentinel mode yet), {port},
// {tls-port}, {unixsocket}, {config-file}; "{{" stands for "{" (a "}" outside a variable
// is itself, doubled or not). Spaces at either end are trimmed, as Redis trims them.
std::string expand_proc_title(const std::string& tmpl, const Config& config);

// Sets the title from the configuration (nothing when set-proc-title is off).
void update_proc_title(const Config& config);

}  // namespace corvid
