#include "commands/command_keys.h"

#include "commands/context.h"
#include "core/number_format.h"

namespace corvid {

namespace {

// Keys the specs locate in `args`; false when a spec cannot be applied to them (unknown
// shape, an incomplete spec, a key count or position that does not fit), in which case
// the command's own finder gets a chance.
bool keys_from_specs(std::span<const KeySpec> specs, std::span<const std::string_view> args,
                     std::vector<KeyRef>& keys) {
  const int argc = static_cast<int>(args.size());
  for (const KeySpec& k : specs) {
    if (k.flags & kKeyNotKey) continue;
    int first = 0;
    switch (k.search) {
      case KeySearch::Index:
        first = k.begin_index;
        break;
      case KeySearch::Keyword: {
        // Forwards, a keyword in the last place has no key after it; backwards, the
        // search stops short of the first argument, as Redis's does.
        if (k.begin_index > 0) {
          for (int i = k.begin_index; i < argc - 1; ++i) {
            if (equals_ignore_case(args[i], k.keyword)) {
              first = i + 1;
              break;
            }
          }
        } else {
          for (int i = argc + k.begin_index; i > 1 && i < argc; --i) {
            if (equals_ignore_case(args[i], k.keyword)) {
              first = i + 1;
              break;
            }
          }
        }
        // An absent keyword means the optional keys are not there, which is fine.
        if (first == 0) continue;
        break;
      }
      case KeySearch::Unknown:
        return false;
    }

    int last = 0;
    int step = k.key_step;
    switch (k.find) {
      case KeyFind::Range:
        if (k.last_key >= 0) {
          last = first + k.last_key;
        } else if (k.limit == 0) {
          last = argc + k.last_key;
        } else {
          last = first + ((argc - first) / k.limit + k.last_key);
        }
        break;
      case KeyFind::KeyNum: {
        if (k.keynum_index >= argc - first) return false;
        auto count = parse_int64(args[first + k.keynum_index]);
        if (!count || *count < 0) return false;
        if (*count > argc) return false;  // also keeps the arithmetic below in range
        first += k.first_key;
        last = first + static_cast<int>(*count) - 1;
        break;
      }
      case KeyFind::Unknown:
        return false;
    }
    if (step < 1 || first >= argc || last >= argc || last < first) return false;
    for (int i = first; i <= last; i += step) keys.push_back({i, k.flags});
    // The keys found so far are right but there may be more the spec cannot see.
    if (k.flags & kKeyIncomplete) return false;
  }
  return true;
}

}  // namespace

bool has_key_arguments(const CommandSpec& spec) {
  if (spec.get_keys != nullptr) return true;
  for (const KeySpec& k : spec.key_specs) {
    if (!(k.flags & kKeyNotKey)) return true;
  }
  return false;
}

std::vector<KeyRef> command_keys(const CommandSpec& spec, std::span<const std::string_view> args) {
  bool variable_flags = false;
  for (const KeySpec& k : spec.key_specs) variable_flags |= (k.flags & kKeyVariableFlags) != 0;
  std::vector<KeyRef> keys;
  // With flags that depend on the arguments, only the command's finder knows them; the
  // specs still locate the keys when a command has no finder.
  bool specs_first = !(variable_flags && spec.get_keys != nullptr);
  if (specs_first) {
    if (keys_from_specs(spec.key_specs, args, keys)) return keys;
    keys.clear();
  }
  if (spec.get_keys != nullptr) spec.get_keys(args, keys);
  return keys;
}

}  // namespace corvid
