#pragma once
// Encodes replies into a connection's output buffer in RESP2 or RESP3.
// Commands describe their reply in RESP3 terms (map, set, double, null...);
// the writer lowers them to RESP2 when the client has not said HELLO 3.

#include <cstdint>
#include <string>
#include <string_view>

#include "net/reply_buffer.h"

namespace corvid {

class ReplyWriter {
 public:
  // Called for every error reply; the server uses it for errorstats.
  class ErrorObserver {
   public:
    virtual void on_error_reply(std::string_view message) = 0;

   protected:
    ~ErrorObserver() = default;
  };

  ReplyWriter(ReplyBuffer& out, ErrorObserver* observer) : out_(&out), observer_(observer) {}

  int protocol() const { return protocol_; }
  void set_protocol(int version) { protocol_ = version; }
  bool resp3() const { return protocol_ == 3; }

  void simple(std::string_view status);
  void ok() { out_->append("+OK\r\n"); }
  // `message` is the full error text, including its code word ("ERR ...", "WRONGTYPE ...").
  void error(std::string_view message);
  // An error some earlier reply already counted (a script returning the error a command
  // gave it): errorstats see it once, as in Redis.
  void error_already_counted(std::string_view message);
  void integer(int64_t value);
  void bulk(std::string_view value);
  void null();        // a missing value: $-1 in RESP2
  void null_array();  // a missing aggregate: *-1 in RESP2
  void array(size_t count);
  void map(size_t pairs);  // RESP2: a flat array of 2*pairs
  void set(size_t count);  // RESP2: an array
  void push(size_t count); // RESP2: an array
  void double_value(double value);  // RESP2: a bulk string
  void boolean(bool value);         // RESP2: :1 / :0
  void verbatim(std::string_view text, std::string_view format = "txt");  // RESP2: bulk
  void big_number(std::string_view digits);                                // RESP2: bulk
  // Bytes already encoded as RESP (e.g. a cached reply).
  void raw(std::string_view encoded) { out_->append(encoded); }

 private:
  void header(char type, int64_t length);

  ReplyBuffer* out_;
  ErrorObserver* observer_;
  int protocol_ = 2;
};

}  // namespace corvid
