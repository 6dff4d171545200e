#pragma once
// LZF compression as RDB files use it for strings (Debian's liblzf, the same format
// Redis embeds): a compressed string is stored only when it saves space.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace corvid {

// Redis leaves strings of 20 bytes or fewer alone: too short to gain anything.
inline constexpr size_t kLzfMinInputLength = 21;

// The compressed form of `input` if it is shorter than the input by more than the few
// bytes the RDB framing adds; nullopt when compression does not pay.
std::optional<std::string> lzf_compress_if_smaller(std::string_view input);
// Expands `compressed` into exactly `expanded_length` bytes; nullopt when the data is
// corrupt or does not expand to that length.
std::optional<std::string> lzf_expand(std::string_view compressed, size_t expanded_length);

}  // namespace corvid
