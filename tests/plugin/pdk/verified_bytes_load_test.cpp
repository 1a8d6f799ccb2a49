// What is verified is what runs: load_plugin reads a plugin binary once, checks its
// sha256 pin on those bytes, and loads those same bytes -- a native library from a sealed
// memfd, never by its path again; a WASM module compiled from the buffer. The tests swap
// the file on disk through LoaderSettings::after_verify, the seam between the checks and
// the load (no timing involved), and check that the verified plugin is the one running.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "plugin/file_digest.h"
#include "plugin/native_plugin.h"
#include "plugin/plugin_loader.h"
#include "recording_host_services.h"

namespace {

namespace fs = std::filesystem;
using namespace midimon::plugin;
using midimon::plugin::test::RecordingHostServices;

const fs::path kFixtures = MIDIMON_NATIVE_FIXTURE_DIR;
const fs::path kPlugins = MIDIMON_EXAMPLE_PLUGINS_DIR;

fs::path fixture(const std::string& name) { return kFixtures / ("libnative_fixture_" + name + ".so"); }

std::vector<uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string pin_of(const fs::path& file) { return digest_bytes(read_bytes(file)).hex(); }

class VerifiedBytesLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("midimon-verified-load-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
    settings_.xdg.data_home = dir_ / "home" / "data";
    settings_.xdg.state_home = dir_ / "home" / "state";
    settings_.xdg.config_home = dir_ / "home" / "config";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A plugin directory whose manifest pins `binary` by its SHA-256.
  fs::path pinned_plugin(const std::string& name, const fs::path& binary, const std::string& file_name) {
    const fs::path plugin_dir = dir_ / name;
    fs::create_directories(plugin_dir);
    fs::copy_file(binary, plugin_dir / file_name);
    std::ofstream(plugin_dir / "plugin.toml") << "[plugin]\nname = \"" << name
                                              << "\"\nversion = \"1.0.0\"\ndescription = \"d\"\nauthor = \"a\"\n"
                                                 "license = \"MIT\"\nbinary = \""
                                              << file_name << "\"\nsha256 = \"" << pin_of(binary) << "\"\n";
    return plugin_dir;
  }

  // Replaces `target` with `impostor` the way an attacker would: a new file renamed over it.
  static void swap_in(const fs::path& impostor, const fs::path& target) {
    const fs::path tmp = target.string() + ".swap";
    fs::copy_file(impostor, tmp);
    fs::rename(tmp, target);
  }

  fs::path dir_;
  LoaderSettings settings_;
  RecordingHostServices host_;
};

TEST_F(VerifiedBytesLoad, NativeLibrarySwappedAfterVerificationIsNotWhatRuns) {
  const fs::path plugin_dir = pinned_plugin("fixture", fixture("good"), "libfixture.so");
  const fs::path binary = plugin_dir / "libfixture.so";
  int swaps = 0;
  settings_.after_verify = [&](const fs::path& verified) {
    ASSERT_EQ(verified, binary);
    swap_in(fixture("impostor"), verified);
    ++swaps;
  };
  Expected<LoadedPlugin> loaded = load_plugin(plugin_dir.string(), settings_, host_, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_EQ(swaps, 1);
  ASSERT_NE(pin_of(binary), pin_of(fixture("good")));  // the swap happened on disk

  EXPECT_EQ(loaded->plugin->kind(), PluginKind::Native);
  EXPECT_EQ(loaded->plugin->metadata().version, "1.2.3");  // the verified fixture's, not 6.6.6
  ActionRequest request;
  request.action = "unknown";
  EXPECT_EQ(loaded->plugin->execute(request).code, 3);  // the impostor answers 66 to everything
}

TEST_F(VerifiedBytesLoad, TheImpostorItselfIsRefusedByThePin) {
  // The control: loaded without a swap, the impostor fails the same pin the test above
  // verified -- the only reason it did not run there is the single read.
  const fs::path plugin_dir = pinned_plugin("fixture", fixture("good"), "libfixture.so");
  swap_in(fixture("impostor"), plugin_dir / "libfixture.so");
  Expected<LoadedPlugin> loaded = load_plugin(plugin_dir.string(), settings_, host_, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("SHA-256 mismatch"), std::string::npos) << loaded.error();
}

TEST_F(VerifiedBytesLoad, WasmModuleSwappedAfterVerificationIsNotWhatRuns) {
  const fs::path plugin_dir = pinned_plugin("template", kPlugins / "template" / "template.wasm", "template.wasm");
  settings_.after_verify = [&](const fs::path& verified) { swap_in(kPlugins / "minimal" / "minimal.wasm", verified); };
  Expected<LoadedPlugin> loaded = load_plugin(plugin_dir.string(), settings_, host_, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->plugin->metadata().name, "template");
  ActionRequest request;
  request.action = "hello";
  request.context.velocity = 7;
  EXPECT_TRUE(loaded->plugin->execute(request).ok());
  EXPECT_EQ(host_.out, "hello from template: velocity=7 note=-1 mode=-1\n");
}

// glibc hands back an already-loaded library when dlopen is given the same path string.
// A library built with -z nodelete stays loaded after dlclose, under the /proc/self/fd
// path of a memfd that is closed by then; the next plugin's memfd may get that descriptor
// number. The loader must notice and load the new bytes from another descriptor.
TEST_F(VerifiedBytesLoad, AReusedDescriptorNumberNeverReturnsAnEarlierLibrary) {
  for (int round = 0; round < 3; ++round) {
    Expected<std::unique_ptr<NativePlugin>> sticky = load_native_plugin(fixture("nodelete"), &host_, {});
    ASSERT_TRUE(sticky.ok()) << sticky.error();
    EXPECT_EQ((*sticky)->metadata().version, "1.2.3");
    sticky->reset();  // dlclose: the library stays mapped (nodelete), its memfd is closed

    Expected<std::unique_ptr<NativePlugin>> next = load_native_plugin(fixture("impostor"), &host_, {});
    ASSERT_TRUE(next.ok()) << next.error();
    EXPECT_EQ((*next)->metadata().version, "6.6.6") << "round " << round;
    ActionRequest request;
    request.action = "unknown";
    EXPECT_EQ((*next)->execute(request).code, 66);
  }
}

}  // namespace
