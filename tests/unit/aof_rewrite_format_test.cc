// An AOF base written as commands (persistence/aof_rewrite_format.h, the rewrite with
// aof-use-rdb-preamble no): the exact RESP bytes for every type, as Redis 7.0.15's
// rewrite writes them (checked against the base file a real Redis wrote for the same
// data): SELECT, SET, RPUSH / SADD / ZADD / HMSET in batches of 64 items (so 130 items make
// commands of 64, 64 and 2), ZADD scores as "%.17g" (1.5, -inf, inf, 3 without ".0",
// 0.1 as 0.10000000000000001), then PEXPIREAT for a key's TTL and HPEXPIREAT ... FIELDS 1
// <field> for each hash field deadline. Values in hash-table encodings, whose order is the
// table's, are checked by reading the commands back.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/value_limits.h"
#include "db/zset_value.h"
#include "persistence/aof_rewrite_format.h"
#include "persistence/rdb_output.h"
#include "test_support.h"

using namespace std::literals;

namespace corvid {
namespace {

using testing_support::EntryPtr;
using Argv = std::vector<std::string>;

const ValueLimits kLimits{};

// --- building values

EntryPtr string_entry(std::string_view key, std::string_view value, int64_t expire = KeyEntry::kNoExpiry) {
  return EntryPtr(KeyEntry::create_string(key, value, expire));
}

EntryPtr list_entry(std::string_view key, const std::vector<std::string>& elements,
                    int64_t expire = KeyEntry::kNoExpiry) {
  auto list = std::make_unique<ListValue>(Quicklist(kLimits.list_fill));
  for (const std::string& e : elements) list->items().push_back(e);
  return EntryPtr(KeyEntry::create_object(key, ValueType::List, std::move(list), expire));
}

EntryPtr set_entry(std::string_view key, const std::vector<std::string>& members,
                   int64_t expire = KeyEntry::kNoExpiry) {
  auto set = SetValue::create_for(members.front(), members.size(), kLimits.set);
  for (const std::string& m : members) set->add(m, kLimits.set);
  return EntryPtr(KeyEntry::create_object(key, ValueType::Set, std::move(set), expire));
}

EntryPtr zset_entry(std::string_view key, const std::vector<std::pair<std::string, double>>& members,
                    int64_t expire = KeyEntry::kNoExpiry) {
  auto zset = std::make_unique<ZSetValue>();
  for (const auto& [m, s] : members) zset->set(m, s, kLimits.zset);
  return EntryPtr(KeyEntry::create_object(key, ValueType::ZSet, std::move(zset), expire));
}

struct FieldSpec {
  std::string field;
  std::string value;
  int64_t deadline = HashValue::kNoExpiry;
};

EntryPtr hash_entry(std::string_view key, const std::vector<FieldSpec>& fields,
                    int64_t expire = KeyEntry::kNoExpiry) {
  auto hash = std::make_unique<HashValue>();
  for (const FieldSpec& f : fields) hash->set(f.field, f.value, kLimits.hash);
  for (const FieldSpec& f : fields) {
    if (f.deadline != HashValue::kNoExpiry) hash->set_field_expiry(f.field, f.deadline);
  }
  return EntryPtr(KeyEntry::create_object(key, ValueType::Hash, std::move(hash), expire));
}

// --- the bytes

std::string rewrite(const KeyEntry& e) {
  StringOutput out(false);
  write_key_as_commands(out, e);
  return out.data();
}

// One command in RESP, as Redis's rewrite writes it.
std::string resp(const Argv& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// `head` followed by `items` (already flattened into groups of `arity`), 64 groups a
// command.
std::string batched(const Argv& head, const Argv& items, size_t arity) {
  std::string out;
  const size_t per_command = 64 * arity;
  for (size_t i = 0; i < items.size(); i += per_command) {
    Argv argv = head;
    argv.insert(argv.end(), items.begin() + static_cast<std::ptrdiff_t>(i),
                items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), i + per_command)));
    out += resp(argv);
  }
  return out;
}

// Reads RESP commands back (the bytes must be well formed).
std::vector<Argv> commands_of(std::string_view bytes) {
  std::vector<Argv> out;
  size_t pos = 0;
  auto line = [&]() {
    const size_t end = bytes.find("\r\n", pos);
    EXPECT_NE(end, std::string_view::npos);
    std::string_view l = bytes.substr(pos, end - pos);
    pos = end + 2;
    return l;
  };
  while (pos < bytes.size()) {
    std::string_view header = line();
    EXPECT_EQ(header[0], '*');
    const size_t count = std::stoul(std::string(header.substr(1)));
    Argv argv;
    for (size_t i = 0; i < count; ++i) {
      std::string_view len = line();
      EXPECT_EQ(len[0], '$');
      const size_t n = std::stoul(std::string(len.substr(1)));
      argv.emplace_back(bytes.substr(pos, n));
      EXPECT_EQ(bytes.substr(pos + n, 2), "\r\n");
      pos += n + 2;
    }
    out.push_back(std::move(argv));
  }
  return out;
}

