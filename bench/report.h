// The benchmark's result table: one row per kernel and a geometric-mean row.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace midimon::bench {

struct Row {
  std::string kernel;
  int n = 0;
  double native_ms = 0;
  std::optional<double> engine_ms;  // nullopt: failed (see note)
  std::optional<double> node_ms;    // nullopt: not run or failed
  std::optional<double> fuel_ms;      // engine with fuel metering (huge fuel)
  std::optional<double> deadline_ms;  // engine with deadline checks (far deadline)
  std::string note;                 // checksum mismatch, errors
};

// Prints the table. Ratios are x / native; the last row holds the geometric means of
// the times and ratios over the rows that have them.
void print_table(const std::vector<Row>& rows, bool with_node, std::ostream& out);

// Prints the cost of the limits: fuel and deadline times over the plain engine's, per
// kernel and as geometric means (docs/performance.md, docs/limits.md).
void print_limits_table(const std::vector<Row>& rows, std::ostream& out);

// Geometric mean of `values` (all > 0); 0 when empty.
double geometric_mean(const std::vector<double>& values);

}  // namespace midimon::bench
