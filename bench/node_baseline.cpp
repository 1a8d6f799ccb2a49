#include "node_baseline.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

namespace midimon::bench {
namespace {

// Single-quotes `s` for /bin/sh.
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::map<std::string, Timing> fail_all(const std::vector<NodeJob>& jobs, const std::string& why) {
  std::map<std::string, Timing> out;
  for (const NodeJob& j : jobs) out[j.name].error = why;
  return out;
}

}  // namespace

std::string find_node() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::map<std::string, Timing> run_on_node(const std::string& node, const std::string& runner_script,
                                          const std::vector<NodeJob>& jobs, int repeat) {
  std::string cmd = shell_quote(node) + " " + shell_quote(runner_script) + " " + std::to_string(repeat);
  for (const NodeJob& j : jobs) {
    cmd += " " + shell_quote(j.name + "=" + j.wasm_file + ":" + std::to_string(j.n));
  }
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return fail_all(jobs, "cannot start node");
  std::string output;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, got);
  int status = pclose(pipe);
  if (status != 0) return fail_all(jobs, "node exited with status " + std::to_string(status));

  auto doc = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("kernels")) return fail_all(jobs, "node printed no valid JSON");
  std::map<std::string, Timing> out;
  try {  // the JSON is node_runner.mjs's; a wrong shape is reported, not fatal
    for (const auto& k : doc["kernels"]) {
      Timing t;
      t.ok = true;
      t.checksum = k.at("checksum").get<int>();
      for (const auto& ms : k.at("ms")) t.ms.push_back(ms.get<double>());
      out[k.at("name").get<std::string>()] = t;
    }
  } catch (const nlohmann::json::exception& e) {
    return fail_all(jobs, std::string("unexpected JSON from node: ") + e.what());
  }
  for (const NodeJob& j : jobs) {
    if (!out.count(j.name)) out[j.name].error = "node did not report this kernel";
  }
  return out;
}

}  // namespace midimon::bench
