// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO: the client
// side of client-side caching (server/tracking.h keeps the state). Registered in the
// CLIENT table (commands/client.cc).

#include "commands/client_tracking.h"

#include <string>
#include <string_view>

#include "server/server.h"

namespace corvid {

namespace {

// Two prefixes overlap when one starts the other: a key could match both.
bool overlaps(std::string_view a, std::string_view b) {
  size_t common = std::min(a.size(), b.size());
  return a.substr(0, common) == b.substr(0, common);
}

std::string overlap_error(std::string_view prefix, std::string_view other, bool existing) {
  std::string message = "ERR Prefix '";
  message.append(up_to_nul(prefix));
  message.append(existing ? "' overlaps with an existing prefix '" : "' overlaps with another provided prefix '");
  message.append(up_to_nul(other));
  message.append("'. Prefixes for a single client must not overlap.");
  return message;
}

// BCAST prefixes may overlap neither the client's current prefixes nor each other.
// (Redis 7.0 replies an error and then +OK when the overlap is between two new prefixes
// other than the first; Corvid replies the error and changes nothing, as for the first.)
bool prefixes_are_disjoint(CommandContext& ctx, const TrackingState* state,
                           std::span<const std::string_view> prefixes) {
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (state != nullptr) {
      for (const std::string& existing : state->prefixes) {
        if (overlaps(existing, prefixes[i])) {
          ctx.reply.error(overlap_error(prefixes[i], existing, true));
          return false;
        }
      }
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (overlaps(prefixes[i], prefixes[j])) {
        ctx.reply.error(overlap_error(prefixes[i], prefixes[j], false));
        return false;
      }
    }
  }
  return true;
}

// The options after ON|OFF; nullopt once an error has been replied.
std::optional<TrackingOptions> parse_tracking_options(CommandContext& ctx) {
  TrackingOptions options;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view option = ctx.arg(j);
    bool has_value = j + 1 < ctx.argc();
    if (equals_ignore_case(option, "redirect") && has_value) {
      ++j;
      if (options.redirect != 0) {
        ctx.reply.error("ERR A client can only redirect to a single other client");
        return std::nullopt;
      }
      auto id = ctx.int_arg(j);
      if (!id) return std::nullopt;
      // The target must exist now, though it may go away later (a broken redirect).
      if (*id <= 0 || ctx.server.find_client(static_cast<uint64_t>(*id)) == nullptr) {
        ctx.reply.error("ERR The client ID you want redirect to does not exist");
        return std::nullopt;
      }
      options.redirect = static_cast<uint64_t>(*id);
    } else if (equals_ignore_case(option, "bcast")) {
      options.bcast = true;
    } else if (equals_ignore_case(option, "optin")) {
      options.optin = true;
    } else if (equals_ignore_case(option, "optout")) {
      options.optout = true;
    } else if (equals_ignore_case(option, "noloop")) {
      options.noloop = true;
    } else if (equals_ignore_case(option, "prefix") && has_value) {
      options.prefixes.push_back(ctx.arg(++j));
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

// The checks of CLIENT TRACKING ON, in Redis's order: the options against each other and
// against the mode the client is already tracking in.
bool tracking_options_allowed(CommandContext& ctx, const TrackingOptions& options, const TrackingState* state) {
  const char* error = nullptr;
  if (!options.bcast && !options.prefixes.empty()) {
    error = "ERR PREFIX option requires BCAST mode to be enabled";
  } else if (state != nullptr && state->bcast != options.bcast) {
    error = "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
            "re-enabling it with a different mode.";
  } else if (options.bcast && (options.optin || options.optout)) {
    error = "ERR OPTIN and OPTOUT are not compatible with BCAST";
  } else if (options.optin && options.optout) {
    error = "ERR You can't specify both OPTIN mode and OPTOUT mode";
  } else if (state != nullptr && ((options.optin && state->optout) || (options.optout && state->optin))) {
    error = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
            "re-enabling it with a different mode.";
  }
  if (error != nullptr) {
    ctx.reply.error(error);
    return false;
  }
  return !options.bcast || prefixes_are_disjoint(ctx, state, options.prefixes);
}

}  // namespace

void client_tracking(CommandContext& ctx) {
  auto options = parse_tracking_options(ctx);
  if (!options) return;
  Tracking& tracking = ctx.server.tracking();
  std::string_view mode = ctx.arg(2);
  if (equals_ignore_case(mode, "on")) {
    if (!tracking_options_allowed(ctx, *options, tracking.state(ctx.client))) return;
    tracking.enable(ctx.client, *options);
  } else if (equals_ignore_case(mode, "off")) {
    tracking.disable(ctx.client);
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  ctx.reply.ok();
}

void client_caching(CommandContext& ctx) {
  Tracking& tracking = ctx.server.tracking();
  const TrackingState* state = tracking.state(ctx.client);
  if (state == nullptr) {
    ctx.reply.error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode "
        "enabled");
    return;
  }
  std::string_view choice = ctx.arg(2);
  if (equals_ignore_case(choice, "yes")) {
    if (!state->optin) {
      ctx.reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (equals_ignore_case(choice, "no")) {
    if (!state->optout) {
      ctx.reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  tracking.set_caching(ctx.client);
  ctx.reply.ok();
}

void client_getredir(CommandContext& ctx) {
  const TrackingState* state = ctx.server.tracking().state(ctx.client);
  ctx.reply.integer(state == nullptr ? -1 : static_cast<int64_t>(state->redirect));
}

void client_trackinginfo(CommandContext& ctx) {
  const TrackingState* state = ctx.server.tracking().state(ctx.client);
  std::vector<std::string_view> flags;
  if (state == nullptr) {
    flags.push_back("off");
  } else {
    flags.push_back("on");
    if (state->bcast) flags.push_back("bcast");
    if (state->optin) flags.push_back("optin");
    if (state->optout) flags.push_back("optout");
    if (state->caching && state->optin) flags.push_back("caching-yes");
    if (state->caching && state->optout) flags.push_back("caching-no");
    if (state->noloop) flags.push_back("noloop");
    if (state->broken_redirect) flags.push_back("broken_redirect");
  }
  ReplyWriter& r = ctx.reply;
  r.map(3);
  r.bulk("flags");
  r.set(flags.size());
  for (std::string_view flag : flags) r.bulk(flag);
  r.bulk("redirect");
  r.integer(state == nullptr ? -1 : static_cast<int64_t>(state->redirect));
  r.bulk("prefixes");
  size_t count = state == nullptr ? 0 : state->prefixes.size();
  r.array(count);
  for (size_t i = 0; i < count; ++i) r.bulk(state->prefixes[i]);
}

}  // namespace corvid
