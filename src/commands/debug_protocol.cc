// DEBUG PROTOCOL <type>: one sample reply per RESP type, as Redis 7.0 sends them. RESP2
// clients get the RESP2 lowering of each (an attribute is left out, a push is refused).

#include "commands/debug_protocol.h"

#include <string_view>

#include "commands/context.h"
#include "core/ascii_case.h"

namespace corvid {

namespace {

void sample_string(ReplyWriter& reply) { reply.bulk("Hello World"); }
void sample_integer(ReplyWriter& reply) { reply.integer(12345); }
void sample_double(ReplyWriter& reply) { reply.double_value(3.141); }
void sample_bignum(ReplyWriter& reply) { reply.big_number("1234567999999999999999999999999999999"); }
void sample_null(ReplyWriter& reply) { reply.null(); }

void sample_array(ReplyWriter& reply) {
  reply.array(3);
  for (int i = 0; i < 3; ++i) reply.integer(i);
}

void sample_set(ReplyWriter& reply) {
  reply.set(3);
  for (int i = 0; i < 3; ++i) reply.integer(i);
}

// 0 -> false, 1 -> true, 2 -> false.
void sample_map(ReplyWriter& reply) {
  reply.map(3);
  for (int i = 0; i < 3; ++i) {
    reply.integer(i);
    reply.boolean(i == 1);
  }
}

// An attribute (RESP3 only) describing the reply that follows it.
void sample_attribute(ReplyWriter& reply) {
  if (reply.resp3()) {
    reply.raw("|1\r\n");
    reply.bulk("key-popularity");
    reply.array(2);
    reply.bulk("key:123");
    reply.integer(90);
  }
  reply.bulk("Some real reply following the attribute");
}

void sample_push(ReplyWriter& reply) {
  if (!reply.resp3()) {
    reply.error("ERR RESP2 is not supported by this command");
    return;
  }
  reply.push(2);
  reply.bulk("server-cpu-usage");
  reply.integer(42);
  reply.bulk("Some real reply following the push reply");
}

void sample_verbatim(ReplyWriter& reply) { reply.verbatim("This is a verbatim\nstring"); }
void sample_true(ReplyWriter& reply) { reply.boolean(true); }
void sample_false(ReplyWriter& reply) { reply.boolean(false); }

struct Sample {
  std::string_view type;
  void (*write)(ReplyWriter&);
};

constexpr Sample kSamples[] = {
    {"string", sample_string}, {"integer", sample_integer}, {"double", sample_double},
    {"bignum", sample_bignum}, {"null", sample_null},       {"array", sample_array},
    {"set", sample_set},       {"map", sample_map},         {"attrib", sample_attribute},
    {"push", sample_push},     {"verbatim", sample_verbatim}, {"true", sample_true},
    {"false", sample_false},
};

}  // namespace

void debug_protocol(CommandContext& ctx) {
  for (const Sample& sample : kSamples) {
    if (equals_ignore_case(ctx.arg(2), sample.type)) {
      sample.write(ctx.reply);
      return;
    }
  }
  ctx.reply.error(
      "ERR Wrong protocol type name. Please use one of the following: "
      "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
}

}  // namespace corvid
