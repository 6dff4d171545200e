#pragma once
// Shared by the fuzz targets that build values from untrusted bytes: walks a value
// completely, looks every member up again and checks the sizes agree; aborts (a finding)
// on any disagreement.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "db/hash_value.h"
#include "db/key_entry.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/stream_value.h"
#include "db/zset_value.h"

namespace corvid::fuzzing {

inline void check(bool condition) {
  if (!condition) std::abort();
}

// Walks the whole value and looks every member up again.
inline void exercise_value(const KeyEntry& entry) {
  switch (entry.type()) {
    case ValueType::String: {
      char scratch[24];
      const std::string_view s = entry.string_value(scratch);
      size_t sum = 0;
      for (char c : s) sum += static_cast<unsigned char>(c);
      (void)sum;
      break;
    }
    case ValueType::List: {
      const ListValue& list = entry.object_as<ListValue>();
      size_t n = 0;
      list.items().for_each([&](std::string_view) { ++n; });
      check(n == list.size());
      check(n > 0);
      break;
    }
    case ValueType::Set: {
      const SetValue& set = entry.object_as<SetValue>();
      size_t n = 0;
      set.for_each([&](std::string_view member) {
        check(set.contains(member));
        ++n;
      });
      check(n == set.size());
      check(n > 0);
      break;
    }
    case ValueType::ZSet: {
      const ZSetValue& zset = entry.object_as<ZSetValue>();
      size_t n = 0;
      double previous = 0;
      zset.for_each([&](std::string_view member, double score) {
        std::optional<double> found = zset.score(member);
        check(found.has_value() && (*found == score || (*found != *found && score != score)));
        check(n == 0 || previous <= score);
        previous = score;
        ++n;
      });
      check(n == zset.size());
      check(n > 0);
      break;
    }
    case ValueType::Hash: {
      const HashValue& hash = entry.object_as<HashValue>();
      size_t n = 0;
      hash.for_each_with_expiry([&](std::string_view field, std::string_view value, int64_t when) {
        HashValue::Scratch scratch;
        std::optional<std::string_view> got = hash.get(field, scratch);
        check(got.has_value() && *got == value);
        std::optional<int64_t> deadline = hash.field_expiry(field);
        check(deadline.has_value() && *deadline == when);
        ++n;
      });
      check(n == hash.size());
      check(n > 0);
      break;
    }
    case ValueType::Stream: {
      // Both directions see the same live entries, ascending, none past the last ID.
      const Stream& s = entry.object_as<StreamValue>().stream();
      std::vector<StreamID> forward, backward;
      s.visit(StreamID::min(), StreamID::max(), false, [&](const Stream::Entry& e) {
        check(forward.empty() || forward.back() < e.id);
        check(e.id <= s.last_id());
        forward.push_back(e.id);
        return true;
      });
      s.visit(StreamID::min(), StreamID::max(), true, [&](const Stream::Entry& e) {
        backward.push_back(e.id);
        return true;
      });
      check(forward.size() == s.length());
      check(std::equal(forward.begin(), forward.end(), backward.rbegin(), backward.rend()));
      check(forward.empty() || forward.front() == s.first_id());
      // Every pending entry is held by exactly the consumer it names, and nothing else is.
      for (const auto& [name, group] : entry.object_as<StreamValue>().groups()) {
        size_t held = 0;
        for (const auto& [consumer_name, consumer] : group.consumers()) {
          check(consumer.name == consumer_name);
          for (StreamID id : consumer.pending) {
            auto it = group.pending().find(id);
            check(it != group.pending().end() && it->second.owner == &consumer);
          }
          held += consumer.pending.size();
        }
        check(held == group.pending().size());
        check(group.entries_read() >= Stream::kUnknownEntriesRead);
      }
      break;
    }
  }
}


}  // namespace corvid::fuzzing