std::vector<std::string> numbered(std::string_view prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::string(prefix) + std::to_string(i));
  return out;
}

// --- tests

TEST(AofRewriteFormat, SelectCommand) {
  StringOutput out(false);
  write_select_command(out, 0);
  write_select_command(out, 15);
  EXPECT_EQ(out.data(), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$6\r\nSELECT\r\n$2\r\n15\r\n");
}

TEST(AofRewriteFormat, Strings) {
  EXPECT_EQ(rewrite(*string_entry("s", "hello")), "*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$5\r\nhello\r\n");
  // Integer-encoded values are written as their text.
  EXPECT_EQ(rewrite(*string_entry("n", "12345")), "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$5\r\n12345\r\n");
  EXPECT_EQ(rewrite(*string_entry("n", "-9223372036854775808")),
            "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$20\r\n-9223372036854775808\r\n");
  EXPECT_EQ(rewrite(*string_entry("empty", "")), "*3\r\n$3\r\nSET\r\n$5\r\nempty\r\n$0\r\n\r\n");
  // Binary-safe key and value, embstr and raw alike.
  const std::string key("k\r\n\0y", 5);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  EXPECT_EQ(rewrite(*string_entry(key, value)), resp({"SET", key, value}));
  EXPECT_EQ(rewrite(*string_entry(key, "a\r\nb")), resp({"SET", key, "a\r\nb"}));
}

TEST(AofRewriteFormat, TtlFollowsAsPexpireat) {
  EXPECT_EQ(rewrite(*string_entry("t", "v", 1'796'678'950'581)),
            "*3\r\n$3\r\nSET\r\n$1\r\nt\r\n$1\r\nv\r\n"
            "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nt\r\n$13\r\n1796678950581\r\n");
  EXPECT_EQ(rewrite(*list_entry("l", {"a", "b"}, 5)), resp({"RPUSH", "l", "a", "b"}) + resp({"PEXPIREAT", "l", "5"}));
  EXPECT_EQ(rewrite(*set_entry("s", {"x"}, 1'700'000'000'000)),
            resp({"SADD", "s", "x"}) + resp({"PEXPIREAT", "s", "1700000000000"}));
  EXPECT_EQ(rewrite(*zset_entry("z", {{"m", 2}}, 1'700'000'000'000)),
            resp({"ZADD", "z", "2", "m"}) + resp({"PEXPIREAT", "z", "1700000000000"}));
  EXPECT_EQ(rewrite(*hash_entry("h", {{"f", "v"}}, 1'700'000'000'000)),
            resp({"HMSET", "h", "f", "v"}) + resp({"PEXPIREAT", "h", "1700000000000"}));
  // The batches come first, the TTL once at the end.
  const std::vector<std::string> items = numbered("item", 130);
  EXPECT_EQ(rewrite(*list_entry("l", items, 1'700'000'000'000)),
            batched({"RPUSH", "l"}, items, 1) + resp({"PEXPIREAT", "l", "1700000000000"}));
}

TEST(AofRewriteFormat, ListIn64ItemBatches) {
  const std::vector<std::string> items = numbered("item", 130);
  const std::string bytes = rewrite(*list_entry("l", items));
  EXPECT_EQ(bytes, batched({"RPUSH", "l"}, items, 1));
  // Spelled out: 64 + 64 + 2 items, as Redis 7.0.15 wrote this very list.
  const std::vector<Argv> commands = commands_of(bytes);
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].size(), 66u);
  EXPECT_EQ(commands[1].size(), 66u);
  EXPECT_EQ(commands[2], (Argv{"RPUSH", "l", "item128", "item129"}));
  EXPECT_EQ(bytes.substr(0, 34), "*66\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$5\r\nitem0\r\n");
  EXPECT_EQ(commands[1][2], "item64");

  // Exactly 64 and 65 items: one full command, then one of a single item.
  EXPECT_EQ(commands_of(rewrite(*list_entry("l", numbered("", 64)))).size(), 1u);
  const std::vector<Argv> c65 = commands_of(rewrite(*list_entry("l", numbered("", 65))));
  ASSERT_EQ(c65.size(), 2u);
  EXPECT_EQ(c65[1], (Argv{"RPUSH", "l", "64"}));
  // A single item, with bytes that need no escaping in RESP.
  EXPECT_EQ(rewrite(*list_entry("l", {std::string("\0\r\n", 3)})), resp({"RPUSH", "l", std::string("\0\r\n", 3)}));
}

