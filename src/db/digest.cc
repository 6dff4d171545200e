#include "db/digest.h"

#include <cstdio>

#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/stream_value.h"
#include "db/zset_value.h"

namespace corvid {

namespace {

void xor_in(Sha1& digest, std::string_view data) {
  const Sha1 h = sha1(data);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= h[i];
}

void mix_in(Sha1& digest, std::string_view data) {
  xor_in(digest, data);
  digest = sha1(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

void mix_u32(Sha1& digest, uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  mix_in(digest, std::string_view(bytes, 4));
}

// XORs in the SHA-1 of another digest (how element and key digests are combined).
void xor_digest(Sha1& into, const Sha1& other) {
  xor_in(into, std::string_view(reinterpret_cast<const char*>(other.data()), other.size()));
}

// Redis's object type numbers.
uint32_t type_number(ValueType type) {
  switch (type) {
    case ValueType::String: return 0;
    case ValueType::List: return 1;
    case ValueType::Set: return 2;
    case ValueType::ZSet: return 3;
    case ValueType::Hash: return 4;
    case ValueType::Stream: return 6;
  }
  return 0;
}

void add_value(Sha1& digest, const KeyEntry& entry) {
  mix_u32(digest, type_number(entry.type()));
  switch (entry.type()) {
    case ValueType::String: {
      char scratch[24];
      mix_in(digest, entry.string_value(scratch));
      break;
    }
    case ValueType::List:
      entry.object_as<ListValue>().items().for_each([&](std::string_view element) { mix_in(digest, element); });
      break;
    case ValueType::Set:
      entry.object_as<SetValue>().for_each([&](std::string_view member) { xor_in(digest, member); });
      break;
    case ValueType::ZSet:
      entry.object_as<ZSetValue>().for_each([&](std::string_view member, double score) {
        Sha1 element{};
        mix_in(element, member);
        char text[64];
        const int n = std::snprintf(text, sizeof text, "%.17g", score);
        mix_in(element, std::string_view(text, static_cast<size_t>(n)));
        xor_digest(digest, element);
      });
      break;
    case ValueType::Hash:
      entry.object_as<HashValue>().for_each([&](std::string_view field, std::string_view value) {
        Sha1 element{};
        mix_in(element, field);
        mix_in(element, value);
        xor_digest(digest, element);
      });
      break;
    case ValueType::Stream:
      // Entries in order: "ms.seq", then each field and value.
      entry.object_as<StreamValue>().stream().visit(StreamID::min(), StreamID::max(), false,
                                                    [&](const Stream::Entry& e) {
                                                      mix_in(digest, std::to_string(e.id.ms) + "." +
                                                                         std::to_string(e.id.seq));
                                                      for (const auto& [field, value] : e.fields) {
                                                        mix_in(digest, field);
                                                        mix_in(digest, value);
                                                      }
                                                      return true;
                                                    });
      break;
  }
  if (entry.has_expiry()) xor_in(digest, "!!expire!!");
}

}  // namespace

Sha1 value_digest(const KeyEntry& entry) {
  Sha1 digest{};
  add_value(digest, entry);
  return digest;
}

Sha1 dataset_digest(const std::vector<Database*>& databases) {
  Sha1 final{};
  for (Database* db : databases) {
    if (db->size() == 0) continue;
    mix_u32(final, static_cast<uint32_t>(db->index()));
    db->for_each([&](KeyEntry& entry) {
      Sha1 digest{};
      mix_in(digest, entry.key());
      add_value(digest, entry);
      xor_digest(final, digest);
    });
  }
  return final;
}

}  // namespace corvid
