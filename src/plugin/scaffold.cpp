// `midimon plugin new`: fills the templates of scaffold_templates.cpp and writes them.
#include "plugin/scaffold.h"

#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "plugin/scaffold_templates.h"

namespace midimon::plugin {

namespace fs = std::filesystem;

namespace {

std::string fill(std::string_view text, std::string_view name) {
  std::string crate(name);
  for (char& c : crate) {
    if (c == '-') c = '_';
  }
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 8, "{{name}}") == 0) {
      out += name;
      i += 8;
    } else if (text.compare(i, 9, "{{crate}}") == 0) {
      out += crate;
      i += 9;
    } else {
      out += text[i++];
    }
  }
  return out;
}

struct OutFile {
  fs::path relative;
  std::string content;
  bool executable = false;
};

std::vector<OutFile> files_for(std::string_view name, ScaffoldLang lang) {
  using namespace scaffold_text;
  std::vector<OutFile> files = {
      {"plugin.toml", fill(kManifest, name)},
      {".gitignore", std::string(kGitignore)},
  };
  if (lang == ScaffoldLang::C) {
    files.push_back({fs::path(std::string(name) + ".c"), fill(kCSource, name)});
    files.push_back({"build.sh", fill(kCBuild, name), true});
    files.push_back({"README.md", fill(kCReadme, name)});
    files.push_back({fs::path("include") / "midimon" / "pdk" / "plugin.h", std::string(kPdkPluginH)});
    files.push_back({fs::path("include") / "midimon" / "pdk" / "json.h", std::string(kPdkJsonH)});
  } else {
    files.push_back({"Cargo.toml", fill(kRustCargoToml, name)});
    files.push_back({fs::path(".cargo") / "config.toml", std::string(kRustCargoConfig)});
    files.push_back({fs::path("src") / "lib.rs", fill(kRustLib, name)});
    files.push_back({"build.sh", fill(kRustBuild, name), true});
    files.push_back({"README.md", fill(kRustReadme, name)});
  }
  return files;
}

}  // namespace

std::optional<ScaffoldLang> parse_scaffold_lang(std::string_view text) {
  if (text == "c") return ScaffoldLang::C;
  if (text == "rust") return ScaffoldLang::Rust;
  return std::nullopt;
}

std::string scaffold_name_problem(std::string_view name) {
  if (name.empty()) return "the plugin name is empty";
  if (name.size() > 64) return "the plugin name is longer than 64 characters";
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(name.front())) {
    return "the plugin name \"" + std::string(name) + "\" must start with a letter";
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
      return "the plugin name \"" + std::string(name) + "\" has '" + std::string(1, c) +
             "' at position " + std::to_string(i + 1) +
             "; use letters, digits, '-' and '_' only";
    }
  }
  return {};
}

Expected<void> scaffold_plugin(const fs::path& dir, std::string_view name, ScaffoldLang lang) {
  if (std::string problem = scaffold_name_problem(name); !problem.empty()) {
    return Failure{problem};
  }
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return Failure{dir.string() + " exists and is not a directory"};
    if (!fs::is_empty(dir, ec)) {
      return Failure{dir.string() + " is not empty; `plugin new` writes only into a new or empty directory"};
    }
  }
  for (const OutFile& f : files_for(name, lang)) {
    const fs::path path = dir / f.relative;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return Failure{"cannot create " + path.parent_path().string() + ": " + ec.message()};
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.content;
    out.close();
    if (!out) return Failure{"cannot write " + path.string()};
    if (f.executable) {
      fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
      if (ec) return Failure{"cannot make " + path.string() + " executable: " + ec.message()};
    }
  }
  return {};
}

}  // namespace midimon::plugin
