// Config loading (Google Benchmark): parse + validate + normalise a 1,000-mapping config,
// the size issue 9 sets a 5 ms target for (docs/performance.md, "Config loading").
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <toml++/toml.h>

#include "mapping/config_loader.h"
#include "mapping/config_printer.h"

namespace {

// A realistic mix: every gesture trigger kind, channels, MIDIMon aliases, keystrokes
// checked against the key table, shell commands split into argv, nested actions, and
// ModeChange references resolved across four modes.
std::string make_config(int mappings) {
  std::string text =
      "[device]\nname = \"Bench\"\nauto_connect = true\n\n[advanced_settings]\nhold_threshold_ms = 900\n";
  const char* triggers[] = {
      R"({ type = "Note", note = %N%, velocity_min = 10, channel = %C% })",
      R"({ type = "CC", cc = %N%, value_min = 64 })",
      R"({ type = "LongPress", note = %N%, min_duration_ms = 900 })",
      R"({ type = "EncoderTurn", cc = %N%, direction = "Clockwise" })",
      R"({ type = "NoteChord", notes = [%N%, 1, 2] })",
      R"({ type = "VelocityRange", note = %N%, min_velocity = 80, max_velocity = 127 })",
      R"({ type = "DoubleTap", note = %N%, max_interval_ms = 250 })",
      R"({ type = "SysEx", pattern = "F0 7E ?? 06 02 * F7" })",
  };
  const char* actions[] = {
      R"({ type = "Keystroke", keys = "ctrl+shift+F5", modifiers = ["option"] })",
      R"({ type = "Shell", command = "notify-send 'mapping %I%' \"done\"" })",
      R"({ type = "VolumeControl", action = "Up" })",
      R"({ type = "Sequence", actions = [{ type = "Text", text = "m%I%" }, { type = "Delay", ms = 5 }] })",
      R"({ type = "ModeChange", mode = "Mode %M%" })",
      R"({ type = "Conditional", condition = { TimeRange = { start = "09:00", end = "17:00" } }, then_action = { type = "Launch", app = "slack" } })",
  };
  auto fill = [](std::string s, int i) {
    auto put = [&](const std::string& key, const std::string& value) {
      for (std::size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
    };
    put("%N%", std::to_string(3 + i % 120));
    put("%C%", std::to_string(1 + i % 16));
    put("%I%", std::to_string(i));
    put("%M%", std::to_string(i % 4));
    return s;
  };
  const int modes = 4;
  for (int m = 0; m < modes; ++m) {
    text += "\n[[modes]]\nname = \"Mode " + std::to_string(m) + "\"\ncolor = \"blue\"\n";
    for (int i = m * mappings / modes; i < (m + 1) * mappings / modes; ++i) {
      text += "\n[[modes.mappings]]\ndescription = \"mapping " + std::to_string(i) + "\"\n";
      text += "trigger = " + fill(triggers[i % 8], i) + "\n";
      text += "action = " + fill(actions[i % 6], i) + "\n";
    }
  }
  return text;
}

void check_loaded(const midimon::mapping::LoadResult& r, benchmark::State& state) {
  if (!r.ok()) state.SkipWithError(("the generated config does not load: " + r.errors[0].to_string()).c_str());
}

void BM_LoadConfigString(benchmark::State& state) {
  const std::string text = make_config(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto r = midimon::mapping::load_config_string(text, "bench.toml");
    benchmark::DoNotOptimize(r);
    check_loaded(r, state);
  }
  state.counters["mappings"] = static_cast<double>(state.range(0));
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_LoadConfigString)->Arg(1000)->Arg(100)->Unit(benchmark::kMillisecond);

// toml++'s parse alone (no validation, no model): the floor under BM_LoadConfigString.
void BM_TomlParseOnly(benchmark::State& state) {
  const std::string text = make_config(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    try {
      toml::table doc = toml::parse(std::string_view(text), std::string_view("bench.toml"));
      benchmark::DoNotOptimize(doc);
    } catch (const toml::parse_error& e) {
      state.SkipWithError(e.what());
    }
  }
}
BENCHMARK(BM_TomlParseOnly)->Arg(1000)->Unit(benchmark::kMillisecond);

// The whole `midimon validate` path minus printing: read the file, parse, validate.
void BM_LoadConfigFile(benchmark::State& state) {
  const std::string path = "/tmp/midimon_config_load_bench_" + std::to_string(::getpid()) + ".toml";
  {
    std::ofstream out(path);
    out << make_config(static_cast<int>(state.range(0)));
  }
  for (auto _ : state) {
    auto r = midimon::mapping::load_config(path);
    benchmark::DoNotOptimize(r);
    check_loaded(r, state);
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_LoadConfigFile)->Arg(1000)->Unit(benchmark::kMillisecond);

// `validate --print`'s extra cost.
void BM_PrintConfig(benchmark::State& state) {
  auto r = midimon::mapping::load_config_string(make_config(static_cast<int>(state.range(0))), "bench.toml");
  check_loaded(r, state);
  if (!r.ok()) return;
  for (auto _ : state) {
    std::string printed = midimon::mapping::print_config(*r.config);
    benchmark::DoNotOptimize(printed);
  }
}
BENCHMARK(BM_PrintConfig)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
