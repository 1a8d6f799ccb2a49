#include "wast_script.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

namespace midimon::spec {

namespace fs = std::filesystem;
using nlohmann::json;

const char* to_string(CommandKind kind) {
  switch (kind) {
    case CommandKind::Module: return "module";
    case CommandKind::Register: return "register";
    case CommandKind::Action: return "action";
    case CommandKind::AssertReturn: return "assert_return";
    case CommandKind::AssertTrap: return "assert_trap";
    case CommandKind::AssertExhaustion: return "assert_exhaustion";
    case CommandKind::AssertInvalid: return "assert_invalid";
    case CommandKind::AssertMalformed: return "assert_malformed";
    case CommandKind::AssertUnlinkable: return "assert_unlinkable";
    case CommandKind::AssertUninstantiable: return "assert_uninstantiable";
    case CommandKind::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

CommandKind kind_from_name(const std::string& s) {
  static const struct { const char* name; CommandKind kind; } kTable[] = {
      {"module", CommandKind::Module},
      {"register", CommandKind::Register},
      {"action", CommandKind::Action},
      {"assert_return", CommandKind::AssertReturn},
      {"assert_trap", CommandKind::AssertTrap},
      {"assert_exhaustion", CommandKind::AssertExhaustion},
      {"assert_invalid", CommandKind::AssertInvalid},
      {"assert_malformed", CommandKind::AssertMalformed},
      {"assert_unlinkable", CommandKind::AssertUnlinkable},
      {"assert_uninstantiable", CommandKind::AssertUninstantiable},
  };
  for (const auto& e : kTable)
    if (s == e.name) return e.kind;
  return CommandKind::Unknown;
}

std::string str_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// wast2json writes a v128 as its lane type and an array of lane strings; the lanes are
// also joined with spaces into `value` for messages.
ScriptValue parse_value(const json& j) {
  ScriptValue v;
  v.type = str_field(j, "type");
  v.lane_type = str_field(j, "lane_type");
  auto it = j.find("value");
  if (it != j.end()) {
    v.has_value = true;
    if (it->is_string()) {
      v.value = it->get<std::string>();
    } else if (it->is_array()) {
      for (const auto& lane : *it) {
        v.lanes.push_back(lane.is_string() ? lane.get<std::string>() : lane.dump());
        if (!v.value.empty()) v.value += ' ';
        v.value += v.lanes.back();
      }
    } else {
      v.value = it->dump();
    }
  }
  return v;
}

std::vector<ScriptValue> parse_values(const json& j, const char* key) {
  std::vector<ScriptValue> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) out.push_back(parse_value(v));
  return out;
}

ScriptAction parse_action(const json& j) {
  ScriptAction a;
  a.type_name = str_field(j, "type");
  if (a.type_name == "invoke") a.type = ScriptAction::Type::Invoke;
  else if (a.type_name == "get") a.type = ScriptAction::Type::Get;
  a.module = str_field(j, "module");
  a.field = str_field(j, "field");
  a.args = parse_values(j, "args");
  return a;
}

}  // namespace

Conversion::~Conversion() { remove(); }

Conversion::Conversion(Conversion&& other) noexcept
    : dir_(std::move(other.dir_)), json_(std::move(other.json_)) {
  other.dir_.clear();
}

Conversion& Conversion::operator=(Conversion&& other) noexcept {
  if (this != &other) {
    remove();
    dir_ = std::move(other.dir_);
    json_ = std::move(other.json_);
    other.dir_.clear();
  }
  return *this;
}

void Conversion::remove() {
  if (dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
  dir_.clear();
}

bool Conversion::run(const std::string& tool, const fs::path& wast, std::string* error) {
  remove();
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  std::string templ = (tmp / "midimon-spec-XXXXXX").string();
  if (!mkdtemp(templ.data())) {
    *error = "cannot create a temporary directory under " + tmp.string() + ": " +
             std::strerror(errno);
    return false;
  }
  dir_ = templ;
  json_ = dir_ / (wast.stem().string() + ".json");
  const fs::path log = dir_ / "wast2json.log";

  // fork/exec rather than system(): no shell, so no quoting issues with odd paths.
  const std::string wast_s = wast.string(), json_s = json_.string(), log_s = log.string();
  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork failed: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    int fd = open(log_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execl(tool.c_str(), tool.c_str(), wast_s.c_str(), "-o", json_s.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;

  std::ifstream f(log);
  std::string diag((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (diag.size() > 2000) diag = diag.substr(0, 2000) + "...";
  *error = "wast2json (" + tool + ") failed on " + wast.string();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) *error += " (could not execute the tool)";
  else if (WIFEXITED(status)) *error += " with exit status " + std::to_string(WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) *error += " with signal " + std::to_string(WTERMSIG(status));
  if (!diag.empty()) *error += ":\n" + diag;
  return false;
}

bool parse_script(const fs::path& json_file, Script* out, std::string* error) {
  std::ifstream f(json_file);
  if (!f) {
    *error = "cannot open " + json_file.string();
    return false;
  }
  json doc = json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    *error = "malformed JSON in " + json_file.string();
    return false;
  }
  auto cmds = doc.find("commands");
  if (cmds == doc.end() || !cmds->is_array()) {
    *error = "no \"commands\" array in " + json_file.string();
    return false;
  }
  out->dir = json_file.parent_path();
  out->commands.clear();
  for (const auto& c : *cmds) {
    if (!c.is_object()) {
      *error = "a command is not a JSON object in " + json_file.string();
      return false;
    }
    Command cmd;
    cmd.kind_name = str_field(c, "type");
    cmd.kind = kind_from_name(cmd.kind_name);
    auto line = c.find("line");
    cmd.line = (line != c.end() && line->is_number_integer()) ? line->get<int>() : 0;
    cmd.name = str_field(c, "name");
    cmd.as = str_field(c, "as");
    cmd.filename = str_field(c, "filename");
    cmd.module_type = str_field(c, "module_type");
    cmd.text = str_field(c, "text");
    if (auto a = c.find("action"); a != c.end() && a->is_object()) cmd.action = parse_action(*a);
    cmd.expected = parse_values(c, "expected");
    out->commands.push_back(std::move(cmd));
  }
  return true;
}

size_t counted_commands(const Script& script) {
  size_t n = 0;
  for (const auto& c : script.commands)
    if (c.kind != CommandKind::Register) ++n;
  return n;
}

}  // namespace midimon::spec
