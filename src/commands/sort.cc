// SORT and SORT_RO: the elements of a list, set or sorted set, ordered by themselves or
// by values found through BY patterns, optionally mapped through GET patterns and stored.
//
// The details follow Redis 7.0 closely because they show in replies:
//  - numeric ties fall back to comparing the elements' bytes; ALPHA ties (equal BY values,
//    or strings equal up to a NUL byte) keep the elements' loading order, since a full sort
//    is stable (glibc's qsort is a merge sort) while a BY sort with a LIMIT uses a partial
//    quicksort whose tie order we reproduce step for step;
//  - ALPHA compares like strcoll() under the C / C.UTF-8 locale (byte order, stopping at a
//    NUL byte), except with STORE, where whole byte strings are compared;
//  - numbers are read with strtod(), so " 1", "0x10" and "inf" sort as numbers;
//  - a sorted set is converted to its skiplist encoding, even by SORT_RO.
// Not applicable yet: the cluster-mode and ACL refusals of BY/GET, and the forced sort
// of sets under BY nosort inside scripts.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "commands/context.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/zset_value.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kScoreNotDouble = "ERR One or more scores can't be converted into double";

struct SortRequest {
  bool descending = false;
  bool alpha = false;
  // BY with a pattern that has no '*': keep the collection's own order.
  bool dont_sort = false;
  int64_t limit_offset = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

// Options are read left to right and the first bad one is reported; later ones override
// earlier ones (DESC ASC sorts ascending, the last STORE wins).
std::optional<SortRequest> parse_request(CommandContext& ctx, bool read_only) {
  SortRequest request;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string_view word = ctx.arg(i);
    const size_t remaining = ctx.argc() - i - 1;
    if (equals_ignore_case(word, "asc")) {
      request.descending = false;
    } else if (equals_ignore_case(word, "desc")) {
      request.descending = true;
    } else if (equals_ignore_case(word, "alpha")) {
      request.alpha = true;
    } else if (equals_ignore_case(word, "limit") && remaining >= 2) {
      const auto offset = ctx.int_arg(i + 1);
      if (!offset) return std::nullopt;
      const auto count = ctx.int_arg(i + 2);
      if (!count) return std::nullopt;
      request.limit_offset = *offset;
      request.limit_count = *count;
      i += 2;
    } else if (!read_only && equals_ignore_case(word, "store") && remaining >= 1) {
      request.store = ctx.arg(++i);
    } else if (equals_ignore_case(word, "by") && remaining >= 1) {
      request.by = ctx.arg(++i);
      // Sticky: a later BY with a '*' does not bring sorting back.
      if (up_to_nul(*request.by).find('*') == std::string_view::npos) {
        request.dont_sort = true;
      } else if (!ctx.server.may_read_every_key(ctx.client)) {
        // A pattern reads keys no key spec names: only a user who may read any key may use one.
        ctx.reply.error("ERR BY option of SORT denied due to insufficient ACL permissions.");
        return std::nullopt;
      }
    } else if (equals_ignore_case(word, "get") && remaining >= 1) {
      if (!ctx.server.may_read_every_key(ctx.client)) {
        ctx.reply.error("ERR GET option of SORT denied due to insufficient ACL permissions.");
        return std::nullopt;
      }
      request.gets.push_back(ctx.arg(++i));
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return request;
}

// The value a BY/GET pattern names for `element`: "#" is the element itself; otherwise the
// first '*' is replaced by the element, giving a string key, or a hash key and field when
// "->field" follows the '*'. nullopt when there is no '*', or the key is missing or of
// another type, or the field is missing.
std::optional<std::string> resolve_pattern(Database& db, std::string_view pattern, std::string_view element) {
  if (!pattern.empty() && pattern[0] == '#' && (pattern.size() == 1 || pattern[1] == '\0')) {
    return std::string(element);
  }
  const std::string_view searchable = up_to_nul(pattern);
  const size_t star = searchable.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t key_end = pattern.size();
  std::string_view field;
  const size_t arrow = searchable.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < searchable.size()) {
    key_end = arrow;
    field = pattern.substr(arrow + 2);
  }
  std::string key;
  key.reserve(key_end - 1 + element.size());
  key.append(pattern.substr(0, star)).append(element).append(pattern.substr(star + 1, key_end - star - 1));

  const KeyEntry* entry = db.lookup_read(key);
  if (entry == nullptr) return std::nullopt;
  if (!field.empty()) {
    if (entry->type() != ValueType::Hash) return std::nullopt;
    HashValue::Scratch scratch;
    const auto value = entry->object_as<HashValue>().get(field, scratch);
    if (!value) return std::nullopt;
    return std::string(*value);
  }
  if (entry->type() != ValueType::String) return std::nullopt;
  char scratch[24];
  return std::string(entry->string_value(scratch));
}

// strtod() over the whole value. A NUL byte ends the number as it ends a C string, so
// "1\0x" reads as 1, as in Redis. Unlike Redis, errno is cleared first: Redis inherits a
// stale ERANGE from whatever set it last, failing sorts of valid numbers until something
// else resets it, which no client can rely on.
std::optional<double> parse_score(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double score = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || std::isnan(score)) return std::nullopt;
  return score;
}

