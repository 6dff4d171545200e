#include "persistence/lzf.h"

#include <liblzf/lzf.h>

#include <climits>

namespace corvid {

std::optional<std::string> lzf_compress_if_smaller(std::string_view input) {
  if (input.size() < kLzfMinInputLength || input.size() > UINT_MAX) return std::nullopt;
  // The framing of a compressed string costs two lengths more than a plain one, so
  // anything within four bytes of the input is not worth it.
  const size_t budget = input.size() - 4;
  std::string out(budget, '\0');
  const unsigned int written = lzf_compress(input.data(), static_cast<unsigned int>(input.size()), out.data(),
                                            static_cast<unsigned int>(budget));
  if (written == 0) return std::nullopt;
  out.resize(written);
  return out;
}

std::optional<std::string> lzf_expand(std::string_view compressed, size_t expanded_length) {
  if (compressed.empty() || compressed.size() > UINT_MAX || expanded_length > UINT_MAX) return std::nullopt;
  if (expanded_length == 0) return std::nullopt;  // a compressed string is never empty
  std::string out(expanded_length, '\0');
  const unsigned int got = lzf_decompress(compressed.data(), static_cast<unsigned int>(compressed.size()),
                                          out.data(), static_cast<unsigned int>(expanded_length));
  if (got != expanded_length) return std::nullopt;
  return out;
}

}  // namespace corvid
