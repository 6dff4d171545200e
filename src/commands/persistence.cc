// SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF: the snapshot commands (the policies are
// persistence/rdb_persistence and persistence/aof).

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

void save(CommandContext& ctx) {
  RdbPersistence& rdb = ctx.server.rdb();
  if (rdb.bgsave_in_progress()) {
    ctx.reply.error("ERR Background save already in progress");
    return;
  }
  if (rdb.save()) {
    ctx.reply.ok();
  } else {
    ctx.reply.error("ERR");
  }
}

void bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() == 2 && equals_ignore_case(ctx.arg(1), "schedule")) {
      schedule = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  RdbPersistence& rdb = ctx.server.rdb();
  switch (rdb.bgsave()) {
    case RdbPersistence::BgsaveResult::AlreadyRunning:
      ctx.reply.error("ERR Background save already in progress");
      return;
    case RdbPersistence::BgsaveResult::OtherSnapshotRunning:
      // An AOF rewrite holds the snapshot machinery, as Redis's AOF child holds the fork.
      if (schedule || !ctx.server.may_block()) {
        rdb.schedule_bgsave();
        ctx.reply.simple("Background saving scheduled");
      } else {
        ctx.reply.error(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to "
            "schedule a BGSAVE whenever possible.");
      }
      return;
    case RdbPersistence::BgsaveResult::Started:
      break;
  }
  // Inside EXEC Redis only schedules the save (it cannot fork there) and says so; Corvid
  // takes the snapshot at once, at this point of the transaction, under the same reply.
  ctx.reply.simple(ctx.server.may_block() ? "Background saving started" : "Background saving scheduled");
}

void bgrewriteaof(CommandContext& ctx) {
  switch (ctx.server.aof().bgrewrite()) {
    case Aof::RewriteResult::AlreadyRunning:
      ctx.reply.error("ERR Background append only file rewriting already in progress");
      return;
    case Aof::RewriteResult::Scheduled:
      ctx.reply.simple("Background append only file rewriting scheduled");
      return;
    case Aof::RewriteResult::Failed:
      ctx.reply.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more "
                      "information.");
      return;
    case Aof::RewriteResult::Started:
      ctx.server.sync_aof_sink();
      ctx.reply.simple("Background append only file rewriting started");
      return;
  }
}

void lastsave(CommandContext& ctx) { ctx.reply.integer(ctx.server.rdb().lastsave()); }

constexpr CommandArg kBgsaveArgs[] = {{"schedule", ArgType::PureToken, -1, "SCHEDULE", kArgOptional, {}, "3.2.2"}};
constexpr CommandHistory kBgsaveHistory[] = {{"3.2.2", "Added the `SCHEDULE` option."}};
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

const CommandSpec kCommands[] = {
    {.name = "save", .arity = 1, .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti,
     .acl_categories = kAdminAcl, .handler = save, .summary = "Writes the dataset to disk, blocking until done.",
     .since = "1.0.0", .group = kServerGroup, .complexity = "O(N) where N is the total number of keys in all databases"},
    {.name = "bgsave", .arity = -1, .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading,
     .acl_categories = kAdminAcl, .handler = bgsave,
     .summary = "Writes a point-in-time snapshot of the dataset to disk while the server keeps serving.",
     .since = "1.0.0", .group = kServerGroup, .complexity = "O(1)", .arguments = kBgsaveArgs,
     .history = kBgsaveHistory},
    {.name = "bgrewriteaof", .arity = 1, .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading,
     .acl_categories = kAdminAcl, .handler = bgrewriteaof,
     .summary = "Rewrites the append-only file from a point-in-time snapshot, while the server keeps serving.",
     .since = "1.0.0", .group = kServerGroup, .complexity = "O(1)"},
    {.name = "lastsave", .arity = 1, .flags = kCmdLoading | kCmdStale | kCmdFast,
     .acl_categories = kAclAdmin | kAclFast | kAclDangerous, .handler = lastsave,
     .summary = "Tells when the dataset was last saved to disk (Unix time).", .since = "1.0.0",
     .group = kServerGroup, .complexity = "O(1)", .tips = kNondeterministic},
};

}  // namespace

std::span<const CommandSpec> persistence_commands() { return kCommands; }

}  // namespace corvid
