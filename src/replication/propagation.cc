#include "replication/propagation.h"

#include <algorithm>

namespace corvid {

void Propagator::add_sink(PropagationSink* sink) {
  if (std::find(sinks_.begin(), sinks_.end(), sink) == sinks_.end()) sinks_.push_back(sink);
}

void Propagator::remove_sink(PropagationSink* sink) { std::erase(sinks_, sink); }

std::string Propagator::encode(std::span<const std::string_view> argv) {
  std::string out;
  size_t size = 16;
  for (std::string_view a : argv) size += a.size() + 16;
  out.reserve(size);
  out.push_back('*');
  out.append(std::to_string(argv.size()));
  out.append("\r\n");
  for (std::string_view a : argv) {
    out.push_back('$');
    out.append(std::to_string(a.size()));
    out.append("\r\n");
    out.append(a);
    out.append("\r\n");
  }
  return out;
}

void Propagator::add(int db, std::span<const std::string_view> argv, uint8_t targets) {
  add_unmasked(db, argv, targets & target_mask_);
}

void Propagator::add_unmasked(int db, std::span<const std::string_view> argv, uint8_t targets) {
  if (sinks_.empty() || paused_ > 0 || targets == 0) return;
  pending_.push_back(Op{db, encode(argv), targets});
  if (depth_ == 0) flush();
}

void Propagator::key_deleted(int db, std::string_view key, bool lazy) {
  // A key that is gone is gone everywhere, whatever a script asked of its own writes.
  const std::string_view argv[] = {lazy ? "UNLINK" : "DEL", key};
  add_unmasked(db, argv, kToAll);
}

void Propagator::replace(std::vector<std::string> argv) { replacements_.push_back(std::move(argv)); }

void Propagator::clear_command_state() {
  replacements_.clear();
  suppressed_ = false;
  forced_ = 0;
}

void Propagator::command_done(int db, std::span<const std::string_view> args, bool changed) {
  if (sinks_.empty() || suppressed_ || paused_ > 0) {
    clear_command_state();
    return;
  }
  if (!changed && forced_ == 0) {
    clear_command_state();
    if (depth_ == 0) flush();
    return;
  }
  const uint8_t targets = (forced_ != 0 ? forced_ : static_cast<uint8_t>(kToAll)) & target_mask_;
  if (targets == 0) {
    clear_command_state();
    if (depth_ == 0) flush();
    return;
  }
  if (!replacements_.empty()) {
    // The handler said exactly what replays it.
    for (const std::vector<std::string>& op : replacements_) {
      std::vector<std::string_view> views(op.begin(), op.end());
      pending_.push_back(Op{db, encode(views), targets});
    }
  } else {
    pending_.push_back(Op{db, encode(args), targets});
  }
  clear_command_state();
  if (depth_ == 0) flush();
}

void Propagator::end_unit() {
  if (depth_ > 0) --depth_;
  if (depth_ == 0) flush();
}

void Propagator::flush() {
  if (pending_.empty()) return;
  std::vector<Op> ops;
  ops.swap(pending_);
  // Several operations replay as one transaction; MULTI is given the first one's database
  // so that a SELECT, if needed, comes before it.
  const bool wrap = ops.size() > 1;
  uint8_t all_targets = 0;
  for (const Op& op : ops) all_targets |= op.targets;
  static const std::string kMulti = "*1\r\n$5\r\nMULTI\r\n";
  static const std::string kExec = "*1\r\n$4\r\nEXEC\r\n";
  // A copy: a sink may be removed while it is fed (the last replica closed for its
  // output limit), and it still gets this whole batch (to no one).
  const std::vector<PropagationSink*> sinks = sinks_;
  for (PropagationSink* sink : sinks) {
    if (wrap) sink->propagate(ops.front().db, kMulti, all_targets);
    for (const Op& op : ops) sink->propagate(op.db, op.resp, op.targets);
    if (wrap) sink->propagate(ops.back().db, kExec, all_targets);
  }
}

}  // namespace corvid
