#pragma once
// The thresholds that decide a collection's encoding, gathered for code that builds
// whole values at once (RDB loading, RESTORE): each type reads its own part.

#include "db/hash_value.h"
#include "db/set_value.h"
#include "db/zset_value.h"

namespace corvid {

struct ValueLimits {
  HashLimits hash;
  SetLimits set;
  ZSetLimits zset;
  int list_fill = -2;  // list-max-listpack-size
  int list_compress_depth = 0;  // list-compress-depth
};

}  // namespace corvid
