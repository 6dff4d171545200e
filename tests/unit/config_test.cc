// Unit tests for the configuration directive table: config file and command-line
// loading, CONFIG GET / SET / REWRITE. Every error string below was checked against
// redis-server 7.0.15 (the oracle) unless the test says it is Corvid's own refusal of a
// feature that is not built yet.

#include "server/config.h"
#include "server/client_eviction.h"
#include "db/key_change.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace corvid {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string fatal(int line, const std::string& text, const std::string& reason) {
  return "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line " +
         std::to_string(line) + "\n>>> '" + text + "'\n" + reason + "\n";
}

// Each test runs in a fresh temporary directory (load_config follows `dir` directives
// with chdir, as Redis does), and the working directory is put back afterwards.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char cwd[PATH_MAX];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    saved_cwd_ = cwd;
    char pattern[] = "/tmp/corvid-config-unit-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_EQ(chdir(dir_.c_str()), 0);
  }
  void TearDown() override {
    ASSERT_EQ(chdir(saved_cwd_.c_str()), 0);
    std::filesystem::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::optional<std::string> load(std::vector<std::string> args) {
    std::vector<std::string> storage = {"corvid-server"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : storage) argv.push_back(a.data());
    return load_config(config_, static_cast<int>(argv.size()), argv.data());
  }

  // Loads a config file with the given content (plus options).
  std::optional<std::string> load_file(const std::string& content, std::vector<std::string> options = {}) {
    write_text(path("redis.conf"), content);
    options.insert(options.begin(), path("redis.conf"));
    return load(options);
  }

  std::string get(std::string_view name) const {
    auto found = config_get(config_, {name});
    EXPECT_EQ(found.size(), 1u) << name;
    return found.empty() ? std::string("<missing>") : found[0].second;
  }

  std::optional<std::string> set(const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                                 const ConfigApply& apply = nullptr, bool local = false) {
    return config_set(config_, pairs, apply, local);
  }

  std::string saved_cwd_;
  std::string dir_;
  Config config_;
};

std::string set_failed(const std::string& name, const std::string& reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
}

// ---------------------------------------------------------------------------------------
// CONFIG GET

TEST_F(ConfigTest, DefaultsMatchRedis) {
  // `CONFIG GET *` of redis-server 7.0.15 with its defaults (dir left out: it is the
  // working directory), plus the directives Corvid takes from later Redis versions.
  const Pairs expected = {
      {"acl-pubsub-default", "resetchannels"},
      {"aclfile", ""},
      {"acllog-max-len", "128"},
      {"active-defrag-cycle-max", "25"},
      {"active-defrag-cycle-min", "1"},
      {"active-defrag-ignore-bytes", "104857600"},
      {"active-defrag-max-scan-fields", "1000"},
      {"active-defrag-threshold-lower", "10"},
      {"active-defrag-threshold-upper", "100"},
      {"active-expire-effort", "1"},
      {"activedefrag", "no"},
      {"activerehashing", "yes"},
      {"always-show-logo", "no"},
      {"aof-disable-auto-gc", "no"},
      {"aof-load-truncated", "yes"},
      {"aof-rewrite-incremental-fsync", "yes"},
      {"aof-timestamp-enabled", "no"},
      {"aof-use-rdb-preamble", "yes"},
      {"aof_rewrite_cpulist", ""},
      {"appenddirname", "appendonlydir"},
      {"appendfilename", "appendonly.aof"},
      {"appendfsync", "everysec"},
      {"appendonly", "no"},
      {"auto-aof-rewrite-min-size", "67108864"},
      {"auto-aof-rewrite-percentage", "100"},
      {"bgsave_cpulist", ""},
      {"bind", "* -::*"},
      {"bind-source-addr", ""},
      {"bio_cpulist", ""},
      {"busy-reply-threshold", "5000"},
      {"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
      {"client-query-buffer-limit", "1073741824"},
      {"cluster-allow-pubsubshard-when-down", "yes"},
      {"cluster-allow-reads-when-down", "no"},
      {"cluster-allow-replica-migration", "yes"},
      {"cluster-announce-bus-port", "0"},
      {"cluster-announce-hostname", ""},
      {"cluster-announce-ip", ""},
      {"cluster-announce-port", "0"},
      {"cluster-announce-tls-port", "0"},
      {"cluster-config-file", "nodes.conf"},
      {"cluster-enabled", "no"},
      {"cluster-link-sendbuf-limit", "0"},
      {"cluster-migration-barrier", "1"},
      {"cluster-node-timeout", "15000"},
      {"cluster-port", "0"},
      {"cluster-preferred-endpoint-type", "ip"},
      {"cluster-replica-no-failover", "no"},
      {"cluster-replica-validity-factor", "10"},
      {"cluster-require-full-coverage", "yes"},
      {"cluster-slave-no-failover", "no"},
      {"cluster-slave-validity-factor", "10"},
      {"crash-log-enabled", "yes"},
      {"crash-memcheck-enabled", "yes"},
      {"daemonize", "no"},
      {"databases", "16"},
      {"dbfilename", "dump.rdb"},
      {"disable-thp", "yes"},
      {"dynamic-hz", "yes"},
      {"enable-debug-command", "no"},
      {"enable-module-command", "no"},
      {"enable-protected-configs", "no"},
      {"hash-max-listpack-entries", "512"},
      {"hash-max-listpack-value", "64"},
      {"hash-max-ziplist-entries", "512"},
      {"hash-max-ziplist-value", "64"},
      {"hll-sparse-max-bytes", "3000"},
      {"hz", "10"},
      {"ignore-warnings", ""},
      {"io-threads", "1"},
      {"io-threads-do-reads", "no"},
      {"jemalloc-bg-thread", "yes"},
      {"latency-monitor-threshold", "0"},
      {"latency-tracking", "yes"},
      {"latency-tracking-info-percentiles", "50 99 99.9"},
      {"lazyfree-lazy-eviction", "no"},
      {"lazyfree-lazy-expire", "no"},
      {"lazyfree-lazy-server-del", "no"},
      {"lazyfree-lazy-user-del", "no"},
      {"lazyfree-lazy-user-flush", "no"},
      {"lfu-decay-time", "1"},
      {"lfu-log-factor", "10"},
      {"list-compress-depth", "0"},
      {"list-max-listpack-size", "-2"},
      {"list-max-ziplist-size", "-2"},
      {"logfile", ""},
      {"loglevel", "notice"},
      {"lua-time-limit", "5000"},
      {"masterauth", ""},
      {"masteruser", ""},
      {"maxclients", "10000"},
      {"maxmemory", "0"},
      {"maxmemory-clients", "0"},
      {"maxmemory-eviction-tenacity", "10"},
      {"maxmemory-policy", "noeviction"},
      {"maxmemory-samples", "5"},
      {"min-replicas-max-lag", "10"},
      {"min-replicas-to-write", "0"},
      {"min-slaves-max-lag", "10"},
      {"min-slaves-to-write", "0"},
      {"no-appendfsync-on-rewrite", "no"},
      {"notify-keyspace-events", ""},
      {"oom-score-adj", "no"},
      {"oom-score-adj-values", "0 200 800"},
      {"pidfile", ""},
      {"port", "6379"},
      {"proc-title-template", "{title} {listen-addr} {server-mode}"},
      {"propagation-error-behavior", "ignore"},
      {"protected-mode", "yes"},
      {"proto-max-bulk-len", "536870912"},
      {"rdb-del-sync-files", "no"},
      {"rdb-save-incremental-fsync", "yes"},
      {"rdbchecksum", "yes"},
      {"rdbcompression", "yes"},
      {"repl-backlog-size", "1048576"},
      {"repl-backlog-ttl", "3600"},
      {"repl-disable-tcp-nodelay", "no"},
      {"repl-diskless-load", "disabled"},
      {"repl-diskless-sync", "yes"},
      {"repl-diskless-sync-delay", "5"},
      {"repl-diskless-sync-max-replicas", "0"},
      {"repl-ping-replica-period", "10"},
      {"repl-ping-slave-period", "10"},
      {"repl-timeout", "60"},
      {"replica-announce-ip", ""},
      {"replica-announce-port", "0"},
      {"replica-announced", "yes"},
      {"replica-ignore-disk-write-errors", "no"},
      {"replica-ignore-maxmemory", "yes"},
      {"replica-lazy-flush", "no"},
      {"replica-priority", "100"},
      {"replica-read-only", "yes"},
      {"replica-serve-stale-data", "yes"},
      {"replicaof", ""},
      {"requirepass", ""},
      {"sanitize-dump-payload", "no"},
      {"save", "3600 1 300 100 60 10000"},
      {"server_cpulist", ""},
      {"set-max-intset-entries", "512"},
      {"set-max-listpack-entries", "128"},  // Redis 7.2
      {"set-max-listpack-value", "64"},     // Redis 7.2
      {"set-proc-title", "yes"},
      {"shutdown-on-sigint", "default"},
      {"shutdown-on-sigterm", "default"},
      {"shutdown-timeout", "10"},
      {"slave-announce-ip", ""},
      {"slave-announce-port", "0"},
      {"slave-ignore-maxmemory", "yes"},
      {"slave-lazy-flush", "no"},
      {"slave-priority", "100"},
      {"slave-read-only", "yes"},
      {"slave-serve-stale-data", "yes"},
      {"slaveof", ""},
      {"slowlog-log-slower-than", "10000"},
      {"slowlog-max-len", "128"},
      {"socket-mark-id", "0"},
      {"stop-writes-on-bgsave-error", "yes"},
      {"stream-node-max-bytes", "4096"},
      {"stream-node-max-entries", "100"},
      {"supervised", "no"},
      {"syslog-enabled", "no"},
      {"syslog-facility", "local0"},
      {"syslog-ident", "redis"},
      {"tcp-backlog", "511"},
      {"tcp-keepalive", "300"},
      {"timeout", "0"},
      {"tls-auth-clients", "yes"},
      {"tls-ca-cert-dir", ""},
      {"tls-ca-cert-file", ""},
      {"tls-cert-file", ""},
      {"tls-ciphers", ""},
      {"tls-ciphersuites", ""},
      {"tls-client-cert-file", ""},
      {"tls-client-key-file", ""},
      {"tls-client-key-file-pass", ""},
      {"tls-cluster", "no"},
      {"tls-dh-params-file", ""},
      {"tls-key-file", ""},
      {"tls-key-file-pass", ""},
      {"tls-port", "0"},
      {"tls-prefer-server-ciphers", "no"},
      {"tls-protocols", ""},
      {"tls-replication", "no"},
      {"tls-session-cache-size", "20480"},
      {"tls-session-cache-timeout", "300"},
      {"tls-session-caching", "yes"},
      {"tracking-table-max-keys", "1000000"},
      {"unixsocket", ""},
      {"unixsocketperm", "0"},
      {"zset-max-listpack-entries", "128"},
      {"zset-max-listpack-value", "64"},
      {"zset-max-ziplist-entries", "128"},
      {"zset-max-ziplist-value", "64"},
  };
  ASSERT_EQ(load({}), std::nullopt);
  auto all = config_get(config_, {"*"});
  Pairs got(all.begin(), all.end());
  std::sort(got.begin(), got.end());
  auto dir = std::find_if(got.begin(), got.end(), [](const auto& p) { return p.first == "dir"; });
  ASSERT_NE(dir, got.end());
  EXPECT_EQ(dir->second, dir_);
  got.erase(dir);
  EXPECT_EQ(got, expected);
}

TEST_F(ConfigTest, DefaultConfigWithoutLoadingStillAnswers) {
  Config fresh;
  auto found = config_get(fresh, {"save", "hash-max-listpack-entries", "client-output-buffer-limit", "bind"});
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0], (std::pair<std::string, std::string>{"save", "3600 1 300 100 60 10000"}));
  EXPECT_EQ(found[1].second, "512");
  EXPECT_EQ(found[2].second, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(found[3].second, "* -::*");
}

