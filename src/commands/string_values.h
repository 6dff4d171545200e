#pragma once
// Helpers for commands that keep strings: the type check, the size limit, storing a value
// as SET does, and growing a string in place (APPEND, SETRANGE, SETBIT, BITFIELD, the
// HyperLogLog commands).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "commands/context.h"

namespace corvid {

inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// Replies WRONGTYPE and returns false when `entry` exists but is not a string.
bool string_or_absent(CommandContext& ctx, const KeyEntry* entry);

// Redis refuses to build a string longer than proto-max-bulk-len, whatever the command.
bool length_allowed(CommandContext& ctx, uint64_t current, uint64_t added);

// Puts `value` under `key` as SET does (the TTL becomes `deadline`), where `existing` is
// what a lookup just found there.
void store_string(Database& db, KeyEntry* existing, std::string_view key, std::string_view value,
                  int64_t deadline);

// Converts `entry` to the raw encoding (what APPEND and SETRANGE leave behind in Redis)
// with room for `needed` bytes, keeping its content. May reallocate the entry.
KeyEntry* make_raw(Database& db, KeyEntry* entry, size_t needed);

// The string under `key`, raw and at least `length` bytes long, to be written in place:
// created when `entry` (a string, or null) is absent, zero-extended when shorter. The
// caller has checked the type and the size limit.
RawString* writable_string(Database& db, std::string_view key, KeyEntry* entry, size_t length);

}  // namespace corvid
