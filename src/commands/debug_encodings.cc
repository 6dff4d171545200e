#include "commands/debug_encodings.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands/context.h"
#include "core/number_format.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/zset_value.h"
#include "server/config_syntax.h"

namespace corvid {

namespace {

// The key's entry, or null after replying "no such key".
const KeyEntry* existing(CommandContext& ctx) {
  const KeyEntry* entry = ctx.db.peek(ctx.arg(2), false);
  if (entry == nullptr) ctx.reply.error(errors::kNoSuchKey);
  return entry;
}

void print_entry(size_t index, std::string_view text) {
  std::printf("  [%zu] %.*s\n", index, static_cast<int>(text.size()), text.data());
}

}  // namespace

void debug_listpack(CommandContext& ctx) {
  const KeyEntry* entry = existing(ctx);
  if (entry == nullptr) return;
  if (entry->encoding() != Encoding::Listpack && entry->encoding() != Encoding::ListpackEx) {
    ctx.reply.error("ERR Not a listpack encoded object.");
    return;
  }
  const std::string key(ctx.arg(2));
  std::printf("{listpack of %s '%s', %zu bytes allocated}\n", std::string(encoding_name(entry->encoding())).c_str(),
              key.c_str(), entry->object()->allocated_bytes());
  size_t index = 0;
  switch (entry->type()) {
    case ValueType::Hash:
      entry->object_as<HashValue>().for_each([&](std::string_view field, std::string_view value) {
        print_entry(index++, field);
        print_entry(index++, value);
      });
      break;
    case ValueType::Set:
      entry->object_as<SetValue>().for_each([&](std::string_view member) { print_entry(index++, member); });
      break;
    case ValueType::ZSet:
      entry->object_as<ZSetValue>().for_each([&](std::string_view member, double score) {
        print_entry(index++, member);
        print_entry(index++, format_double(score));
      });
      break;
    default:
      break;
  }
  std::printf("{end of listpack, %zu entries}\n", index);
  std::fflush(stdout);
  ctx.reply.simple("Listpack structure printed on stdout");
}

// DEBUG QUICKLIST key [level]: the list's nodes (state, kind, entries, bytes), and at a
// level other than 0 (read as atoi reads it, as Redis does) their elements too.
void debug_quicklist(CommandContext& ctx) {
  const KeyEntry* entry = existing(ctx);
  if (entry == nullptr) return;
  if (entry->type() != ValueType::List) {
    ctx.reply.error("ERR Not a quicklist encoded object.");
    return;
  }
  const bool elements = ctx.argc() == 4 && std::atoi(std::string(ctx.arg(3)).c_str()) != 0;
  const Quicklist& list = entry->object_as<ListValue>().items();
  const std::string states = list.node_states();
  std::printf("{quicklist '%s': %zu elements in %zu nodes, fill %d, compress depth %d, packed threshold %zu}\n",
              std::string(ctx.arg(2)).c_str(), list.size(), list.node_count(), list.fill(), list.compress_depth(),
              Quicklist::packed_threshold());
  size_t node = 0;
  list.for_each_node([&](const Listpack& lp, bool plain) {
    const char state = states[node];
    std::printf(" node %zu: %s, %s, %zu entries, %zu bytes expanded\n", node,
                state == 'r' ? "raw" : state == 'c' ? "compressed" : "compressed and open", plain ? "plain" : "packed",
                lp.size(), lp.bytes());
    if (elements) {
      Listpack::Scratch scratch;
      size_t index = 0;
      for (Listpack::Pos p = lp.begin(); p != lp.end(); p = lp.next(p)) print_entry(index++, lp.get(p, scratch));
    }
    ++node;
  });
  std::fflush(stdout);
  ctx.reply.simple("Quicklist structure printed on stdout");
}

void debug_quicklist_packed_threshold(CommandContext& ctx) {
  const std::optional<uint64_t> bytes = config_detail::parse_memory(ctx.arg(2));
  if (!bytes || !Quicklist::set_packed_threshold(*bytes)) {
    ctx.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    return;
  }
  ctx.reply.ok();
}

}  // namespace corvid