TEST_F(ConfigTest, GetNamesExactPatternsAsGivenAndListsEachNameOnce) {
  // Oracle: CONFIG GET PORT port -> only "PORT"; CONFIG GET Port P* -> "Port" once.
  auto found = config_get(config_, {"PORT", "port"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, "PORT");
  EXPECT_EQ(found[0].second, "6379");

  found = config_get(config_, {"Port", "P*"});
  EXPECT_EQ(found[0].first, "Port");
  EXPECT_EQ(std::count_if(found.begin(), found.end(), [](const auto& p) { return p.first == "port"; }), 0);
  EXPECT_EQ(found.size(), 6u);  // Port, pidfile, protected-mode, proto-max-bulk-len, proc-title-template, propagation-error-behavior

  EXPECT_TRUE(config_get(config_, {"nosuch"}).empty());
}

TEST_F(ConfigTest, AliasesAreNamesOfTheirOwn) {
  // Oracle: CONFIG GET * lists replicaof and slaveof; both exact names answer.
  auto all = config_get(config_, {"*"});
  EXPECT_EQ(all.size(), 194u);
  auto has = [&](std::string_view n) {
    return std::any_of(all.begin(), all.end(), [&](const auto& p) { return p.first == n; });
  };
  EXPECT_TRUE(has("replicaof"));
  EXPECT_TRUE(has("slaveof"));
  EXPECT_TRUE(has("lua-time-limit"));
  EXPECT_TRUE(has("hash-max-ziplist-entries"));

  auto found = config_get(config_, {"slaveof", "replicaof"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], (std::pair<std::string, std::string>{"slaveof", ""}));
  EXPECT_EQ(found[1], (std::pair<std::string, std::string>{"replicaof", ""}));

  found = config_get(config_, {"sl[a]veof"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, "slaveof");

  found = config_get(config_, {"slave-read*", "replica-read*"});
  ASSERT_EQ(found.size(), 2u);

  // The same directive under two spellings given exactly: both kept, first spelling wins.
  found = config_get(config_, {"Slave-read-only", "replica-read-only", "SLAVE-READ-ONLY"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].first, "Slave-read-only");
  EXPECT_EQ(found[1].first, "replica-read-only");
}

TEST_F(ConfigTest, HiddenDirectivesAnswerOnlyWhenNamed) {
  auto found = config_get(config_, {"key-load-delay"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].second, "0");
  found = config_get(config_, {"*delay*"});
  ASSERT_EQ(found.size(), 2u);  // repl-diskless-sync-delay, repl-disable-tcp-nodelay
  for (const auto& [name, value] : found) EXPECT_NE(name, "key-load-delay");
}

// ---------------------------------------------------------------------------------------
// CONFIG SET

TEST_F(ConfigTest, SetErrorsMatchRedis) {
  struct Case {
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    std::string error;
  };
  const std::string kNotInt = "argument couldn't be parsed into an integer";
  const std::string kPort = "argument must be between 0 and 65535 inclusive";
  const std::string kMem = "argument must be a memory value";
  const std::vector<Case> cases = {
      {{{"foo", "bar"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
      {{{"include", "x"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'include'"},
      {{{"list-max-ziplist-entries", "5"}},
       "ERR Unknown option or number of arguments for CONFIG SET - 'list-max-ziplist-entries'"},
      {{{"port", "abc"}}, set_failed("port", kNotInt)},
      {{{"port", "1.5"}}, set_failed("port", kNotInt)},
      {{{"port", "07"}}, set_failed("port", kNotInt)},
      {{{"port", "+7"}}, set_failed("port", kNotInt)},
      {{{"port", " 7"}}, set_failed("port", kNotInt)},
      {{{"port", ""}}, set_failed("port", kNotInt)},
      {{{"slowlog-log-slower-than", "-0"}}, set_failed("slowlog-log-slower-than", kNotInt)},
      {{{"slowlog-log-slower-than", "9223372036854775808"}}, set_failed("slowlog-log-slower-than", kNotInt)},
      {{{"slowlog-log-slower-than", "-2"}},
       set_failed("slowlog-log-slower-than", "argument must be between -1 and 9223372036854775807 inclusive")},
      {{{"port", "99999"}}, set_failed("port", kPort)},
      {{{"port", "-1"}}, set_failed("port", kPort)},
      {{{"maxclients", "0"}}, set_failed("maxclients", "argument must be between 1 and 4294967295 inclusive")},
      {{{"timeout", "2147483648"}}, set_failed("timeout", "argument must be between 0 and 2147483647 inclusive")},
      {{{"active-expire-effort", "11"}}, set_failed("active-expire-effort", "argument must be between 1 and 10 inclusive")},
      {{{"protected-mode", "maybe"}}, set_failed("protected-mode", "argument must be 'yes' or 'no'")},
      {{{"protected-mode", "1"}}, set_failed("protected-mode", "argument must be 'yes' or 'no'")},
      {{{"maxmemory", "1x"}}, set_failed("maxmemory", kMem)},
      {{{"maxmemory", "-1"}}, set_failed("maxmemory", kMem)},
      {{{"maxmemory", "1.5gb"}}, set_failed("maxmemory", kMem)},
      {{{"maxmemory", "1tb"}}, set_failed("maxmemory", kMem)},
      {{{"maxmemory", "+5"}}, set_failed("maxmemory", kMem)},
      {{{"maxmemory", " 5"}}, set_failed("maxmemory", kMem)},
      {{{"proto-max-bulk-len", "9223372036854775808"}},
       set_failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")},
      {{{"maxmemory-policy", "foo"}},
       set_failed("maxmemory-policy",
                  "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
                  "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction")},
      {{{"loglevel", "foo"}},
       set_failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")},
      {{{"daemonize", "yes"}}, set_failed("daemonize", "can't set immutable config")},
      {{{"unixsocketperm", "700"}}, set_failed("unixsocketperm", "can't set immutable config")},
      {{{"slaveof", "127.0.0.1 6379"}}, set_failed("slaveof", "can't set immutable config")},
      {{{"dir", "/tmp"}}, set_failed("dir", "can't set protected config")},
      {{{"dbfilename", "/a/b"}}, set_failed("dbfilename", "can't set protected config")},
      {{{"port", "1"}, {"port", "2"}}, set_failed("port", "duplicate parameter")},
      {{{"port", "1"}, {"PORT", "2"}}, set_failed("PORT", "duplicate parameter")},
      // Names are all checked before any value: the unknown name wins over the bad value.
      {{{"port", "abc"}, {"foo", "bar"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
      {{{"port", "abc"}, {"daemonize", "yes"}}, set_failed("daemonize", "can't set immutable config")},
      {{{"port", "1"}, {"port", "2"}, {"foo", "bar"}}, set_failed("port", "duplicate parameter")},
      {{{"port", "1"}, {"foo", "bar"}, {"port", "2"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
      {{{"save", "abc"}}, set_failed("save", "Invalid save parameters")},
      {{{"save", "100"}}, set_failed("save", "Invalid save parameters")},
      {{{"save", "  100 1"}}, set_failed("save", "Invalid save parameters")},
      {{{"client-output-buffer-limit", "foo 1 2 3"}},
       set_failed("client-output-buffer-limit", "Invalid client class specified in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "master 1 2 3"}},
       set_failed("client-output-buffer-limit", "Invalid client class specified in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "normal 1 2"}},
       set_failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "normal 1 2  3"}},
       set_failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "normal 1x 2 3"}},
       set_failed("client-output-buffer-limit",
                  "Error in hard, soft or soft_seconds setting in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "normal 1 2 -3"}},
       set_failed("client-output-buffer-limit",
                  "Error in hard, soft or soft_seconds setting in buffer limit configuration.")},
      {{{"client-output-buffer-limit", "normal 1 2 5x"}},
       set_failed("client-output-buffer-limit",
                  "Error in hard, soft or soft_seconds setting in buffer limit configuration.")},
      {{{"notify-keyspace-events", "xyz"}},
       set_failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")},
      {{{"appendonly", "maybe"}}, set_failed("appendonly", "argument must be 'yes' or 'no'")},
      {{{"maxmemory-clients", "101%"}}, set_failed("maxmemory-clients", "percentage argument must be less or equal to 100")},
      {{{"maxmemory-clients", "1.5%"}}, set_failed("maxmemory-clients", "argument must be a memory or percent value")},
      {{{"maxmemory-clients", "-1%"}}, set_failed("maxmemory-clients", "argument must be a memory or percent value")},
      {{{"shutdown-on-sigint", "save nosave"}},
       set_failed("shutdown-on-sigint", "shutdown options SAVE and NOSAVE can't be used simultaneously")},
      {{{"shutdown-on-sigint", ""}},
       set_failed("shutdown-on-sigint", "argument(s) must be one of the following: default, save, nosave, now, force")},
      {{{"latency-tracking-info-percentiles", "100.1"}},
       set_failed("latency-tracking-info-percentiles",
                  "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")},
      {{{"latency-tracking-info-percentiles", "inf"}},
       set_failed("latency-tracking-info-percentiles",
                  "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")},
      {{{"latency-tracking-info-percentiles", "nan"}},
       set_failed("latency-tracking-info-percentiles", "Invalid latency-tracking-info-percentiles parameters")},
      {{{"latency-tracking-info-percentiles", " 50"}},
       set_failed("latency-tracking-info-percentiles", "Invalid latency-tracking-info-percentiles parameters")},
      {{{"oom-score-adj-values", "1 2"}}, set_failed("oom-score-adj-values", "wrong number of arguments")},
      {{{"oom-score-adj-values", "a 0 0"}},
       set_failed("oom-score-adj-values", "Invalid oom-score-adj-values, elements must be between -2000 and 2000.")},
      {{{"oom-score-adj-values", "-2001 0 0"}},
       set_failed("oom-score-adj-values", "Invalid oom-score-adj-values, elements must be between -2000 and 2000.")},
      {{{"proc-title-template", "{title}"}},
       set_failed("proc-title-template", "template format is invalid or contains unknown variables")},
      {{{"proc-title-template", "{title} {foo}"}},
       set_failed("proc-title-template", "template format is invalid or contains unknown variables")},
      {{{"proc-title-template", "{title"}},
       set_failed("proc-title-template", "template format is invalid or contains unknown variables")},
      {{{"cluster-announce-hostname", "a b"}},
       set_failed("cluster-announce-hostname", "Hostnames may only contain alphanumeric characters, hyphens or dots")},
      {{{"loading-process-events-interval-bytes", "100"}},
       set_failed("loading-process-events-interval-bytes", "argument must be between 1024 and 2147483647 inclusive")},
      {{{"hash-max-listpack-entries", "4k"}}, set_failed("hash-max-listpack-entries", kNotInt)},
      {{{"enable-protected-configs", "yes"}}, set_failed("enable-protected-configs", "can't set immutable config")},
  };
  for (const Case& c : cases) {
    Config before = config_;
    EXPECT_EQ(set(c.pairs), c.error) << c.pairs[0].first << " " << c.pairs[0].second;
    EXPECT_EQ(config_get(config_, {"*"}), config_get(before, {"*"})) << "changed by a failed CONFIG SET";
  }
}

TEST_F(ConfigTest, SetStoresValuesAsRedisShowsThem) {
  struct Case {
    std::string_view name;
    std::string_view value;
    std::string shown;
  };
  const std::vector<Case> cases = {
      {"protected-mode", "YES", "yes"},
      {"loglevel", "WARNING", "warning"},
      {"maxmemory", "1GB", "1073741824"},
      {"maxmemory", "1kB", "1024"},
      {"maxmemory", "1K", "1000"},
      {"maxmemory", "10M", "10000000"},
      {"maxmemory", "1b", "1"},
      {"maxmemory", "007", "7"},
      // memtoull quirks clients can see: no digits is 0, too many saturate, units wrap.
      {"maxmemory", "", "0"},
      {"maxmemory", "k", "0"},
      {"maxmemory", "99999999999999999999999", "18446744073709551615"},
      {"maxmemory", "17179869184gb", "0"},
      {"maxmemory", "17179869183gb", "18446744072635809792"},
      {"hz", "0", "1"},
      {"hz", "1000", "500"},
      {"repl-backlog-size", "1", "16384"},
      {"hash-max-ziplist-value", "4k", "4000"},
      {"list-max-listpack-size", "-5", "-5"},
      {"client-output-buffer-limit", "normal 1k 2kb 3 pubsub 1 2 3",
       "normal 1000 2048 3 slave 268435456 67108864 60 pubsub 1 2 3"},
      {"client-output-buffer-limit", "replica 1 2 3", "normal 1000 2048 3 slave 1 2 3 pubsub 1 2 3"},
      {"client-output-buffer-limit", "NORMAL 1 2 +5", "normal 1 2 5 slave 1 2 3 pubsub 1 2 3"},
      {"client-output-buffer-limit", "", "normal 1 2 5 slave 1 2 3 pubsub 1 2 3"},
      {"client-output-buffer-limit", "pubsub 1 2 ", "normal 1 2 5 slave 1 2 3 pubsub 1 2 0"},
      {"shutdown-on-sigint", "nosave force now", "nosave now force"},
      {"shutdown-on-sigint", "SAVE", "save"},
      {"shutdown-on-sigint", "default now", "now"},
      {"shutdown-on-sigint", "default", "default"},
      {"latency-tracking-info-percentiles", "99.90 1", "99.9 1"},
      {"latency-tracking-info-percentiles", "1e1 0x10", "10 16"},
      {"latency-tracking-info-percentiles", "0.0001 99.9999999 0.0000001", "0.0001 100 0"},
      {"latency-tracking-info-percentiles", "99.123456789", "99.123457"},
      {"latency-tracking-info-percentiles", "", ""},
      {"oom-score-adj-values", "07 +1 0", "7 1 0"},
      {"proc-title-template", "{{title}", "{{title}"},
      {"proc-title-template", "{port}", "{port}"},
      {"maxmemory-clients", "0%", "0"},
      {"maxmemory-clients", "10%", "10%"},
      {"maxmemory-clients", "1mb", "1048576"},
      {"bind", "127.0.0.1 ::1", "127.0.0.1 ::1"},
      {"bind", "", ""},
      {"requirepass", "a b", "a b"},
      {"appendfsync", "ALWAYS", "always"},
      {"lua-time-limit", "100", "100"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(set({{c.name, c.value}}), std::nullopt) << c.name << " " << c.value;
    EXPECT_EQ(get(c.name), c.shown) << c.name << " " << c.value;
  }
  EXPECT_EQ(get("busy-reply-threshold"), "100");
  EXPECT_TRUE(config_.bind.empty());
  EXPECT_EQ(config_.requirepass, "a b");
  EXPECT_EQ(config_.output_limit_pubsub.soft_seconds, 0);
  EXPECT_EQ(config_.output_limit_replica.hard_bytes, 1u);
  EXPECT_EQ(config_.maxmemory_policy, "noeviction");
  EXPECT_EQ(config_.hash_max_listpack_value, 4000u);
  EXPECT_EQ(get("hash-max-ziplist-value"), "4000");
}

TEST_F(ConfigTest, NotifyKeyspaceEventsIsABitmaskShownInRedisOrder) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"KEA", "AKE"}, {"KEAmn", "AKEm"}, {"nm", "nm"}, {"Kg$lshzxetd", "AK"}, {"Kgs", "gsK"}, {"E$", "$E"},
      {"EK", "KE"},   {"KEn", "nKE"},    {"Ad", "A"},  {"tdn", "tdn"},       {"", ""},
  };
  for (const auto& [given, shown] : cases) {
    EXPECT_EQ(set({{"notify-keyspace-events", given}}), std::nullopt) << given;
    EXPECT_EQ(get("notify-keyspace-events"), shown) << given;
  }
  // "A" leaves out m and n; the shown form drops n beside A, but the class stays on.
  ASSERT_EQ(set({{"notify-keyspace-events", "KEAn"}}), std::nullopt);
  EXPECT_EQ(get("notify-keyspace-events"), "AKE");
  EXPECT_EQ(config_.notify_keyspace_events,
            kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZSet | kEventExpired |
                kEventEvicted | kEventStream | kEventModule | kEventNew | kNotifyKeyspace | kNotifyKeyevent);
  ASSERT_EQ(set({{"notify-keyspace-events", "Ex"}}), std::nullopt);
  EXPECT_EQ(config_.notify_keyspace_events, kEventExpired | kNotifyKeyevent);
  // A bad letter changes nothing.
  EXPECT_NE(set({{"notify-keyspace-events", "KEw"}}), std::nullopt);
  EXPECT_EQ(config_.notify_keyspace_events, kEventExpired | kNotifyKeyevent);
}

TEST_F(ConfigTest, SetAcceptsAliasAndCanonicalNameTogether) {
  // Oracle: "replica-read-only yes slave-read-only no" is not a duplicate; last one wins.
  EXPECT_EQ(set({{"replica-read-only", "no"}, {"slave-read-only", "yes"}}), std::nullopt);
  EXPECT_EQ(get("replica-read-only"), "yes");
  EXPECT_EQ(set({{"lua-time-limit", "7"}, {"busy-reply-threshold", "9"}}), std::nullopt);
  EXPECT_EQ(get("busy-reply-threshold"), "9");
  EXPECT_EQ(set({{"appendonly", "no"}, {"appendonly", "no"}}), set_failed("appendonly", "duplicate parameter"));
}

TEST_F(ConfigTest, SetIsAllOrNothing) {
  EXPECT_EQ(set({{"hz", "5"}, {"timeout", "30"}, {"port", "abc"}}),
            set_failed("port", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(config_.hz, 10);
  EXPECT_EQ(config_.timeout, 0);
}

TEST_F(ConfigTest, ApplyFailureRestoresEveryValue) {
  std::vector<std::string> calls;
  std::vector<int> ports_seen;
  auto apply = [&](std::string_view name) -> std::optional<std::string> {
    calls.emplace_back(name);
    ports_seen.push_back(config_.port);
    if (name == "port" && config_.port == 7000) return std::string("Unable to listen on this port. Check server logs.");
    return std::nullopt;
  };
  // Oracle: CONFIG SET PORT <port in use> names the canonical 'port' and keeps hz.
  EXPECT_EQ(set({{"hz", "7"}, {"PORT", "7000"}}, apply),
            set_failed("port", "Unable to listen on this port. Check server logs."));
  EXPECT_EQ(config_.hz, 10);
  EXPECT_EQ(config_.port, 6379);
  // hz and port applied with the new values, then both again with the old ones.
  EXPECT_EQ(calls, (std::vector<std::string>{"hz", "port", "hz", "port"}));
  EXPECT_EQ(ports_seen, (std::vector<int>{7000, 7000, 6379, 6379}));
}

TEST_F(ConfigTest, ApplyIsCalledOnlyForChangedValuesUnderTheirCanonicalName) {
  std::vector<std::string> calls;
  auto apply = [&](std::string_view name) -> std::optional<std::string> {
    calls.emplace_back(name);
    return std::nullopt;
  };
  EXPECT_EQ(set({{"port", "6379"}, {"hz", "11"}, {"lua-time-limit", "99"}, {"bind", "* -::*"}}, apply), std::nullopt);
  EXPECT_EQ(calls, (std::vector<std::string>{"hz", "busy-reply-threshold"}));
}

TEST_F(ConfigTest, ProtectedDirectivesFollowEnableProtectedConfigs) {
  ASSERT_EQ(load({}), std::nullopt);
  std::filesystem::create_directory(path("sub"));
  config_.enable_protected_configs = ProtectedAccess::Local;
  EXPECT_EQ(set({{"dir", "sub"}}, nullptr, /*local=*/false), set_failed("dir", "can't set protected config"));
  EXPECT_EQ(set({{"dir", "sub"}}, nullptr, /*local=*/true), std::nullopt);
  EXPECT_EQ(config_.dir, dir_ + "/sub");
  config_.enable_protected_configs = ProtectedAccess::Yes;
  EXPECT_EQ(set({{"dir", "/nonexistent"}}), set_failed("dir", "No such file or directory"));
  EXPECT_EQ(set({{"dir", ""}}), set_failed("dir", "No such file or directory"));
  write_text(path("file"), "x");
  EXPECT_EQ(set({{"dir", path("file")}}), set_failed("dir", "Not a directory"));
  EXPECT_EQ(set({{"dbfilename", "a/b"}}), set_failed("dbfilename", "dbfilename can't be a path, just a filename"));
  EXPECT_EQ(set({{"dbfilename", "x.rdb"}}), std::nullopt);
  EXPECT_EQ(get("dbfilename"), "x.rdb");
}

TEST_F(ConfigTest, EveryEvictionPolicyIsAccepted) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                             "allkeys-lfu", "allkeys-random", "NOEVICTION"}) {
    EXPECT_EQ(set({{"maxmemory-policy", policy}}), std::nullopt) << policy;
  }
}

TEST_F(ConfigTest, FeaturesNotBuiltAcceptOnlyTheirOffValue) {
  // Corvid's own refusals: the directive and value are named, then why.
  EXPECT_EQ(set({{"tls-replication", "yes"}}),
            set_failed("tls-replication", "tls-replication yes: TLS for replication links is not supported yet"));
  EXPECT_EQ(set({{"tls-cluster", "yes"}}),
            set_failed("tls-cluster", "tls-cluster yes: TLS for the cluster bus is not supported yet"));
  EXPECT_EQ(set({{"activerehashing", "no"}}),
            set_failed("activerehashing", "activerehashing no: turning active rehashing off is not supported yet"));
  EXPECT_EQ(set({{"min-slaves-to-write", "1"}}),
            set_failed("min-slaves-to-write", "min-slaves-to-write 1: replication is not supported yet"));
  // Tuning of features that are off is simply stored.
  EXPECT_EQ(set({{"repl-backlog-size", "2mb"}, {"repl-timeout", "5"}, {"appendfsync", "no"}}), std::nullopt);
  EXPECT_EQ(config_fixed_int(config_, "repl-backlog-size"), 2097152);
  EXPECT_EQ(config_fixed_value(config_, "repl-timeout"), "5");
  EXPECT_EQ(config_fixed_value(config_, "port"), "");  // a Config field, not a fixed value
}

// ---------------------------------------------------------------------------------------
// Loading

TEST_F(ConfigTest, FileErrorsUseRedisFatalFormat) {
  struct Case {
    std::string file;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"foo bar\n", fatal(1, "foo bar", "Bad directive or wrong number of arguments")},
      {"# c\n\nport 99999\n", fatal(3, "port 99999", "argument must be between 0 and 65535 inclusive")},
      {"port abc\n", fatal(1, "port abc", "argument couldn't be parsed into an integer")},
      {"  port   abc  \n", fatal(1, "port   abc", "argument couldn't be parsed into an integer")},
      {"port abc\r\n", fatal(1, "port abc", "argument couldn't be parsed into an integer")},
      {"PORT abc\n", fatal(1, "PORT abc", "argument couldn't be parsed into an integer")},
      {"port 1 2\n", fatal(1, "port 1 2", "wrong number of arguments")},
      {"port\n", fatal(1, "port", "wrong number of arguments")},
      {"hz 5 # comment\n", fatal(1, "hz 5 # comment", "wrong number of arguments")},
      {"protected-mode maybe\n", fatal(1, "protected-mode maybe", "argument must be 'yes' or 'no'")},
      {"port \"1\n", fatal(1, "port \"1", "Unbalanced quotes in configuration line")},
      {"port \"1\"x\n", fatal(1, "port \"1\"x", "Unbalanced quotes in configuration line")},
      {"port '1\n", fatal(1, "port '1", "Unbalanced quotes in configuration line")},
      {"\"\"\n", fatal(1, "\"\"", "Bad directive or wrong number of arguments")},
      {"include\n", fatal(1, "include", "Bad directive or wrong number of arguments")},
      {"include a b\n", fatal(1, "include a b", "Bad directive or wrong number of arguments")},
      {"list-max-ziplist-entries 1 2\n",
       fatal(1, "list-max-ziplist-entries 1 2", "Bad directive or wrong number of arguments")},
      {"lua-replicate-commands\n", fatal(1, "lua-replicate-commands", "Bad directive or wrong number of arguments")},
      {"sentinel monitor a b c d\n", fatal(1, "sentinel monitor a b c d", "sentinel directive while not in sentinel mode")},
      {"rename-command a b c\n", fatal(1, "rename-command a b c", "Bad directive or wrong number of arguments")},
      {"user\n", fatal(1, "user", "Bad directive or wrong number of arguments")},
      {"loadmodule\n", fatal(1, "loadmodule", "Bad directive or wrong number of arguments")},
      {"replicaof a\n", fatal(1, "replicaof a", "wrong number of arguments")},
      {"replicaof 127.0.0.1 x\n", fatal(1, "replicaof 127.0.0.1 x", "Invalid master port")},
      {"replicaof h 65536\n", fatal(1, "replicaof h 65536", "Invalid master port")},
      {"unixsocketperm 1777\n", fatal(1, "unixsocketperm 1777", "argument must be between 0 and 777 inclusive")},
      {"unixsocketperm -1\n", fatal(1, "unixsocketperm -1", "argument must be between 0 and 777 inclusive")},
      {"unixsocketperm 999\n", fatal(1, "unixsocketperm 999", "argument couldn't be parsed as an octal number")},
      {"unixsocketperm 0x1\n", fatal(1, "unixsocketperm 0x1", "argument couldn't be parsed as an octal number")},
      {"unixsocketperm 7777777777777777777777777\n",
       fatal(1, "unixsocketperm 7777777777777777777777777", "argument couldn't be parsed as an octal number")},
      {"save 0 0\n", fatal(1, "save 0 0", "Invalid save parameters")},
      {"save 1\n", fatal(1, "save 1", "Invalid save parameters")},
      {"save \"\" \"\"\n", fatal(1, "save \"\" \"\"", "Invalid save parameters")},
      {"latency-tracking-info-percentiles \"1 2\" 3\n",
       fatal(1, "latency-tracking-info-percentiles \"1 2\" 3", "Invalid latency-tracking-info-percentiles parameters")},
      {"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
       fatal(1, "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified.")},
      {"client-output-buffer-limit \"\"\n",
       fatal(1, "client-output-buffer-limit \"\"", "Wrong number of arguments in buffer limit configuration.")},
      {"appendfilename \"\"\n", fatal(1, "appendfilename \"\"", "appendfilename can't be empty")},
      {"appendfilename a/b\n", fatal(1, "appendfilename a/b", "appendfilename can't be a path, just a filename")},
      {"appenddirname a/b\n", fatal(1, "appenddirname a/b", "appenddirname can't be a path, just a dirname")},
      {"dir /nonexistent\n", fatal(1, "dir /nonexistent", "No such file or directory")},
      {"dir \"\"\n", fatal(1, "dir \"\"", "No such file or directory")},
      {"enable-debug-command foo\n",
       fatal(1, "enable-debug-command foo", "argument(s) must be one of the following: no, yes, local")},
      // Corvid's own refusals of features that are not built yet.
      {"slaveof 127.0.0.1 6379\n",
       fatal(1, "slaveof 127.0.0.1 6379", "slaveof 127.0.0.1 6379: replication is not supported yet")},
      {"cluster-enabled yes\n", fatal(1, "cluster-enabled yes", "cluster-enabled yes: cluster mode is not supported yet")},
      {"io-threads 4\n", fatal(1, "io-threads 4", "io-threads 4: I/O threads are not supported yet")},
      {"rename-command nosuch x\n", fatal(1, "rename-command nosuch x", "No such command in rename-command")},
      {"rename-command get set\n", fatal(1, "rename-command get set", "Target command name already exists")},
      {"rename-command get g2\nrename-command get g3\n",
       fatal(2, "rename-command get g3", "No such command in rename-command")},
      {"loadmodule /x.so\n", fatal(1, "loadmodule /x.so", "loadmodule /x.so: modules are not supported yet")},
      {"user bob on\nuser bob off\n",
       fatal(2, "user bob off",
             "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files")},
      {"user bob on (+get\n",
       fatal(1, "user bob on (+get", "Error in user declaration 'bob': Unknown command or category name in ACL")},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(load_file(c.file), c.error) << c.file;
  }
}

TEST_F(ConfigTest, ParsesQuotingCommentsAndListsLikeRedisConf) {
  const std::string file =
      "# comment\n"
      "   # indented comment\n"
      "\n"
      "requirepass \"\\x4G\\q\\x41\\t\"\n"
      "masterauth 'a\\'b\\x41\\n'\n"
      "masteruser a\"b c\"\n"
      "bind \"127.0.0.1 ::1\"\n"
      "save \"\"\n"
      "latency-tracking-info-percentiles \"1 2\"\n"
      "client-output-buffer-limit normal 1 2 3 pubsub 1 1 1\n"
      "client-output-buffer-limit normal 5 5 5\n"
      "unixsocketperm 0700\n"
      "list-max-ziplist-entries 5\n"
      "lua-replicate-commands yes\n"
      "sentinel\n"
      "user default on nopass ~* &* +@all\n"
      "replicaof NO ONE\n"
      "slave-lazy-flush yes\n"
      "enable-debug-command LOCAL\n"
      "hz 0\n"
      "repl-backlog-size 1\n";
  ASSERT_EQ(load_file(file), std::nullopt);
  EXPECT_EQ(config_.requirepass, "x4GqA\t");
  EXPECT_EQ(get("masterauth"), "a'b\\x41\\n");
  EXPECT_EQ(get("masteruser"), "ab c");
  EXPECT_EQ(config_.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(get("latency-tracking-info-percentiles"), "1 2");
  EXPECT_EQ(get("client-output-buffer-limit"), "normal 5 5 5 slave 268435456 67108864 60 pubsub 1 1 1");
  EXPECT_EQ(config_.unixsocketperm, 0700u);
  EXPECT_EQ(get("unixsocketperm"), "700");
  EXPECT_EQ(get("replicaof"), "");
  EXPECT_EQ(get("replica-lazy-flush"), "yes");
  EXPECT_EQ(config_.enable_debug_command, ProtectedAccess::Local);
  EXPECT_EQ(config_.hz, 1);
  EXPECT_EQ(get("repl-backlog-size"), "1");  // the 16kb floor applies only to CONFIG SET
  EXPECT_EQ(config_.config_file, path("redis.conf"));
}

TEST_F(ConfigTest, SaveLinesInAFileReplaceTheDefaultsThenAddUp) {
  // Oracle: redis-server 7.0.15 with these files, CONFIG GET save.
  ASSERT_EQ(load_file("port 7000\n"), std::nullopt);
  EXPECT_EQ(get("save"), "3600 1 300 100 60 10000");
  ASSERT_EQ(load_file("save 100 1\nsave 200 2\n"), std::nullopt);
  EXPECT_EQ(get("save"), "100 1 200 2");
  EXPECT_EQ(config_.save_points, (std::vector<SavePoint>{{100, 1}, {200, 2}}));
  ASSERT_EQ(load_file("save 100 1\nsave \"\"\nsave 5 5\n"), std::nullopt);
  EXPECT_EQ(get("save"), "5 5");
  ASSERT_EQ(load_file("save 100 1 200 2\nsave \"\"\n"), std::nullopt);
  EXPECT_TRUE(config_.save_points.empty());
  // CONFIG SET replaces the whole list; a rewrite writes one line per point, or save "".
  ASSERT_EQ(set({{"save", "10 1 20 2"}}), std::nullopt);
  EXPECT_EQ(get("save"), "10 1 20 2");
  ASSERT_EQ(config_rewrite(config_, {}), std::nullopt);
  EXPECT_NE(read_text(path("redis.conf")).find("save 10 1\nsave 20 2\n"), std::string::npos);
  ASSERT_EQ(set({{"save", ""}}), std::nullopt);
  ASSERT_EQ(config_rewrite(config_, {}), std::nullopt);
  EXPECT_NE(read_text(path("redis.conf")).find("save \"\"\n"), std::string::npos);
}

TEST_F(ConfigTest, EmptyListsInFiles) {
  ASSERT_EQ(load_file("bind\nsave\nclient-output-buffer-limit\nlatency-tracking-info-percentiles \"\"\n"), std::nullopt);
  EXPECT_TRUE(config_.bind.empty());
  EXPECT_EQ(get("save"), "");
  EXPECT_EQ(get("latency-tracking-info-percentiles"), "");
}

TEST_F(ConfigTest, CommandLineOptionsBecomeLinesAfterTheFile) {
  // Oracle: redis-server --port abc -> line 2 'port "abc"'; with a 4-line file, line 6.
  EXPECT_EQ(load({"--port", "abc"}), fatal(2, "port \"abc\"", "argument couldn't be parsed into an integer"));
  write_text(path("ok.conf"), "port 17201\n\n# x\nhz 5\n");
  EXPECT_EQ(load({path("ok.conf"), "--port", "abc"}),
            fatal(6, "port \"abc\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(load({path("ok.conf"), "--hz", "5", "--port", "abc"}),
            fatal(7, "port \"abc\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(load({path("ok.conf"), "extra", "--port", "abc"}),
            fatal(6, "\"extra\"", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(load({"--bind", "127.0.0.1", "::1", "--port", "abc"}),
            fatal(3, "port \"abc\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(load({"--foo"}), fatal(2, "foo", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(load({"--port"}), fatal(2, "port", "wrong number of arguments"));
  EXPECT_EQ(load({"--port", "1", "2"}), fatal(2, "port \"1\" \"2\"", "wrong number of arguments"));
  EXPECT_EQ(load({"--port", "17202", "extra"}), fatal(2, "port \"17202\" \"extra\"", "wrong number of arguments"));
  // A lone "--name" takes the next argument as its value even if it starts with "--" ...
  EXPECT_EQ(load({"--port", "--hz", "5"}), fatal(2, "port \"--hz\" \"5\"", "wrong number of arguments"));
  // ... except --save, which then means save "".
  EXPECT_EQ(load({"--save", "--port", "1", "2"}), fatal(3, "port \"1\" \"2\"", "wrong number of arguments"));
  EXPECT_EQ(load({"--port", "17209", "-", "--hz"}), fatal(2, "port \"17209\" \"-\"", "wrong number of arguments"));
  EXPECT_EQ(load({"--port abc"}), fatal(2, "port abc", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(load({"--loglevel", "", "--port", "1", "2"}),
            fatal(2, "loglevel \"\"", "argument(s) must be one of the following: debug, verbose, notice, warning"));
  EXPECT_EQ(load({"--hz", "a\tb\x01"}), fatal(2, "hz \"a\\tb\\x01\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(load({"-x", "--hz", "x"}), fatal(2, "\"-x\"", "Bad directive or wrong number of arguments"));

  ASSERT_EQ(load({"--port", "7000", "--bind", "127.0.0.1", "::1", "--save", "--maxmemory", "1mb", "--requirepass",
                  "a\"b\\c"}),
            std::nullopt);
  EXPECT_EQ(config_.port, 7000);
  EXPECT_EQ(config_.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(config_.maxmemory, 1048576u);
  EXPECT_EQ(config_.requirepass, "a\"b\\c");
  EXPECT_EQ(config_.config_file, "");
  ASSERT_EQ(load({"--port", "7001", "--save"}), std::nullopt);
  EXPECT_EQ(get("save"), "");
}

TEST_F(ConfigTest, ConfigFileThatCannotBeOpened) {
  // Redis logs this one (with the absolute path) instead of the FATAL block.
  EXPECT_EQ(load({"nonexist.conf"}),
            "Fatal error, can't open config file '" + dir_ + "/nonexist.conf': No such file or directory\n");
  EXPECT_EQ(load({"./nonexist.conf"}),
            "Fatal error, can't open config file '" + dir_ + "/./nonexist.conf': No such file or directory\n");
  std::string parent = dir_.substr(dir_.rfind('/') + 1);
  EXPECT_EQ(load({"../" + parent + "/nonexist.conf"}),
            "Fatal error, can't open config file '" + dir_ + "/nonexist.conf': No such file or directory\n");
  EXPECT_EQ(load_file("include /nonexist\n"),
            "Fatal error, can't open config file '/nonexist': No such file or directory\n");
}

TEST_F(ConfigTest, IncludesUseTheirOwnLineNumbers) {
  write_text(path("inc.conf"), "hz 5\nport abc\n");
  EXPECT_EQ(load_file("#\ninclude " + path("inc.conf") + "\n"),
            fatal(2, "port abc", "argument couldn't be parsed into an integer"));
  // Relative includes follow the working directory.
  EXPECT_EQ(load_file("include inc.conf\n"), fatal(2, "port abc", "argument couldn't be parsed into an integer"));

  std::filesystem::create_directory(path("incd"));
  write_text(path("incd/a.conf"), "hz 7\n");
  write_text(path("incd/b.conf"), "hz 8\ntimeout 9\n");
  ASSERT_EQ(load_file("include " + path("incd/*.conf") + "\n"), std::nullopt);
  EXPECT_EQ(config_.hz, 8);
  EXPECT_EQ(config_.timeout, 9);
  ASSERT_EQ(load_file("include " + path("incd/nomatch*.conf") + "\n"), std::nullopt);
  EXPECT_EQ(config_.hz, 10);
}

TEST_F(ConfigTest, DirChangesTheWorkingDirectoryWhileLoading) {
  std::filesystem::create_directory(path("data"));
  write_text(path("data/inc.conf"), "hz 12\n");
  ASSERT_EQ(load_file("dir data\ninclude inc.conf\n"), std::nullopt);
  EXPECT_EQ(config_.hz, 12);
  EXPECT_EQ(config_.dir, dir_ + "/data");
  EXPECT_EQ(get("dir"), dir_ + "/data");
  write_text(path("x"), "");
  EXPECT_EQ(load_file("dir " + path("x") + "\n"), fatal(1, "dir " + path("x"), "Not a directory"));
}

TEST_F(ConfigTest, LogFileIsCheckedAfterLoading) {
  // Oracle: no line number for this one.
  EXPECT_EQ(load_file("logfile /nonexistent/x\n"),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
  EXPECT_EQ(load_file("logfile " + dir_ + "\n"),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: Is a directory\n");
  EXPECT_EQ(load_file("logfile corvid.log\n"), std::nullopt);
  EXPECT_TRUE(std::filesystem::exists(path("corvid.log")));
}

TEST_F(ConfigTest, ReadsStdinForDash) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string text = "hz x\n";
  ASSERT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fds[1]);
  int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  close(fds[0]);
  auto error = load({"-", "--port", "7000"});
  dup2(saved, STDIN_FILENO);
  close(saved);
  clearerr(stdin);
  EXPECT_EQ(error, fatal(1, "hz x", "argument couldn't be parsed into an integer"));
}

// ---------------------------------------------------------------------------------------
// CONFIG REWRITE

TEST_F(ConfigTest, RewriteWithoutConfigFile) {
  ASSERT_EQ(load({"--port", "7000"}), std::nullopt);
  EXPECT_EQ(config_rewrite(config_, {}), "ERR The server is running without a config file");
}

TEST_F(ConfigTest, RewriteKeepsTheFileAndUpdatesInPlace) {
  // The file and CONFIG SETs of an oracle run; Redis also appends a `user default ...`
  // ACL line, and appends in its own (hash) order.
  const std::string original =
      "# top comment\n"
      "port 17208\n"
      "   # indented comment\n"
      "\n"
      "hz 10\n"
      "hz 20\n"
      "maxmemory 1gb\n"
      "save \"\"\n"
      "bind 127.0.0.1\n"
      "timeout 0\n"
      "lua-time-limit 6000\n"
      "client-output-buffer-limit normal 0 0 0\n"
      "client-output-buffer-limit pubsub 32mb 8mb 60\n"
      "list-max-ziplist-entries 5\n"
      "loglevel \"notice\"\n"
      "requirepass \"a b\"\n";
  ASSERT_EQ(load_file(original), std::nullopt);
  // Lines added to the file while the server runs.
  {
    std::ofstream out(path("redis.conf"), std::ios::app);
    out << "foo bar\n  include /tmp/x.conf\nslave-read-only no\nPORT 17208\n\"hz\" 11\nrename-command a b\n"
           "loadmodule /x.so\nsentinel foo\nuser bob on\nport \"17208\n\t# tab comment\n\n\n\n";
  }
  ASSERT_EQ(set({{"maxmemory", "2048"},
                 {"timeout", "5"},
                 {"hz", "10"},
                 {"client-output-buffer-limit", "pubsub 1025 2mb 0"},
                 {"slowlog-max-len", "1000"},
                 {"proto-max-bulk-len", "1073741824"},
                 {"loglevel", "verbose"},
                 {"requirepass", "x\"y\\z"},
                 {"appendfsync", "always"},
                 {"shutdown-on-sigint", "nosave now"}}),
            std::nullopt);
  // The ACL's users: the first takes the file's user line, the other is appended last.
  const std::vector<std::string> users = {"user bob on resetchannels -@all", "user default on nopass ~* &* +@all"};
  ASSERT_EQ(config_rewrite(config_, users), std::nullopt);
  const std::string expected =
      "# top comment\n"
      "port 17208\n"
      "# indented comment\n"
      "\n"
      "hz 10\n"
      "\n"  // the second hz line, blanked
      "maxmemory 2kb\n"
      "save \"\"\n"
      "bind 127.0.0.1\n"
      "timeout 5\n"
      "busy-reply-threshold 6000\n"
      // Each class takes the next old line; pubsub, changed, is appended.
      "client-output-buffer-limit normal 0 0 0\n"
      "client-output-buffer-limit replica 256mb 64mb 60\n"
      "# ??? list-max-ziplist-entries 5\n"
      "loglevel verbose\n"
      "requirepass \"x\\\"y\\\\z\"\n"
      "# ??? foo bar\n"
      "include /tmp/x.conf\n"
      "replica-read-only yes\n"
      "\n"  // PORT 17208, "hz" 11: blanked
      "rename-command a b\n"
      "\n"  // loadmodule: no module is loaded
      "sentinel foo\n"
      "user bob on resetchannels -@all\n"
      "# ??? port \"17208\n"
      "# tab comment\n"
      "\n"
      "# Generated by CONFIG REWRITE\n"
      "proto-max-bulk-len 1gb\n"
      "client-output-buffer-limit pubsub 1025 2mb 0\n"
      "slowlog-max-len 1000\n"
      "latency-tracking-info-percentiles 50 99 99.9\n"
      "shutdown-on-sigint nosave now\n"
      "dir \"" + dir_ + "\"\n"
      "appendfsync always\n"
      "user default on nopass ~* &* +@all\n";
  EXPECT_EQ(read_text(path("redis.conf")), expected);

  // A second rewrite changes nothing, and the file still loads.
  ASSERT_EQ(config_rewrite(config_, users), std::nullopt);
  EXPECT_EQ(read_text(path("redis.conf")), expected);
}

TEST_F(ConfigTest, RewriteFormatsSpecialDirectives) {
  ASSERT_EQ(load_file("unixsocketperm 0700\nunixsocket /tmp/x.sock\nreplicaof no one\nlogfile \"\"\n"
                      "notify-keyspace-events \"\"\noom-score-adj-values 0 200 800\ntcp-keepalive 300\n"),
            std::nullopt);
  ASSERT_EQ(set({{"oom-score-adj-values", "1 2 3"},
                 {"tcp-keepalive", "60"},
                 {"latency-tracking-info-percentiles", "50"},
                 {"bind", "127.0.0.1 ::1"},
                 {"requirepass", "foo"}}),
            std::nullopt);
  ASSERT_EQ(config_rewrite(config_, {}), std::nullopt);
  EXPECT_EQ(read_text(path("redis.conf")),
            "unixsocketperm 700\n"
            "unixsocket \"/tmp/x.sock\"\n"
            "\n"  // replicaof no one: not a replica, the line goes
            "logfile \"\"\n"
            "notify-keyspace-events \"\"\n"
            "oom-score-adj-values 1 2 3\n"
            "tcp-keepalive 60\n"
            "\n"
            "# Generated by CONFIG REWRITE\n"
            "bind 127.0.0.1 ::1\n"
            "requirepass \"foo\"\n"
            "latency-tracking-info-percentiles 50\n"
            "dir \"" + dir_ + "\"\n"
            "save 3600 1\nsave 300 100\nsave 60 10000\n");
}

TEST(ConfigRewriteText, UsersTakeTheUserLinesInOrderOrGoWithAnAclFile) {
  Config config;
  config.port = 7000;
  const std::string old_text = "user zed on\nport 7000\nuser alice on\nuser bob off\n";
  const std::vector<std::string> users = {"user alice on nopass", "user default on nopass ~* &* +@all"};
  const std::string rewritten = config_rewrite_text(config, old_text, users);
  EXPECT_TRUE(rewritten.starts_with("user alice on nopass\nport 7000\nuser default on nopass ~* &* +@all\n\n"))
      << rewritten;
  EXPECT_EQ(rewritten.find("zed"), std::string::npos);
  EXPECT_EQ(rewritten.find("bob"), std::string::npos);
  // bind addresses are written unquoted, as Redis writes them, unless they would not read
  // back so.
  Config binding;
  binding.bind = {"127.0.0.1", "a\rb", "-::1"};
  EXPECT_TRUE(config_rewrite_text(binding, "bind x\n", {}).starts_with("bind 127.0.0.1 \"a\\rb\" -::1\n"));
  // More users than lines: the rest come after every directive.
  const std::string appended = config_rewrite_text(config, "port 7000\n", users);
  EXPECT_TRUE(appended.ends_with("\nuser alice on nopass\nuser default on nopass ~* &* +@all\n")) << appended;
  // With an aclfile the users live there: no user line is written and the old ones go.
  config.aclfile = "/tmp/users.acl";
  const std::string with_file = config_rewrite_text(config, old_text, users);
  EXPECT_TRUE(with_file.starts_with("\nport 7000\n")) << with_file;
  EXPECT_EQ(with_file.find("user "), std::string::npos) << with_file;
}

TEST(LoadConfigText, ReadsLinesWithoutFiles) {
  Config config;
  EXPECT_EQ(load_config_text(config, "hz 20\n# comment\nmaxmemory 1mb\n"), std::nullopt);
  EXPECT_EQ(config.hz, 20);
  EXPECT_EQ(config.maxmemory, 1u << 20);
  // A NUL drops the rest of its line, newline included, or of the line's 1024-byte piece
  // (oracle: Redis 7.0.15 reads the first as "hz 7maxmemory 2mb", and a requirepass of 1000
  // 'a's, a NUL, 30 'b's and 100 'c's as 1000 'a's, the last 19 'b's and the 'c's).
  const auto joined = load_config_text(config, std::string("hz 7\0 junk\"\nmaxmemory 2mb\n", 26));
  ASSERT_TRUE(joined.has_value());
  EXPECT_NE(joined->find(">>> 'hz 7maxmemory 2mb'\nwrong number of arguments"), std::string::npos) << *joined;
  EXPECT_EQ(load_config_text(config, std::string("hz 7\0 junk\"\n", 12)), std::nullopt);
  EXPECT_EQ(config.hz, 7);
  const std::string long_line =
      "requirepass " + std::string(1000, 'a') + '\0' + std::string(30, 'b') + std::string(100, 'c') + "\n";
  EXPECT_EQ(load_config_text(config, long_line), std::nullopt);
  EXPECT_EQ(config.requirepass, std::string(1000, 'a') + std::string(19, 'b') + std::string(100, 'c'));
  // dir is kept as written, without entering it.
  EXPECT_EQ(load_config_text(config, "dir /nonexistent/x\n"), std::nullopt);
  EXPECT_EQ(config.dir, "/nonexistent/x");
  const auto refused = load_config_text(config, "include /etc/redis/redis.conf\n");
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("include is not read without files"), std::string::npos) << *refused;
}

// Each expectation was read from redis-server 7.0.15 started with the same line.
TEST(LoadConfigText, RefusesWhatRedisRefusesAtTheLine) {
  auto refusal = [](std::string_view text) {
    Config config;
    auto error = load_config_text(config, text);
    if (!error) return std::string("accepted");
    const size_t reason = error->rfind('\n', error->size() - 2);
    return error->substr(reason + 1, error->size() - reason - 2);
  };
  // Rules are tried on a scratch user; the culprit is named by its position among the
  // rules, read from the whole line (Redis's off-by-two).
  EXPECT_EQ(refusal("user default on nopasp ~* &* +@all\n"), "Error in user declaration 'default': Syntax error");
  EXPECT_EQ(refusal("user bob default on\n"), "Error in user declaration 'user': Syntax error");
  EXPECT_EQ(refusal("user carol on #abc\n"),
            "Error in user declaration 'carol': The password hash must be exactly 64 characters and contain only "
            "lowercase hexadecimal characters");
  // \x0b stays inside a word of the line, and is a blank to the ACL.
  EXPECT_EQ(refusal("user n >pw ~a\x0b" "b\n"), "Error in user declaration 'n': Syntax error");
  // Unknown commands wait for the ACL's own loading.
  EXPECT_EQ(refusal("user alice on +nosuch\n"), "accepted");
  // An unclosed selector is named by where it opened.
  EXPECT_EQ(refusal("user c921 (~s* +get\n"), "Error in user declaration 'user': Unknown command or category name in ACL");
  // Dotted unknown names are module configs: one value is kept, anything else refused.
  EXPECT_EQ(refusal("foo.bar\n"), "Module config specified without value");
  EXPECT_EQ(refusal("foo.bar 1 2\n"), "Module config specified without value");
  EXPECT_EQ(refusal("foobar 1\n"), "Bad directive or wrong number of arguments");
  Config config;
  EXPECT_EQ(load_config_text(config, "foo.bar 1\n"), std::nullopt);
  ASSERT_EQ(config.module_configs.size(), 1u);
}

TEST(LoadConfigText, SaveLinesAndListsSplitAsRedisDoes) {
  Config config;
  // A list in one quoted word is split as a line is: runs of blanks, no empty words.
  ASSERT_EQ(load_config_text(config, "save \"  100   1 \"\nbind \"127.0.0.1   ::1\"\n"), std::nullopt);
  EXPECT_EQ(config.save_points, (std::vector<SavePoint>{{100, 1}}));
  EXPECT_EQ(config.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  // A bare save after others changes nothing; as the first save line it drops the defaults.
  Config later;
  ASSERT_EQ(load_config_text(later, "save 100 1\nsave\n"), std::nullopt);
  EXPECT_EQ(later.save_points, (std::vector<SavePoint>{{100, 1}}));
  Config first;
  ASSERT_EQ(load_config_text(first, "save\n"), std::nullopt);
  EXPECT_TRUE(first.save_points.empty());
  // Unbalanced quotes inside the word leave no values.
  Config unbalanced;
  ASSERT_EQ(load_config_text(unbalanced, "save \"\\\"3600 1\"\n"), std::nullopt);
  EXPECT_TRUE(unbalanced.save_points.empty());
}

TEST_F(ConfigTest, RewriteRecreatesAMissingFileAndKeepsPermissions) {
  ASSERT_EQ(load_file("port 7000\n"), std::nullopt);
  std::filesystem::remove(path("redis.conf"));
  ASSERT_EQ(config_rewrite(config_, {}), std::nullopt);
  EXPECT_EQ(read_text(path("redis.conf")),
            "# Generated by CONFIG REWRITE\n"
            "port 7000\n"
            "latency-tracking-info-percentiles 50 99 99.9\n"
            "dir \"" + dir_ + "\"\n"
            "save 3600 1\nsave 300 100\nsave 60 10000\n");
  ASSERT_EQ(chmod(path("redis.conf").c_str(), 0600), 0);
  ASSERT_EQ(config_rewrite(config_, {}), std::nullopt);
  struct stat st {};
  ASSERT_EQ(stat(path("redis.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfigTest, RewriteReportsWriteErrors) {
  std::filesystem::create_directory(path("gone"));
  write_text(path("gone/redis.conf"), "port 7000\n");
  ASSERT_EQ(load({path("gone/redis.conf")}), std::nullopt);
  std::filesystem::remove_all(path("gone"));
  // Oracle: the config file's directory removed under a running server.
  EXPECT_EQ(config_rewrite(config_, {}), "ERR Rewriting config file: No such file or directory");
}

TEST(ClientEvictionLimit, BytesOrAShareOfMaxmemoryAndNeverBelow128KB) {
  Config config;
  EXPECT_EQ(ClientEviction::limit_for(config), 0u);  // off by default
  config.maxmemory_clients = 1 << 20;
  EXPECT_EQ(ClientEviction::limit_for(config), 1u << 20);
  config.maxmemory_clients = 1000;  // too small to talk to the server: raised
  EXPECT_EQ(ClientEviction::limit_for(config), 128u * 1024);
  config.maxmemory_clients = -5;  // 5% ...
  EXPECT_EQ(ClientEviction::limit_for(config), 0u);  // ... of no maxmemory: off
  config.maxmemory = 20 << 20;
  EXPECT_EQ(ClientEviction::limit_for(config), 1u << 20);
  config.maxmemory = 1 << 20;
  EXPECT_EQ(ClientEviction::limit_for(config), 128u * 1024);
}

}  // namespace
}  // namespace corvid
