#include "actions/launch_target.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "mapping/shell_words.h"

namespace midimon::actions {

namespace {

bool is_regular_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> split_colon(const char* text) {
  std::vector<std::string> out;
  std::string current;
  for (const char* p = text; *p; ++p) {
    if (*p == ':') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += *p;
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// The desktop entry spec's string-level escapes (\s \n \t \r \\) of a value.
std::string unescape_value(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      const char next = value[++i];
      switch (next) {
        case 's': out += ' '; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '\\': out += '\\'; break;
        default: out += '\\'; out += next; break;  // kept for the quoting level
      }
    } else {
      out += value[i];
    }
  }
  return out;
}

// Splits an Exec value into arguments and drops field codes. Returns false on an
// unterminated quote.
bool split_exec(const std::string& exec, std::vector<std::string>& argv) {
  std::string word;
  bool in_word = false, quoted = false;
  for (std::size_t i = 0; i < exec.size(); ++i) {
    const char c = exec[i];
    if (quoted) {
      if (c == '"') {
        quoted = false;
      } else if (c == '\\' && i + 1 < exec.size() &&
                 std::string_view("\"`$\\").find(exec[i + 1]) != std::string_view::npos) {
        word += exec[++i];
      } else {
        word += c;
      }
    } else if (c == '"') {
      quoted = true;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) argv.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '%' && i + 1 < exec.size()) {
      // Field codes stand for files/URLs/icons the launcher would pass: none here.
      const char code = exec[++i];
      if (code == '%') word += '%';
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted) return false;
  if (in_word) argv.push_back(word);
  // A word that was only a field code ("%U") leaves an empty argument: drop those.
  std::erase_if(argv, [](const std::string& a) { return a.empty(); });
  return true;
}

}  // namespace

std::vector<std::string> xdg_data_dirs() {
  std::vector<std::string> dirs;
  const char* home = std::getenv("HOME");
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home && *data_home) {
    dirs.emplace_back(data_home);
  } else if (home && *home) {
    dirs.push_back(std::string(home) + "/.local/share");
  }
  const char* data_dirs = std::getenv("XDG_DATA_DIRS");
  std::vector<std::string> rest = split_colon(data_dirs && *data_dirs ? data_dirs
                                                                      : "/usr/local/share:/usr/share");
  dirs.insert(dirs.end(), rest.begin(), rest.end());
  return dirs;
}

LaunchTarget argv_from_desktop_file(const std::string& path) {
  LaunchTarget target;
  target.desktop_file = path;
  std::ifstream in(path);
  if (!in) {
    target.error = path + ": cannot be read";
    return target;
  }
  std::string line;
  bool in_entry = false;
  uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      in_entry = line == "[Desktop Entry]";
      continue;
    }
    if (!in_entry || line.rfind("Exec", 0) != 0) continue;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    if (key != "Exec") continue;  // Exec[de]=... is not a key the spec allows; skip
    std::size_t start = eq + 1;
    while (start < line.size() && line[start] == ' ') ++start;
    const std::string where = path + ":" + std::to_string(number);
    if (!split_exec(unescape_value(std::string_view(line).substr(start)), target.argv)) {
      target.error = where + ": the Exec line has an unterminated quote";
      target.argv.clear();
    } else if (target.argv.empty()) {
      target.error = where + ": the Exec line is empty";
    }
    return target;
  }
  target.error = path + ": no Exec line in [Desktop Entry]";
  return target;
}

LaunchTarget resolve_launch(std::string_view app, const std::vector<std::string>& data_dirs) {
  std::string id(app);
  if (id.size() > 8 && id.ends_with(".desktop")) id.resize(id.size() - 8);
  // A desktop-file id has no '/' or blanks; "kde-foo" may also live in applications/kde/foo.
  if (!id.empty() && id.find_first_of("/ \t") == std::string::npos) {
    for (const std::string& dir : data_dirs) {
      std::string candidate = dir + "/applications/" + id + ".desktop";
      if (!is_regular_file(candidate)) {
        const std::size_t dash = id.find('-');
        if (dash == std::string::npos) continue;
        candidate = dir + "/applications/" + id.substr(0, dash) + "/" + id.substr(dash + 1) + ".desktop";
        if (!is_regular_file(candidate)) continue;
      }
      return argv_from_desktop_file(candidate);
    }
  }
  LaunchTarget target;
  if (std::string_view(app).ends_with(".desktop")) {
    target.error = "no desktop file '" + std::string(app) + "' in the XDG data dirs' applications/";
    return target;
  }
  mapping::ShellWords words = mapping::split_shell_words(app);
  if (!words.ok()) {
    target.error = "Launch app '" + std::string(app) + "': " + words.error + " (at byte " +
                   std::to_string(words.error_offset) + ")";
  } else if (words.words.empty()) {
    target.error = "Launch app is empty";
  } else {
    target.argv = std::move(words.words);
  }
  return target;
}

}  // namespace midimon::actions