struct SortItem {
  explicit SortItem(std::string_view e) : element(e) {}

  std::string element;
  double score = 0;
  std::optional<std::string> by_value;  // ALPHA with BY: what to compare
};

int byte_order(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return (c > 0) - (c < 0);
}

// strcoll() under the C / C.UTF-8 locale.
int collation_order(std::string_view a, std::string_view b) { return byte_order(up_to_nul(a), up_to_nul(b)); }

class SortOrder {
 public:
  explicit SortOrder(const SortRequest& request) : request_(request) {}

  int operator()(const SortItem& a, const SortItem& b) const {
    const int c = ascending(a, b);
    return request_.descending ? -c : c;
  }

 private:
  int ascending(const SortItem& a, const SortItem& b) const {
    const bool exact = request_.store.has_value();
    if (!request_.alpha) {
      if (a.score > b.score) return 1;
      if (a.score < b.score) return -1;
      return byte_order(a.element, b.element);
    }
    if (!request_.by) return exact ? byte_order(a.element, b.element) : collation_order(a.element, b.element);
    // Elements whose BY key is missing come first.
    if (!a.by_value || !b.by_value) return a.by_value.has_value() - b.by_value.has_value();
    return exact ? byte_order(*a.by_value, *b.by_value) : collation_order(*a.by_value, *b.by_value);
  }

  const SortRequest& request_;
};

// Sorts enough of items[first, first + n) that positions [low, high] hold what a full sort
// would put there: Bentley and McIlroy's quicksort ("Engineering a Sort Function", 1993),
// as in the BSD libc (without its switch to insertion sort after an exchange-free pass),
// skipping partitions outside the range. Not stable: it is kept exactly as Redis runs it
// because the order of ties shows in SORT ... BY ... LIMIT replies.
class PartialQuicksort {
 public:
  PartialQuicksort(std::vector<SortItem>& items, const SortOrder& order, int64_t low, int64_t high)
      : items_(items), order_(order), low_(low), high_(high) {}

  void sort(int64_t first, int64_t n) {
    for (;;) {
      if (n < 7) {
        insertion_sort(first, n);
        return;
      }
      int64_t middle = first + n / 2;
      if (n > 7) {
        int64_t left = first;
        int64_t right = first + n - 1;
        if (n > 40) {
          const int64_t d = n / 8;
          left = median_of_three(left, left + d, left + 2 * d);
          middle = median_of_three(middle - d, middle, middle + d);
          right = median_of_three(right - 2 * d, right - d, right);
        }
        middle = median_of_three(left, middle, right);
      }
      swap(first, middle);
      // Partition around items[first] into [equal | less | ... | greater | equal].
      int64_t equal_low_end = first + 1;
      int64_t scan_low = first + 1;
      int64_t scan_high = first + n - 1;
      int64_t equal_high_begin = scan_high;
      for (;;) {
        int c;
        while (scan_low <= scan_high && (c = compare(scan_low, first)) <= 0) {
          if (c == 0) swap(equal_low_end++, scan_low);
          ++scan_low;
        }
        while (scan_low <= scan_high && (c = compare(scan_high, first)) >= 0) {
          if (c == 0) swap(scan_high, equal_high_begin--);
          --scan_high;
        }
        if (scan_low > scan_high) break;
        swap(scan_low++, scan_high--);
      }
      const int64_t end = first + n;
      int64_t r = std::min(equal_low_end - first, scan_low - equal_low_end);
      swap_ranges(first, scan_low - r, r);
      r = std::min(equal_high_begin - scan_high, end - equal_high_begin - 1);
      swap_ranges(scan_low, end - r, r);

      const int64_t less_count = scan_low - equal_low_end;
      if (less_count > 1 && overlaps_range(first, less_count)) sort(first, less_count);
      const int64_t greater_count = equal_high_begin - scan_high;
      if (greater_count <= 1) return;
      first = end - greater_count;
      n = greater_count;
      if (!overlaps_range(first, n)) return;
    }
  }

