#include "net/reply_writer.h"

#include <string>

#include "core/number_format.h"

namespace corvid {

void ReplyWriter::header(char type, int64_t length) {
  char digits[24];
  size_t n = format_int64(length, digits);
  out_->push_back(type);
  out_->append(digits, n);
  out_->append("\r\n", 2);
}

void ReplyWriter::simple(std::string_view status) {
  out_->push_back('+');
  out_->append(status);
  out_->append("\r\n", 2);
}

void ReplyWriter::error(std::string_view message) {
  if (observer_ != nullptr) observer_->on_error_reply(message);
  error_already_counted(message);
}

void ReplyWriter::error_already_counted(std::string_view message) {
  out_->push_back('-');
  // A CR or LF inside an error would break the framing; Redis replaces them with spaces.
  if (message.find_first_of("\r\n") == std::string_view::npos) {
    out_->append(message);
  } else {
    std::string text(message);
    for (char& c : text) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    out_->append(text);
  }
  out_->append("\r\n", 2);
}

void ReplyWriter::integer(int64_t value) { header(':', value); }

void ReplyWriter::bulk(std::string_view value) {
  header('$', static_cast<int64_t>(value.size()));
  out_->append(value);
  out_->append("\r\n", 2);
}

void ReplyWriter::null() {
  if (resp3()) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::null_array() {
  if (resp3()) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::array(size_t count) { header('*', static_cast<int64_t>(count)); }

void ReplyWriter::map(size_t pairs) {
  if (resp3()) {
    header('%', static_cast<int64_t>(pairs));
  } else {
    header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::set(size_t count) { header(resp3() ? '~' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::push(size_t count) { header(resp3() ? '>' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::double_value(double value) {
  std::string text = format_double(value);
  if (resp3()) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    bulk(text);
  }
}

void ReplyWriter::boolean(bool value) {
  if (resp3()) {
    out_->append(value ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (!resp3()) {
    bulk(text);
    return;
  }
  header('=', static_cast<int64_t>(text.size() + format.size() + 1));
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::big_number(std::string_view digits) {
  if (!resp3()) {
    bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

}  // namespace corvid
