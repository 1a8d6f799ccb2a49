// The spec suite's command model: a .wast file converted by wabt's `wast2json` into a
// JSON command list plus one .wasm file per module. Conversion happens at test time into
// a fresh temporary directory that the Conversion object removes again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace midimon::spec {

enum class CommandKind {
  Module,
  Register,
  Action,
  AssertReturn,
  AssertTrap,
  AssertExhaustion,
  AssertInvalid,
  AssertMalformed,
  AssertUnlinkable,
  AssertUninstantiable,
  Unknown,  // a kind this runner does not know: reported as a failure
};

const char* to_string(CommandKind kind);

// A typed constant as wast2json writes it: the type name ("i32", "f32", "externref",
// "funcref", "v128", ...) and the value text ("42" as unsigned decimal bits, "null",
// "nan:canonical", "nan:arithmetic", or empty when the script gives only the type); a
// v128 is an array of lanes.
struct ScriptValue {
  std::string type;
  std::string value;
  bool has_value = false;
  // v128 only: the lane type ("i8", "i16", "i32", "i64", "f32", "f64") and each lane's
  // text (bits as unsigned decimal, or a NaN pattern); `value` joins them with spaces.
  std::string lane_type;
  std::vector<std::string> lanes;
};

struct ScriptAction {
  enum class Type { Invoke, Get, Unknown } type = Type::Unknown;
  std::string type_name;  // as written, for messages about unknown action types
  std::string module;     // "$name", or empty for the most recent module
  std::string field;
  std::vector<ScriptValue> args;
};

struct Command {
  CommandKind kind = CommandKind::Unknown;
  std::string kind_name;  // the JSON "type", kept for unknown kinds
  int line = 0;
  std::string name;         // module: "$name"; register: the registered module's "$name"
  std::string as;           // register: the import module name
  std::string filename;     // module files, relative to the conversion directory
  std::string module_type;  // "binary" or "text" (assert_malformed / _invalid / ...)
  std::string text;         // expected failure text
  std::optional<ScriptAction> action;
  std::vector<ScriptValue> expected;
};

struct Script {
  std::filesystem::path wast;  // the source file
  std::filesystem::path dir;   // where the module files are
  std::vector<Command> commands;
};

// A temporary directory holding wast2json's output; removed on destruction.
class Conversion {
 public:
  Conversion() = default;
  ~Conversion();
  Conversion(const Conversion&) = delete;
  Conversion& operator=(const Conversion&) = delete;
  Conversion(Conversion&& other) noexcept;
  Conversion& operator=(Conversion&& other) noexcept;

  // Converts `wast` with the wast2json at `tool`. On failure returns false and sets
  // `error` (including the tool's own diagnostics).
  bool run(const std::string& tool, const std::filesystem::path& wast, std::string* error);

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& json() const { return json_; }

 private:
  void remove();
  std::filesystem::path dir_;
  std::filesystem::path json_;
};

// Parses wast2json output. On failure returns false and sets `error`.
bool parse_script(const std::filesystem::path& json_file, Script* out, std::string* error);

// Number of commands that count in the totals: all but `register`.
size_t counted_commands(const Script& script);

}  // namespace midimon::spec