 private:
  int compare(int64_t a, int64_t b) const { return order_(items_[a], items_[b]); }
  void swap(int64_t a, int64_t b) { std::swap(items_[a], items_[b]); }
  void swap_ranges(int64_t a, int64_t b, int64_t count) {
    for (int64_t i = 0; i < count; ++i) swap(a + i, b + i);
  }
  bool overlaps_range(int64_t first, int64_t n) const {
    const int64_t last = first + n - 1;
    return !((low_ < first && high_ < first) || (low_ > last && high_ > last));
  }
  int64_t median_of_three(int64_t a, int64_t b, int64_t c) const {
    if (compare(a, b) < 0) return compare(b, c) < 0 ? b : (compare(a, c) < 0 ? c : a);
    return compare(b, c) > 0 ? b : (compare(a, c) < 0 ? a : c);
  }
  void insertion_sort(int64_t first, int64_t n) {
    for (int64_t i = first + 1; i < first + n; ++i) {
      for (int64_t j = i; j > first && compare(j - 1, j) > 0; --j) swap(j, j - 1);
    }
  }

  std::vector<SortItem>& items_;
  const SortOrder& order_;
  int64_t low_;
  int64_t high_;
};

// The output window [start, end] over the loaded elements (end < start when empty), as
// Redis derives it from LIMIT: a negative offset is 0, a negative count means "all".
struct Window {
  int64_t start;
  int64_t end;
};

Window output_window(const SortRequest& request, int64_t size) {
  const int64_t start = std::max<int64_t>(request.limit_offset, 0);
  if (start >= size) return {size - 1, size - 2};
  if (request.limit_count < 0) return {start, size - 1};
  return {start, std::min(start + std::min(request.limit_count, size) - 1, size - 1)};
}

std::vector<SortItem> load_list(const ListValue& list, const SortRequest& request, Window& window) {
  std::vector<SortItem> items;
  const Quicklist& q = list.items();
  Quicklist::Scratch scratch;
  if (!request.dont_sort) {
    items.reserve(q.size());
    for (Quicklist::Position p = q.first(); p; p = q.step(p, Quicklist::Direction::Forward)) {
      items.emplace_back(q.get(p, scratch));
    }
    return items;
  }
  // Unsorted: only the window is loaded, walking from its first element (counted from the
  // tail with DESC), and the window then covers all of it.
  if (window.end < window.start) return items;
  const int64_t count = window.end - window.start + 1;
  const auto direction = request.descending ? Quicklist::Direction::Backward : Quicklist::Direction::Forward;
  Quicklist::Position p = q.at(request.descending ? -1 - window.start : window.start);
  items.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count && p; ++i, p = q.step(p, direction)) items.emplace_back(q.get(p, scratch));
  window = {0, window.end - window.start};
  return items;
}

std::vector<SortItem> load_zset(const ZSetValue& zset, const SortRequest& request, Window& window) {
  std::vector<SortItem> items;
  auto add = [&items](std::string_view member, double) { items.emplace_back(member); };
  if (!request.dont_sort) {
    items.reserve(zset.size());
    zset.for_each(add);
    return items;
  }
  // Unsorted: the window's ranks, from the top with DESC.
  const int64_t count = std::max<int64_t>(window.end - window.start + 1, 0);
  const int64_t size = static_cast<int64_t>(zset.size());
  if (count > 0) {
    const int64_t first = request.descending ? size - window.start - count : window.start;
    items.reserve(static_cast<size_t>(count));
    zset.visit_ranks(static_cast<size_t>(first), static_cast<size_t>(first + count), request.descending, add);
  }
  window = {0, window.end - window.start};
  return items;
}

std::vector<SortItem> load_set(const SetValue& set) {
  std::vector<SortItem> items;
  items.reserve(set.size());
  set.for_each([&items](std::string_view member) { items.emplace_back(member); });
  return items;
}

