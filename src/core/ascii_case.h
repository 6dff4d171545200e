#pragma once
// ASCII case folding as Redis applies it to keywords, command and config names, script
// SHAs and function names (tolower on each byte; other bytes compare as they are).

#include <string>
#include <string_view>

namespace corvid {

std::string lowercase(std::string_view text);
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace corvid