TEST(AofRewriteFormat, BigListAcrossManyNodes) {
  // Enough elements (some large) for many quicklist nodes; the order stays the list's.
  std::vector<std::string> items;
  for (int i = 0; i < 1000; ++i) items.push_back(i % 100 == 0 ? std::string(10000, 'a' + i % 26) : std::to_string(i));
  EXPECT_EQ(rewrite(*list_entry("l", items)), batched({"RPUSH", "l"}, items, 1));
}

TEST(AofRewriteFormat, IntsetIn64ItemBatches) {
  // An intset is walked in ascending order; Redis 7.0.15 wrote the same commands for
  // SADD is 0..129.
  std::vector<std::string> members = numbered("", 130);
  std::reverse(members.begin(), members.end());
  EntryPtr e = set_entry("is", members);
  ASSERT_EQ(e->encoding(), Encoding::Intset);
  EXPECT_EQ(rewrite(*e), batched({"SADD", "is"}, numbered("", 130), 1));
}

TEST(AofRewriteFormat, ListpackSetInInsertionOrder) {
  EntryPtr e = set_entry("s", {"b", "a", "c"});
  ASSERT_EQ(e->encoding(), Encoding::Listpack);
  EXPECT_EQ(rewrite(*e), "*5\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
}

TEST(AofRewriteFormat, HashtableSetIn64ItemBatches) {
  const std::vector<std::string> members = numbered("member:", 130);
  EntryPtr e = set_entry("s", members);
  ASSERT_EQ(e->encoding(), Encoding::Hashtable);
  const std::vector<Argv> commands = commands_of(rewrite(*e));
  ASSERT_EQ(commands.size(), 3u);
  std::multiset<std::string> seen;
  const size_t sizes[] = {66, 66, 4};
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(commands[i].size(), sizes[i]);
    EXPECT_EQ(commands[i][0], "SADD");
    EXPECT_EQ(commands[i][1], "s");
    seen.insert(commands[i].begin() + 2, commands[i].end());
  }
  EXPECT_EQ(seen, std::multiset<std::string>(members.begin(), members.end()));
}

TEST(AofRewriteFormat, ZsetScoresAsRedisWritesThem) {
  // The base file Redis 7.0.15 wrote for
  //   ZADD z 1.5 a -inf b inf c 0.1 d 3 e 1e17 f -0.0 g 2.5e-5 h
  // (a listpack: in score order; negative zero is stored as 0).
  EntryPtr e = zset_entry("z", {{"a", 1.5},
                                {"b", -std::numeric_limits<double>::infinity()},
                                {"c", std::numeric_limits<double>::infinity()},
                                {"d", 0.1},
                                {"e", 3},
                                {"f", 1e17},
                                {"g", -0.0},
                                {"h", 2.5e-5}});
  ASSERT_EQ(e->encoding(), Encoding::Listpack);
  EXPECT_EQ(rewrite(*e),
            "*18\r\n$4\r\nZADD\r\n$1\r\nz\r\n$4\r\n-inf\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\ng\r\n"
            "$22\r\n2.5000000000000001e-05\r\n$1\r\nh\r\n$19\r\n0.10000000000000001\r\n$1\r\nd\r\n"
            "$3\r\n1.5\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\ne\r\n$5\r\n1e+17\r\n$1\r\nf\r\n$3\r\ninf\r\n$1\r\nc\r\n");
}

TEST(AofRewriteFormat, ZsetIn64ItemBatches) {
  // 130 members: a skiplist, walked in score order (Redis walks its dict instead; ZADD
  // builds the same set either way).
  std::vector<std::pair<std::string, double>> members;
  Argv expected_items;
  for (int i = 0; i < 130; ++i) {
    const double score = i * 0.5 - 10;
    members.emplace_back("m" + std::to_string(i), score);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", score);
    expected_items.push_back(buf);
    expected_items.push_back("m" + std::to_string(i));
  }
  std::reverse(members.begin(), members.end());
  EntryPtr e = zset_entry("zz", members);
  ASSERT_EQ(e->encoding(), Encoding::Skiplist);
  const std::string bytes = rewrite(*e);
  EXPECT_EQ(bytes, batched({"ZADD", "zz"}, expected_items, 2));
  const std::vector<Argv> commands = commands_of(bytes);
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].size(), 130u);
  EXPECT_EQ(commands[1].size(), 130u);
  EXPECT_EQ(commands[2], (Argv{"ZADD", "zz", "54", "m128", "54.5", "m129"}));
  EXPECT_EQ((Argv(commands[0].begin(), commands[0].begin() + 4)), (Argv{"ZADD", "zz", "-10", "m0"}));
}

