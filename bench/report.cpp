#include "report.h"

#include <cmath>
#include <cstdio>

namespace midimon::bench {
namespace {

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string cell(std::optional<double> v, int decimals, const char* suffix = "") {
  return v ? fixed(*v, decimals) + suffix : "-";
}

}  // namespace

double geometric_mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

void print_table(const std::vector<Row>& rows, bool with_node, std::ostream& out) {
  char line[256];
  auto header = [&] {
    std::snprintf(line, sizeof line, "%-10s %10s %10s %10s %9s", "kernel", "n", "native ms",
                  "engine ms", "engine/x");
    out << line;
    if (with_node) {
      std::snprintf(line, sizeof line, " %10s %9s", "node ms", "node/x");
      out << line;
    }
    out << "\n";
  };
  auto row = [&](const std::string& name, const std::string& n, const std::string& native,
                 const std::string& engine, const std::string& engine_ratio, const std::string& node,
                 const std::string& node_ratio, const std::string& note) {
    std::snprintf(line, sizeof line, "%-10s %10s %10s %10s %9s", name.c_str(), n.c_str(),
                  native.c_str(), engine.c_str(), engine_ratio.c_str());
    out << line;
    if (with_node) {
      std::snprintf(line, sizeof line, " %10s %9s", node.c_str(), node_ratio.c_str());
      out << line;
    }
    if (!note.empty()) out << "  " << note;
    out << "\n";
  };

  header();
  std::vector<double> native_all, engine_all, engine_ratios, node_all, node_ratios;
  for (const Row& r : rows) {
    std::optional<double> er, nr;
    if (r.engine_ms) er = *r.engine_ms / r.native_ms;
    if (r.node_ms) nr = *r.node_ms / r.native_ms;
    row(r.kernel, std::to_string(r.n), fixed(r.native_ms, 2), cell(r.engine_ms, 2), cell(er, 2, "x"),
        cell(r.node_ms, 2), cell(nr, 2, "x"), r.note);
    native_all.push_back(r.native_ms);
    if (r.engine_ms) {
      engine_all.push_back(*r.engine_ms);
      engine_ratios.push_back(*er);
    }
    if (r.node_ms) {
      node_all.push_back(*r.node_ms);
      node_ratios.push_back(*nr);
    }
  }
  auto gm = [](const std::vector<double>& v, int d, const char* suffix = "") -> std::string {
    return v.empty() ? "-" : fixed(geometric_mean(v), d) + suffix;
  };
  row("geomean", "", gm(native_all, 2), gm(engine_all, 2), gm(engine_ratios, 2, "x"), gm(node_all, 2),
      gm(node_ratios, 2, "x"), "");
}

void print_limits_table(const std::vector<Row>& rows, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %10s %10s %9s %11s %9s\n", "kernel", "engine ms", "fuel ms",
                "fuel/eng", "deadline ms", "dl/eng");
  out << line;
  std::vector<double> fuel_ratios, deadline_ratios;
  for (const Row& r : rows) {
    std::optional<double> fr, dr;
    if (r.engine_ms && r.fuel_ms) fr = *r.fuel_ms / *r.engine_ms;
    if (r.engine_ms && r.deadline_ms) dr = *r.deadline_ms / *r.engine_ms;
    if (fr) fuel_ratios.push_back(*fr);
    if (dr) deadline_ratios.push_back(*dr);
    std::snprintf(line, sizeof line, "%-10s %10s %10s %9s %11s %9s\n", r.kernel.c_str(),
                  cell(r.engine_ms, 2).c_str(), cell(r.fuel_ms, 2).c_str(), cell(fr, 3, "x").c_str(),
                  cell(r.deadline_ms, 2).c_str(), cell(dr, 3, "x").c_str());
    out << line;
  }
  auto gm = [](const std::vector<double>& v) -> std::string {
    return v.empty() ? "-" : fixed(geometric_mean(v), 3) + "x";
  };
  std::snprintf(line, sizeof line, "%-10s %10s %10s %9s %11s %9s\n", "geomean", "", "",
                gm(fuel_ratios).c_str(), "", gm(deadline_ratios).c_str());
  out << line;
  if (!fuel_ratios.empty()) {
    out << "overhead (geomean): fuel " << fixed((geometric_mean(fuel_ratios) - 1) * 100, 1)
        << " %, deadline " << fixed((geometric_mean(deadline_ratios) - 1) * 100, 1) << " %\n";
  }
}

}  // namespace midimon::bench
