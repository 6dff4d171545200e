// corvid-server [/path/to/redis.conf] [--option value ...]

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "server/config.h"
#include "server/crash_report.h"
#include "server/log.h"
#include "server/process_settings.h"
#include "server/proc_title.h"
#include "server/server.h"

namespace {

corvid::Server* running_server = nullptr;

void on_terminate(int signal) {
  // Only flags the request; the event loop notices it on its next turn.
  if (running_server != nullptr) {
    running_server->signal_shutdown(signal);
    running_server->loop().wake();
  }
}

// daemonize yes: the process that was started returns at once (as init scripts expect) and
// the server goes on in a child that has left the terminal's session, its standard streams
// on /dev/null. Done before the server exists, so no thread is lost in the fork.
bool daemonize() {
  const pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return false;
  }
  if (child > 0) _exit(0);
  setsid();
  const int null = open("/dev/null", O_RDWR, 0);
  if (null != -1) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) close(null);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  corvid::init_proc_title(argc, argv);
  if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
    std::printf("Corvid server v=%s (compatible with Redis 7.0.15) bits=64\n", CORVID_VERSION);
    return 0;
  }
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf(
        "Usage: ./corvid-server [/path/to/redis.conf] [options] [-]\n"
        "       ./corvid-server - (read config from stdin)\n"
        "       ./corvid-server -v or --version\n"
        "       ./corvid-server -h or --help\n\n"
        "Examples:\n"
        "       ./corvid-server (run the server with default config)\n"
        "       ./corvid-server /etc/redis/6379.conf\n"
        "       ./corvid-server --port 7777\n");
    return 0;
  }
  corvid::Config config;
  if (auto error = corvid::load_config(config, argc, argv)) {
    std::fputs(error->c_str(), stderr);
    return 1;
  }
  if (config.daemonize) {
    // Redis's default, which init scripts and supervisors look for.
    if (config.pidfile.empty()) config.pidfile = "/var/run/redis.pid";
    if (!daemonize()) return 1;
  }
  corvid::configure_log(config.logfile, config.loglevel);
  std::signal(SIGPIPE, SIG_IGN);

  corvid::Server server(std::move(config));
  if (auto error = server.start()) {
    corvid::log_warning_lines(*error);
    return 1;
  }
  running_server = &server;
  corvid::install_crash_handler(server);
  corvid::update_proc_title(server.config());
  corvid::apply_thp_setting(server.config());
  corvid::apply_jemalloc_background_thread(server.config().jemalloc_bg_thread);
  struct sigaction action {};
  action.sa_handler = on_terminate;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  corvid::log_notice(std::string("Corvid version=") + CORVID_VERSION + ", Redis compatibility 7.0.15");
  corvid::show_logo_if_wanted(server.config());
  corvid::log_notice("Server initialized");
  int code = server.run();
  running_server = nullptr;
  return code;
}