TEST(AofRewriteFormat, HashAsHmsetIn64FieldBatches) {
  EXPECT_EQ(rewrite(*hash_entry("h", {{"f1", "v1"}, {"f2", "v2"}})),
            "*6\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n");
  // 130 fields still fit a listpack (insertion order): 64 + 64 + 2 pairs.
  std::vector<FieldSpec> fields;
  Argv items;
  for (int i = 0; i < 130; ++i) {
    fields.push_back({"field:" + std::to_string(i), "value:" + std::to_string(i)});
    items.push_back(fields.back().field);
    items.push_back(fields.back().value);
  }
  EntryPtr e = hash_entry("h", fields);
  ASSERT_EQ(e->encoding(), Encoding::Listpack);
  const std::string bytes = rewrite(*e);
  EXPECT_EQ(bytes, batched({"HMSET", "h"}, items, 2));
  const std::vector<Argv> commands = commands_of(bytes);
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[2], (Argv{"HMSET", "h", "field:128", "value:128", "field:129", "value:129"}));
}

TEST(AofRewriteFormat, HashtableHashKeepsPairsTogether) {
  std::map<std::string, std::string> fields;
  std::vector<FieldSpec> specs;
  for (int i = 0; i < 600; ++i) {
    specs.push_back({"field:" + std::to_string(i), "value:" + std::to_string(i)});
    fields[specs.back().field] = specs.back().value;
  }
  EntryPtr e = hash_entry("h", specs);
  ASSERT_EQ(e->encoding(), Encoding::Hashtable);
  const std::vector<Argv> commands = commands_of(rewrite(*e));
  ASSERT_EQ(commands.size(), 10u);  // 9 x 64 + 24
  std::map<std::string, std::string> seen;
  for (size_t i = 0; i < commands.size(); ++i) {
    ASSERT_EQ(commands[i].size(), i < 9 ? 130u : 50u);
    EXPECT_EQ(commands[i][0], "HMSET");
    EXPECT_EQ(commands[i][1], "h");
    for (size_t j = 2; j + 1 < commands[i].size(); j += 2) seen[commands[i][j]] = commands[i][j + 1];
  }
  EXPECT_EQ(seen, fields);
}

TEST(AofRewriteFormat, HashFieldDeadlinesAsHpexpireat) {
  EntryPtr e = hash_entry("h", {{"a", "1", 1'800'000'000'123}, {"b", "2"}, {"c", "3", 1'800'000'000'000}});
  EXPECT_EQ(rewrite(*e), resp({"HMSET", "h", "a", "1", "b", "2", "c", "3"}) +
                             "*6\r\n$10\r\nHPEXPIREAT\r\n$1\r\nh\r\n$13\r\n1800000000123\r\n"
                             "$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\na\r\n" +
                             resp({"HPEXPIREAT", "h", "1800000000000", "FIELDS", "1", "c"}));

  // With a key TTL too: the field deadlines, then the key's.
  EntryPtr with_ttl = hash_entry("h", {{"f", "v", 1'800'000'000'000}}, 1'900'000'000'000);
  EXPECT_EQ(rewrite(*with_ttl), resp({"HMSET", "h", "f", "v"}) +
                                    resp({"HPEXPIREAT", "h", "1800000000000", "FIELDS", "1", "f"}) +
                                    resp({"PEXPIREAT", "h", "1900000000000"}));
}

TEST(AofRewriteFormat, HashtableFieldDeadlines) {
  // A table-encoded hash: one HPEXPIREAT per field with a deadline, after all the HMSETs.
  std::vector<FieldSpec> specs;
  std::map<std::string, std::string> expected_deadlines;
  for (int i = 0; i < 200; ++i) {
    const int64_t deadline = i % 3 == 0 ? HashValue::kNoExpiry : 1'800'000'000'000 + i;
    specs.push_back({"field:" + std::to_string(i), std::string(70, 'v'), deadline});
    if (deadline != HashValue::kNoExpiry) expected_deadlines[specs.back().field] = std::to_string(deadline);
  }
  EntryPtr e = hash_entry("h", specs);
  ASSERT_EQ(e->encoding(), Encoding::Hashtable);
  const std::vector<Argv> commands = commands_of(rewrite(*e));
  size_t hmsets = 0;
  std::map<std::string, std::string> deadlines;
  for (const Argv& c : commands) {
    if (c[0] == "HMSET") {
      EXPECT_TRUE(deadlines.empty()) << "HMSET after HPEXPIREAT";
      ++hmsets;
      continue;
    }
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0], "HPEXPIREAT");
    EXPECT_EQ(c[1], "h");
    EXPECT_EQ(c[3], "FIELDS");
    EXPECT_EQ(c[4], "1");
    EXPECT_TRUE(deadlines.emplace(c[5], c[2]).second) << c[5];
  }
  EXPECT_EQ(hmsets, 4u);  // 64 + 64 + 64 + 8
  EXPECT_EQ(deadlines, expected_deadlines);
}

}  // namespace
}  // namespace corvid
