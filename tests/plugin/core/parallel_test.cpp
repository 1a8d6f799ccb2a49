// Plugins share one engine but nothing else: calls to different plugins may run in
// parallel (the manager's promise), and one plugin's trap leaves the others alone.
#include <thread>

#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

TEST(PluginParallel, DifferentPluginsRunConcurrently) {
  Recorder rec;  // thread-safe, as HostServices implementations must be
  constexpr int kPlugins = 4;
  constexpr int kCalls = 100;
  std::vector<std::unique_ptr<WasmPlugin>> plugins;
  for (int i = 0; i < kPlugins; ++i) {
    plugins.push_back(load_probe(rec));
    ASSERT_TRUE(plugins.back());
  }
  std::vector<int> last(kPlugins, 0), traps(kPlugins, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kPlugins; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kCalls; ++k) {
        // Plugin 0 also traps now and then; its neighbours must not notice.
        if (i == 0 && k % 25 == 0) traps[i] += plugins[i]->execute(action("trap")).status == CallResult::Status::Trapped;
        last[i] = plugins[i]->execute(action("count")).code;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(traps[0], 4);
  EXPECT_EQ(last[0], 25) << "counting restarts after each trap";
  for (int i = 1; i < kPlugins; ++i) {
    EXPECT_EQ(last[i], kCalls) << "plugin " << i;
    EXPECT_EQ(plugins[i]->instantiations(), 1u);
  }
}

}  // namespace
}  // namespace midimon::plugin::test
