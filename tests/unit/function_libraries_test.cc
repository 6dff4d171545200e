// Unit tests for scripting/function_libraries: the all-or-nothing rules of FUNCTION LOAD
// [REPLACE] and FUNCTION RESTORE (APPEND / REPLACE / FLUSH), name lookups, counts and
// the shebang line. Error texts are redis-server 7.0.15's (the differential cases in
// tests/differential/cases/functions.txt check the same texts against it).

#include "scripting/function_libraries.h"
#include "scripting/null_lua_host.h"

#include <gtest/gtest.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using corvid::FunctionLibraries;
using Policy = corvid::FunctionLibraries::RestorePolicy;


std::string library(std::string_view name, std::initializer_list<std::string_view> functions) {
  std::string code = "#!lua name=" + std::string(name) + "\n";
  for (std::string_view f : functions) code += "redis.register_function('" + std::string(f) + "', function() end)\n";
  return code;
}

class FunctionLibrariesTest : public ::testing::Test {
 protected:
  std::optional<std::string> load(const std::string& code, bool replace = false) {
    std::string name;
    return libs_.load(code, replace, name);
  }
  std::optional<std::string> restore(std::vector<std::string> codes, Policy policy) {
    return libs_.restore(codes, policy);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, lib] : libs_.libraries()) out.push_back(name);
    return out;
  }
  const FunctionLibraries::Library* owner(std::string_view function) const {
    const auto* found = libs_.find(function);
    return found == nullptr ? nullptr : found->library;
  }

  corvid::NullLuaHost host_;
  corvid::Rand48 random_;
  FunctionLibraries libs_{host_, random_};
};

TEST_F(FunctionLibrariesTest, LoadAndFindIgnoringCase) {
  EXPECT_EQ(load(library("lib", {"Alpha", "beta"})), std::nullopt);
  ASSERT_NE(owner("ALPHA"), nullptr);
  EXPECT_EQ(owner("alpha")->name, "lib");
  EXPECT_EQ(libs_.function_count(), 2u);
  EXPECT_EQ(load(library("lib", {"gamma"})), "ERR Library 'lib' already exists");
  EXPECT_EQ(load(library("other", {"BETA"})), "ERR Function BETA already exists");
  EXPECT_EQ(load(library("lib2", {"x", "X"})),
            "ERR Error registering functions: ERR Function already exists in the library");
  EXPECT_EQ(names(), std::vector<std::string>{"lib"});
}

TEST_F(FunctionLibrariesTest, ReplaceKeepsTheOldLibraryWhenTheNewOneFails) {
  ASSERT_EQ(load(library("lib", {"f"})), std::nullopt);
  ASSERT_EQ(load(library("other", {"g"})), std::nullopt);
  EXPECT_TRUE(load("#!lua name=lib\nbroken(", true)->starts_with("ERR Error compiling function: "));
  EXPECT_EQ(load(library("lib", {"g"}), true), "ERR Function g already exists");
  EXPECT_NE(owner("f"), nullptr);
  EXPECT_EQ(load(library("lib", {"h"}), true), std::nullopt);
  EXPECT_EQ(owner("f"), nullptr);
  EXPECT_EQ(owner("h")->name, "lib");
  EXPECT_EQ(libs_.function_count(), 2u);
}

TEST_F(FunctionLibrariesTest, RestoreAppendRefusesExistingLibrariesAndClashes) {
  ASSERT_EQ(load(library("a", {"fa"})), std::nullopt);
  EXPECT_EQ(restore({library("b", {"fb"}), library("a", {"fa2"})}, Policy::Append), "ERR Library a already exists");
  EXPECT_EQ(restore({library("b", {"fa"})}, Policy::Append), "ERR Function fa already exists");
  EXPECT_EQ(restore({library("b", {"x"}), library("b", {"y"})}, Policy::Append), "ERR Library 'b' already exists");
  EXPECT_EQ(restore({library("b", {"x"}), library("c", {"X"})}, Policy::Append), "ERR Function X already exists");
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
  EXPECT_EQ(restore({library("b", {"fb"}), library("c", {"fc"})}, Policy::Append), std::nullopt);
  EXPECT_EQ(names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(libs_.function_count(), 3u);
}

TEST_F(FunctionLibrariesTest, RestoreReplaceSwapsLibrariesOfTheSameName) {
  ASSERT_EQ(load(library("a", {"fa"})), std::nullopt);
  ASSERT_EQ(load(library("keep", {"fk"})), std::nullopt);
  // A function of a library being replaced may move to the new one...
  EXPECT_EQ(restore({library("a", {"fa", "fa2"})}, Policy::Replace), std::nullopt);
  EXPECT_EQ(owner("fa2")->name, "a");
  // ...but not one of a library that stays.
  EXPECT_EQ(restore({library("a", {"fk"})}, Policy::Replace), "ERR Function fk already exists");
  EXPECT_EQ(owner("fa2")->name, "a");
  EXPECT_EQ(libs_.function_count(), 3u);
}

TEST_F(FunctionLibrariesTest, RestoreFlushStartsOverOnlyOnSuccess) {
  ASSERT_EQ(load(library("a", {"fa"})), std::nullopt);
  EXPECT_TRUE(restore({library("b", {"fb"}), "#!lua name=c\nbroken("}, Policy::Flush).has_value());
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
  EXPECT_EQ(restore({library("b", {"fa"})}, Policy::Flush), std::nullopt);
  EXPECT_EQ(names(), std::vector<std::string>{"b"});
  EXPECT_EQ(owner("fa")->name, "b");
  libs_.clear();
  EXPECT_EQ(libs_.function_count(), 0u);
  EXPECT_EQ(owner("fa"), nullptr);
}

TEST_F(FunctionLibrariesTest, RemoveIsCaseSensitive) {
  ASSERT_EQ(load(library("Lib", {"f"})), std::nullopt);
  EXPECT_FALSE(libs_.remove("lib"));
  EXPECT_TRUE(libs_.remove("Lib"));
  EXPECT_EQ(owner("f"), nullptr);
  EXPECT_EQ(libs_.function_count(), 0u);
}

TEST(LibraryMetadata, ShebangLines) {
  std::string name;
  size_t start = 0;
  EXPECT_EQ(corvid::parse_library_metadata("#!lua name=x\ncode", name, start), std::nullopt);
  EXPECT_EQ(name, "x");
  EXPECT_EQ(start, 12u);  // the newline stays with the code: line numbers count the shebang
  EXPECT_EQ(corvid::parse_library_metadata("#!LUA \t name=y \r\n", name, start), std::nullopt);
  EXPECT_EQ(name, "y");
  EXPECT_EQ(corvid::parse_library_metadata("code", name, start), "ERR Missing library metadata");
  EXPECT_EQ(corvid::parse_library_metadata("#!lua name=x", name, start), "ERR Invalid library metadata");
  EXPECT_EQ(corvid::parse_library_metadata("#!\n", name, start), "ERR Library name was not given");
  EXPECT_EQ(corvid::parse_library_metadata("#! name=x\n", name, start), "ERR Engine '' not found");
  EXPECT_EQ(corvid::parse_library_metadata("#!lua name=x name=y\n", name, start),
            "ERR Invalid metadata value, name argument was given multiple times");
  EXPECT_EQ(corvid::parse_library_metadata("#!lua name=a.b\n", name, start),
            "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one "
            "character long");
}

}  // namespace