// Fills in what the items are compared by; false when a numeric sort meets a value that
// is not a number (every value is still looked up, as Redis does).
bool load_sort_keys(CommandContext& ctx, const SortRequest& request, std::vector<SortItem>& items) {
  bool all_numeric = true;
  for (SortItem& item : items) {
    std::optional<std::string> by_value;
    if (request.by) {
      by_value = resolve_pattern(ctx.db, *request.by, item.element);
      if (!by_value) continue;
    }
    if (request.alpha) {
      if (request.by) item.by_value = std::move(by_value);
      continue;
    }
    const auto score = parse_score(request.by ? *by_value : item.element);
    if (score) {
      item.score = *score;
    } else {
      all_numeric = false;
    }
  }
  return all_numeric;
}

void sort_generic(CommandContext& ctx, bool read_only) {
  auto parsed = parse_request(ctx, read_only);
  if (!parsed) return;
  SortRequest& request = *parsed;

  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry != nullptr && entry->type() != ValueType::List && entry->type() != ValueType::Set &&
      entry->type() != ValueType::ZSet) {
    ctx.reply.error(errors::kWrongType);
    return;
  }
  // A set's storage order means nothing, so whatever is stored must be in a defined order.
  if (request.dont_sort && entry != nullptr && entry->type() == ValueType::Set && request.store) {
    request.dont_sort = false;
    request.alpha = true;
    request.by.reset();
  }
  if (entry != nullptr && entry->type() == ValueType::ZSet && entry->encoding() == Encoding::Listpack) {
    entry->object_as<ZSetValue>().convert_to_skiplist();
  }

  std::vector<SortItem> items;
  Window window{-1, -2};
  if (entry != nullptr) {
    switch (entry->type()) {
      case ValueType::List: {
        const auto& list = entry->object_as<ListValue>();
        window = output_window(request, static_cast<int64_t>(list.size()));
        items = load_list(list, request, window);
        break;
      }
      case ValueType::ZSet: {
        const auto& zset = entry->object_as<ZSetValue>();
        window = output_window(request, static_cast<int64_t>(zset.size()));
        items = load_zset(zset, request, window);
        break;
      }
      default: {
        const auto& set = entry->object_as<SetValue>();
        window = output_window(request, static_cast<int64_t>(set.size()));
        items = load_set(set);
      }
    }
  }

  bool all_numeric = true;
  if (!request.dont_sort) {
    all_numeric = load_sort_keys(ctx, request, items);
    const SortOrder order(request);
    const auto size = static_cast<int64_t>(items.size());
    if (request.by && (window.start != 0 || window.end != size - 1)) {
      PartialQuicksort(items, order, window.start, window.end).sort(0, size);
    } else {
      std::stable_sort(items.begin(), items.end(),
                       [&order](const SortItem& a, const SortItem& b) { return order(a, b) < 0; });
    }
  }
  if (!all_numeric) {
    ctx.reply.error(kScoreNotDouble);
    return;
  }

  const int64_t selected = window.end - window.start + 1;
  const int64_t output_length = request.gets.empty() ? selected : selected * static_cast<int64_t>(request.gets.size());
  if (!request.store) {
    ctx.reply.array(static_cast<size_t>(output_length));
    for (int64_t j = window.start; j <= window.end; ++j) {
      const std::string& element = items[static_cast<size_t>(j)].element;
      if (request.gets.empty()) ctx.reply.bulk(element);
      for (std::string_view pattern : request.gets) {
        const auto value = resolve_pattern(ctx.db, pattern, element);
        if (value) {
          ctx.reply.bulk(*value);
        } else {
          ctx.reply.null();
        }
      }
    }
    return;
  }

  const std::string_view destination = *request.store;
  const ValueLimits limits = value_limits(ctx.server.config());
  Quicklist stored(limits.list_fill, limits.list_compress_depth);
  for (int64_t j = window.start; j <= window.end; ++j) {
    const std::string& element = items[static_cast<size_t>(j)].element;
    if (request.gets.empty()) stored.push_back(element);
    for (std::string_view pattern : request.gets) {
      stored.push_back(resolve_pattern(ctx.db, pattern, element).value_or(std::string()));
    }
  }
  if (output_length > 0) {
    ctx.db.upsert(KeyEntry::create_object(destination, ValueType::List,
                                          std::make_unique<ListValue>(std::move(stored)), KeyEntry::kNoExpiry));
    ctx.db.key_changed(destination, kEventList, "sortstore");
    // Redis counts every stored element as a change; key_changed counted one.
    ctx.server.keyspace_stats().dirty += static_cast<uint64_t>(output_length - 1);
  } else if (ctx.db.remove(destination)) {
    ctx.db.key_changed(destination, kEventGeneric, "del");
  }
  ctx.reply.integer(output_length);
}

