#include "server/slowlog.h"

#include "server/redaction.h"

namespace corvid {

namespace {

constexpr size_t kMaxArguments = 32;
constexpr size_t kMaxArgumentBytes = 128;

}  // namespace

void SlowLog::record(int64_t unix_seconds, uint64_t duration_us, std::string_view full_name,
                     std::span<const std::string_view> args, std::string client_address, std::string client_name,
                     size_t max_len) {
  SlowLogEntry entry{next_id_++, unix_seconds, duration_us, {}, std::move(client_address), std::move(client_name)};
  size_t shown = args.size() > kMaxArguments ? kMaxArguments - 1 : args.size();
  entry.args.reserve(shown + 1);
  for (size_t i = 0; i < shown; ++i) {
    std::string_view arg = args[i];
    if (is_secret_argument(full_name, args, i)) {
      entry.args.emplace_back("(redacted)");
    } else if (arg.size() > kMaxArgumentBytes) {
      entry.args.emplace_back(arg.substr(0, kMaxArgumentBytes));
      entry.args.back() += "... (" + std::to_string(arg.size() - kMaxArgumentBytes) + " more bytes)";
    } else {
      entry.args.emplace_back(arg);
    }
  }
  if (shown < args.size()) entry.args.push_back("... (" + std::to_string(args.size() - shown) + " more arguments)");
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace corvid
