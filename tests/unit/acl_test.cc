// The ACL model without a server: rules applied to users, the verdicts their selectors
// give (command, key with read/write access, channel, the most specific refusal among
// selectors), descriptions that read back, passwords and all-or-nothing SETUSER.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "acl/acl.h"
#include "acl/password.h"
#include "commands/command_table.h"

namespace corvid {
namespace {

class AclTest : public ::testing::Test {
 protected:
  const CommandTable table_;
  Acl acl_{table_};

  const AclUser& user(std::string_view name, std::vector<std::string_view> rules) {
    auto error = acl_.set_user(name, rules);
    EXPECT_FALSE(error.has_value()) << *error;
    return *acl_.find(name);
  }

  AclVerdict check(const AclUser& u, std::vector<std::string_view> args) {
    const Command* command = table_.find(args[0]);
    if (!command->subcommands.empty()) command = command->find_subcommand(args[1]);
    return u.check(*command, args);
  }
};

TEST_F(AclTest, DefaultUserIsUnrestricted) {
  const AclUser& d = *acl_.default_user();
  EXPECT_TRUE(d.unrestricted());
  EXPECT_EQ(d.describe(), "on nopass ~* &* +@all");
  EXPECT_TRUE(d.accepts("anything"));
}

TEST_F(AclTest, KeyAccessFollowsKeySpecs) {
  const AclUser& u = user("u", {"on", "+@all", "%R~r*", "%W~w*", "~rw*"});
  EXPECT_TRUE(check(u, {"get", "r1"}).allowed());
  EXPECT_EQ(check(u, {"get", "w1"}).denial, AclDenial::Key);
  EXPECT_EQ(check(u, {"set", "r1", "v"}).denial, AclDenial::Key);  // SET reads too (GET option)
  EXPECT_TRUE(check(u, {"set", "rw1", "v"}).allowed());
  EXPECT_TRUE(check(u, {"copy", "r1", "w1"}).allowed());
  AclVerdict copy_back = check(u, {"copy", "w1", "r1"});
  EXPECT_EQ(copy_back.denial, AclDenial::Key);
  EXPECT_EQ(copy_back.arg_index, 1u);
  EXPECT_TRUE(check(u, {"del", "w1"}).allowed());
  EXPECT_EQ(check(u, {"del", "r1"}).denial, AclDenial::Key);
}

TEST_F(AclTest, ChannelsAndLiteralPatterns) {
  const AclUser& u = user("u", {"on", "+@all", "resetchannels", "&news.*"});
  EXPECT_TRUE(check(u, {"publish", "news.1", "m"}).allowed());
  EXPECT_EQ(check(u, {"publish", "other", "m"}).denial, AclDenial::Channel);
  // A pattern subscription must be one of the user's patterns, character for character.
  EXPECT_TRUE(check(u, {"psubscribe", "news.*"}).allowed());
  EXPECT_EQ(check(u, {"psubscribe", "news.1*"}).denial, AclDenial::Channel);
  AclVerdict second = check(u, {"subscribe", "news.a", "x"});
  EXPECT_EQ(second.denial, AclDenial::Channel);
  EXPECT_EQ(second.arg_index, 2u);
  EXPECT_TRUE(check(u, {"unsubscribe", "x"}).allowed());
}

TEST_F(AclTest, SubcommandsAndFirstArguments) {
  const AclUser& u = user("u", {"on", "~*", "+config|get", "+select|0", "+client"});
  EXPECT_TRUE(check(u, {"config", "get", "x"}).allowed());
  EXPECT_EQ(check(u, {"config", "set", "x", "y"}).denial, AclDenial::Command);
  EXPECT_TRUE(check(u, {"select", "0"}).allowed());
  EXPECT_EQ(check(u, {"select", "1"}).denial, AclDenial::Command);
  EXPECT_TRUE(check(u, {"client", "kill", "x"}).allowed());
  EXPECT_TRUE(check(u, {"auth", "a", "b"}).allowed());  // no-auth commands are never refused
}

TEST_F(AclTest, MostSpecificRefusalAmongSelectors) {
  const AclUser& u = user("u", {"on", "+get", "~a*", "(+set ~b*)"});
  EXPECT_TRUE(check(u, {"get", "a1"}).allowed());
  EXPECT_TRUE(check(u, {"set", "b1", "v"}).allowed());
  EXPECT_EQ(check(u, {"set", "a1", "v"}).denial, AclDenial::Key);  // the selector knew SET
  EXPECT_EQ(check(u, {"del", "a1"}).denial, AclDenial::Command);
}

TEST_F(AclTest, SetuserIsAllOrNothing) {
  user("u", {"on", "+get"});
  const std::string before = acl_.find("u")->describe();
  std::vector<std::string_view> bad = {"+set", "+nosuch"};
  EXPECT_EQ(acl_.set_user("u", bad), "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  EXPECT_EQ(acl_.find("u")->describe(), before);
  EXPECT_TRUE(acl_.set_user("new", bad).has_value());
  EXPECT_EQ(acl_.find("new"), nullptr);
}

TEST_F(AclTest, PasswordsAreHashedAndChecked) {
  const AclUser& u = user("u", {"on", ">secret", ">other"});
  EXPECT_TRUE(u.accepts("secret"));
  EXPECT_TRUE(u.accepts("other"));
  EXPECT_FALSE(u.accepts("wrong"));
  EXPECT_EQ(u.password_hashes()[0], password_hash("secret"));
  EXPECT_EQ(password_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  user("u", {"off"});
  EXPECT_FALSE(acl_.find("u")->accepts("secret"));
  EXPECT_TRUE(is_password_hash(password_hash("x")));
  EXPECT_FALSE(is_password_hash(std::string(64, 'A')));
  EXPECT_EQ(random_password_hex(5).size(), 5u);
}

TEST_F(AclTest, DescriptionsReadBack) {
  for (std::vector<std::string_view> rules : std::vector<std::vector<std::string_view>>{
           {"on", ">p", "~k*", "%R~r*", "&c", "+@read", "-hget", "+select|0"},
           {"+@all", "-@dangerous", "+config|get", "(~x +set)", "(%W~y &z -@all +@write)"},
           {"nopass", "skip-sanitize-payload", "allkeys", "allchannels", "+acl", "-acl|setuser"}}) {
    const std::string line = user("orig", rules).describe();
    std::vector<std::string_view> words;
    size_t start = 0;
    // The description's words (no quoting is needed for these rules); a selector is one word.
    while (start < line.size()) {
      size_t end = line[start] == '(' ? line.find(')', start) + 1 : line.find(' ', start);
      if (end == std::string::npos) end = line.size();
      words.push_back(std::string_view(line).substr(start, end - start));
      start = end + 1;
    }
    EXPECT_EQ(user("copy", words).describe(), line);
    acl_.remove("orig");
    acl_.remove("copy");
  }
}

TEST_F(AclTest, LogGroupsRecentLikeEvents) {
  AclLog log;
  auto entry = [](std::string object, int64_t ms) {
    AclLogEntry e;
    e.reason = "key";
    e.context = "toplevel";
    e.object = std::move(object);
    e.username = "u";
    e.created_ms = ms;
    return e;
  };
  log.add(entry("a", 0), 10);
  log.add(entry("b", 1), 10);
  log.add(entry("a", 2), 10);
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].object, "a");
  EXPECT_EQ(log.entries()[0].count, 2u);
  log.add(entry("a", 70000), 10);  // more than a minute later: a new entry
  EXPECT_EQ(log.entries().size(), 3u);
  log.add(entry("c", 70001), 2);
  EXPECT_EQ(log.entries().size(), 2u);
}

}  // namespace
}  // namespace corvid