void sort_command(CommandContext& ctx) { sort_generic(ctx, false); }
void sort_ro(CommandContext& ctx) { sort_generic(ctx, true); }

// The sorted key, and the destination of the last STORE. Options are skipped by their
// argument counts, so a BY or GET pattern spelled "store" is not taken for the keyword.
void sort_get_keys(std::span<const std::string_view> args, std::vector<KeyRef>& keys) {
  keys.push_back({1, kKeyRO | kKeyAccess});
  std::optional<int> destination;
  for (size_t i = 2; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "limit")) {
      i += 2;
    } else if (equals_ignore_case(args[i], "get") || equals_ignore_case(args[i], "by")) {
      i += 1;
    } else if (equals_ignore_case(args[i], "store") && i + 1 < args.size()) {
      destination = static_cast<int>(i + 1);
    }
  }
  if (destination) keys.push_back({*destination, kKeyOW | kKeyUpdate});
}

void sort_ro_get_keys(std::span<const std::string_view>, std::vector<KeyRef>& keys) {
  keys.push_back({1, kKeyRO | kKeyAccess});
}

// ---- the table ----------------------------------------------------------------------

constexpr std::string_view kPatternKeysNotes =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the "
    "key we sort";
constexpr std::string_view kStoreKeyNotes =
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument "
    "array";

constexpr KeySpec kSortKeys[] = {
    {kKeyRO | kKeyAccess, 1, 0, 1},
    {.flags = kKeyRO | kKeyAccess, .begin_index = 0, .last_key = 0, .key_step = 0, .search = KeySearch::Unknown,
     .find = KeyFind::Unknown, .notes = kPatternKeysNotes},
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 0, .last_key = 0, .key_step = 0, .search = KeySearch::Unknown,
     .find = KeyFind::Unknown, .notes = kStoreKeyNotes},
};
// SORT_RO has SORT's key specs but the STORE destination, which comes last.
constexpr std::span<const KeySpec> kSortRoKeys(kSortKeys, std::size(kSortKeys) - 1);

constexpr CommandArg kLimitArgs[] = {{"offset", ArgType::Integer}, {"count", ArgType::Integer}};
constexpr CommandArg kOrderArgs[] = {
    {.name = "asc", .type = ArgType::PureToken, .token = "ASC"},
    {.name = "desc", .type = ArgType::PureToken, .token = "DESC"},
};

// SORT_RO takes SORT's arguments but STORE, which comes last.
constexpr CommandArg kSortArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "pattern", .type = ArgType::Pattern, .key_spec_index = 1, .token = "BY", .flags = kArgOptional},
    {.name = "offset_count", .type = ArgType::Block, .token = "LIMIT", .flags = kArgOptional, .arguments = kLimitArgs},
    {.name = "pattern", .type = ArgType::Pattern, .key_spec_index = 1, .token = "GET",
     .flags = kArgOptional | kArgMultiple | kArgMultipleToken},
    {.name = "order", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kOrderArgs},
    {.name = "sorting", .type = ArgType::PureToken, .token = "ALPHA", .flags = kArgOptional},
    {.name = "destination", .type = ArgType::Key, .key_spec_index = 2, .token = "STORE", .flags = kArgOptional},
};
constexpr std::span<const CommandArg> kSortRoArgs(kSortArgs, std::size(kSortArgs) - 1);

constexpr std::string_view kSortComplexity =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned "
    "elements. When the elements are not sorted, complexity is O(N).";

constexpr uint32_t kSortCategories = kAclSet | kAclSortedSet | kAclList | kAclSlow | kAclDangerous;

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "sort", .arity = -2, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kSortCategories,
     .handler = sort_command, .key_specs = kSortKeys,
     .summary = "Orders the elements of a list, set or sorted set, optionally through other keys, and returns or "
                "stores them.",
     .since = "1.0.0", .group = "generic", .complexity = kSortComplexity, .arguments = kSortArgs,
     .get_keys = sort_get_keys},
    {.name = "sort_ro", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kAclRead | kSortCategories,
     .handler = sort_ro, .key_specs = kSortRoKeys,
     .summary = "Orders the elements of a list, set or sorted set, optionally through other keys; never stores.",
     .since = "7.0.0", .group = "generic", .complexity = kSortComplexity, .arguments = kSortRoArgs,
     .get_keys = sort_ro_get_keys},
};

}  // namespace

std::span<const CommandSpec> sort_commands() { return kCommands; }

}  // namespace corvid
