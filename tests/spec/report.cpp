#include "report.h"

#include <map>
#include <nlohmann/json.hpp>

namespace midimon::spec {

using nlohmann::json;

void Totals::add(const FileResult& r) {
  ++files;
  passed += r.passed;
  failed += r.failed;
  na += r.na;
  skipped += r.skipped;
  notes += r.notes.size();
}

namespace {

json notes_to_json(const std::vector<CommandNote>& v) {
  json a = json::array();
  for (const auto& n : v) a.push_back({{"line", n.line}, {"kind", n.kind}, {"message", n.message}});
  return a;
}

bool notes_from_json(const json& a, std::vector<CommandNote>* out) {
  if (!a.is_array()) return false;
  for (const auto& n : a) {
    if (!n.is_object()) return false;
    out->push_back({n.value("line", 0), n.value("kind", std::string()),
                    n.value("message", std::string())});
  }
  return true;
}

}  // namespace

std::string to_json(const FileResult& r) {
  json j = {{"name", r.name},
            {"passed", r.passed},
            {"failed", r.failed},
            {"na", r.na},
            {"skipped", r.skipped},
            {"skip_reason", r.skip_reason},
            {"fatal", r.fatal},
            {"failures", notes_to_json(r.failures)},
            {"not_applicable", notes_to_json(r.not_applicable)},
            {"notes", notes_to_json(r.notes)}};
  // Engine error texts are not guaranteed UTF-8; replace rather than throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool from_json(const std::string& text, FileResult* out) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return false;
  out->name = j.value("name", std::string());
  out->passed = j.value("passed", size_t{0});
  out->failed = j.value("failed", size_t{0});
  out->na = j.value("na", size_t{0});
  out->skipped = j.value("skipped", size_t{0});
  out->skip_reason = j.value("skip_reason", std::string());
  out->fatal = j.value("fatal", std::string());
  return notes_from_json(j.value("failures", json::array()), &out->failures) &&
         notes_from_json(j.value("not_applicable", json::array()), &out->not_applicable) &&
         notes_from_json(j.value("notes", json::array()), &out->notes);
}

void print_failures(std::FILE* out, const FileResult& r, const ReportOptions& opt) {
  if (!r.failures.empty()) {
    std::fprintf(out, "FAILED %s: %zu of %zu commands failed\n", r.name.c_str(), r.failed,
                 r.total());
    size_t shown = 0;
    for (const auto& f : r.failures) {
      if (!opt.verbose && shown == opt.max_failures_per_file) {
        std::fprintf(out, "  ... %zu more failures in %s (use --verbose to see all)\n",
                     r.failures.size() - shown, r.name.c_str());
        break;
      }
      std::fprintf(out, "  %s:%d: %s: %s\n", r.name.c_str(), f.line, f.kind.c_str(),
                   f.message.c_str());
      ++shown;
    }
  }
  if (!opt.verbose) return;
  for (const auto& n : r.not_applicable)
    std::fprintf(out, "  n/a %s:%d: %s: %s\n", r.name.c_str(), n.line, n.kind.c_str(),
                 n.message.c_str());
  for (const auto& n : r.notes)
    std::fprintf(out, "  note %s:%d: %s: %s\n", r.name.c_str(), n.line, n.kind.c_str(),
                 n.message.c_str());
}

void print_table(std::FILE* out, const std::vector<FileResult>& results, const Totals& t) {
  std::fprintf(out, "%-40s %8s %8s %8s %8s\n", "file", "passed", "failed", "n/a", "skipped");
  for (const auto& r : results)
    std::fprintf(out, "%-40s %8zu %8zu %8zu %8zu%s\n", r.name.c_str(), r.passed, r.failed, r.na,
                 r.skipped, r.failed ? "  <- FAILED" : "");
  std::string label = "TOTAL (" + std::to_string(t.files) + " files)";
  std::fprintf(out, "%-40s %8zu %8zu %8zu %8zu\n", label.c_str(), t.passed, t.failed, t.na,
               t.skipped);
}

void print_summary(std::FILE* out, const std::vector<FileResult>& results, const Totals& t,
                   const ReportOptions& opt) {
  if (t.na) {
    std::fprintf(out,
                 "\nNot applicable: %zu commands (text-format assert_malformed; this engine loads "
                 "binary modules only), in:\n ",
                 t.na);
    for (const auto& r : results)
      if (r.na) std::fprintf(out, " %s (%zu)", r.name.c_str(), r.na);
    std::fprintf(out, "\n");
  }
  // Group skipped files by reason so every skip is listed by name with its reason.
  std::map<std::string, std::vector<const FileResult*>> skips;
  for (const auto& r : results)
    if (r.skipped || !r.skip_reason.empty()) skips[r.skip_reason].push_back(&r);
  for (const auto& [reason, files] : skips) {
    size_t n = 0;
    for (const auto* r : files) n += r->skipped;
    std::fprintf(out, "\nSKIPPED: %zu commands in %zu files (%s):\n", n, files.size(),
                 reason.c_str());
    for (const auto* r : files) std::fprintf(out, "  %-40s %8zu commands\n", r->name.c_str(), r->skipped);
  }
  if (t.notes && !opt.verbose)
    std::fprintf(out,
                 "\nNotes: %zu passed commands where the engine's error stage or text differs "
                 "from the script's (see --verbose).\n",
                 t.notes);
  std::fprintf(out, "\nTotal: %zu passed, %zu failed, %zu not applicable, %zu skipped (%zu commands, %zu files)\n",
               t.passed, t.failed, t.na, t.skipped, t.passed + t.failed + t.na + t.skipped, t.files);
}

}  // namespace midimon::spec
