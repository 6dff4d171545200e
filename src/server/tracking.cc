#include "server/tracking.h"

#include <algorithm>

#include "net/connection.h"

namespace corvid {

void Tracking::enable(Connection& client, const TrackingOptions& options) {
  TrackingState& state = clients_[client.id()];
  // A pending CLIENT CACHING survives re-enabling, as in Redis; the rest is replaced.
  state.redirect = options.redirect;
  state.broken_redirect = false;
  state.bcast = options.bcast;
  state.optin = options.optin;
  state.optout = options.optout;
  state.noloop = options.noloop;
  if (!options.bcast) return;
  auto add_prefix = [&](std::string_view name) {
    auto at = std::lower_bound(state.prefixes.begin(), state.prefixes.end(), name);
    if (at == state.prefixes.end() || *at != name) state.prefixes.emplace(at, name);
    auto prefix = prefixes_.find(name);
    if (prefix == prefixes_.end()) prefix = prefixes_.emplace(std::string(name), Prefix{}).first;
    std::vector<uint64_t>& ids = prefix->second.clients;
    if (std::find(ids.begin(), ids.end(), client.id()) == ids.end()) ids.push_back(client.id());
  };
  // BCAST without prefixes follows every key: the empty prefix.
  if (options.prefixes.empty()) add_prefix("");
  for (std::string_view name : options.prefixes) add_prefix(name);
}

void Tracking::disable(Connection& client) {
  auto it = clients_.find(client.id());
  if (it == clients_.end()) return;
  // Keys it read stay in the table under its id: they are skipped, and dropped when they
  // change, as in Redis.
  if (it->second.bcast) remove_from_prefixes(client.id(), it->second);
  clients_.erase(it);
}

void Tracking::remove_from_prefixes(uint64_t client_id, const TrackingState& state) {
  for (const std::string& name : state.prefixes) {
    auto prefix = prefixes_.find(name);
    if (prefix == prefixes_.end()) continue;
    std::erase(prefix->second.clients, client_id);
    if (prefix->second.clients.empty()) prefixes_.erase(prefix);
  }
}

const TrackingState* Tracking::state(const Connection& client) const {
  auto it = clients_.find(client.id());
  return it == clients_.end() ? nullptr : &it->second;
}

void Tracking::set_caching(Connection& client) {
  auto it = clients_.find(client.id());
  if (it != clients_.end()) it->second.caching = true;
}

void Tracking::clear_caching(Connection& client) {
  if (clients_.empty()) return;
  auto it = clients_.find(client.id());
  if (it != clients_.end()) it->second.caching = false;
}

bool Tracking::remembers_reads(const Connection& client) const {
  if (clients_.empty()) return false;
  const TrackingState* s = state(client);
  if (s == nullptr || s->bcast) return false;
  // OPTIN tracks only after CLIENT CACHING YES; OPTOUT tracks unless CLIENT CACHING NO.
  return !((s->optin && !s->caching) || (s->optout && s->caching));
}

void Tracking::remember(const Connection& client, std::span<const std::string_view> keys) {
  for (std::string_view key : keys) {
    auto it = keys_.find(key);
    if (it == keys_.end()) it = keys_.emplace(std::string(key), std::vector<uint64_t>()).first;
    std::vector<uint64_t>& ids = it->second;
    auto at = std::lower_bound(ids.begin(), ids.end(), client.id());
    if (at != ids.end() && *at == client.id()) continue;
    ids.insert(at, client.id());
    ++total_items_;
  }
}

uint64_t Tracking::current_id() const { return current_ == nullptr ? 0 : current_->id(); }

void Tracking::key_changed(std::string_view key) {
  for (auto& [name, prefix] : prefixes_) {
    if (key.starts_with(name)) prefix.changed.insert_or_assign(std::string(key), current_id());
  }
  if (!keys_.empty()) invalidate_key(key);
}

void Tracking::invalidate_key(std::string_view key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  // Taken out of the table first, and kept for the messages.
  auto entry = keys_.extract(it);
  const std::string& name = entry.key();
  const std::vector<uint64_t>& ids = entry.mapped();
  total_items_ -= ids.size();
  const std::string_view keys[] = {name};
  for (uint64_t id : ids) {
    Connection* target = host_.find_client(id);
    auto tracked = clients_.find(id);
    // A client that stopped tracking, or moved to BCAST, is no longer told of keys it read.
    if (target == nullptr || tracked == clients_.end() || tracked->second.bcast) continue;
    if (tracked->second.noloop && target == current_) continue;
    if (target == current_ && executing_) {
      deferred_.emplace_back(name);
      continue;
    }
    send(*target, tracked->second, {.keys = keys});
  }
}

void Tracking::invalidate_all() {
  for (auto& [id, state] : clients_) {
    Connection* client = host_.find_client(id);
    if (client == nullptr) continue;
    if (client == current_ && executing_) {
      deferred_.emplace_back(std::nullopt);
    } else {
      send(*client, state, {.all = true});
    }
  }
  keys_.clear();
  total_items_ = 0;
}

void Tracking::end_command() {
  executing_ = false;
  if (deferred_.empty()) return;
  std::vector<std::optional<std::string>> pending;
  pending.swap(deferred_);
  if (current_ == nullptr || current_->closed()) return;
  auto tracked = clients_.find(current_->id());
  if (tracked == clients_.end()) return;
  for (const std::optional<std::string>& key : pending) {
    if (!key) {
      send(*current_, tracked->second, {.all = true});
      continue;
    }
    const std::string_view keys[] = {*key};
    send(*current_, tracked->second, {.keys = keys});
  }
}

void Tracking::broadcast() {
  if (clients_.empty()) return;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> not_their_own;
  for (auto& [name, prefix] : prefixes_) {
    if (prefix.changed.empty()) continue;
    keys.clear();
    for (const auto& [key, changed_by] : prefix.changed) keys.push_back(key);
    for (uint64_t id : prefix.clients) {
      Connection* client = host_.find_client(id);
      auto tracked = clients_.find(id);
      if (client == nullptr || tracked == clients_.end()) continue;
      if (!tracked->second.noloop) {
        send(*client, tracked->second, {.keys = keys});
        continue;
      }
      not_their_own.clear();
      for (const auto& [key, changed_by] : prefix.changed) {
        if (changed_by != id) not_their_own.push_back(key);
      }
      if (!not_their_own.empty()) send(*client, tracked->second, {.keys = not_their_own});
    }
    prefix.changed.clear();
  }
}

void Tracking::enforce_limit(uint64_t max_keys) {
  if (max_keys == 0 || keys_.size() <= max_keys) {
    limit_misses_ = 0;
    return;
  }
  // Redis's effort rule: a hundred keys per call, more each time the last call could not
  // get under the limit, so that a burst is absorbed over a few commands.
  for (unsigned effort = 100 * (limit_misses_ + 1); effort > 0 && !keys_.empty(); --effort) {
    // A random non-empty bucket, so that the keys dropped are a fair sample.
    size_t buckets = keys_.bucket_count();
    size_t bucket = random_() % buckets;
    while (keys_.bucket_size(bucket) == 0) bucket = (bucket + 1) % buckets;
    std::string key = keys_.begin(bucket)->first;
    invalidate_key(key);
    if (keys_.size() <= max_keys) {
      limit_misses_ = 0;
      return;
    }
  }
  ++limit_misses_;
}

void Tracking::send(Connection& tracker, TrackingState& state, const Invalidation& what) {
  Connection* receiver = &tracker;
  bool redirected = false;
  if (state.redirect != 0) {
    receiver = host_.find_client(state.redirect);
    if (receiver == nullptr) {
      // The target went away: the tracker is told (if it can take pushes) each time.
      state.broken_redirect = true;
      if (!tracker.reply().resp3()) return;
      ReplyWriter& out = tracker.reply();
      out.push(2);
      out.bulk("tracking-redir-broken");
      out.integer(static_cast<int64_t>(state.redirect));
      tracker.keep_pushed_output();
      host_.on_message_queued(tracker);
      return;
    }
    redirected = true;
  }
  ReplyWriter& out = receiver->reply();
  if (out.resp3()) {
    out.push(2);
    out.bulk("invalidate");
  } else if (redirected && receiver->subscribed()) {
    // RESP2 has no pushes: a redirect target in pub/sub mode gets a Pub/Sub message.
    out.array(3);
    out.bulk("message");
    out.bulk("__redis__:invalidate");
  } else {
    return;  // a RESP2 client cannot be told anything on its own connection
  }
  if (what.all) {
    // The null is in the tracker's protocol, even when the receiver speaks another (Redis
    // 7.0 does the same).
    out.raw(tracker.reply().resp3() ? "_\r\n" : "$-1\r\n");
  } else {
    out.array(what.keys.size());
    for (std::string_view key : what.keys) out.bulk(key);
  }
  receiver->keep_pushed_output();
  host_.on_message_queued(*receiver);
}

}  // namespace corvid
