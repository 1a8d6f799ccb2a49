#include "plugin/grant_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "temp_dir.h"

namespace midimon::plugin {
namespace {

using test::read_file;
using test::TempDir;
using test::write_file;

CapabilitySet caps(std::initializer_list<Capability> list) {
  CapabilitySet out;
  for (Capability c : list) out.add(c);
  return out;
}

TEST(GrantStore, DefaultDeny) {
  TempDir dir;
  auto store = GrantStore::open(dir / "state/midimon/grants.toml");
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_TRUE(store->get("anything").empty());
  EXPECT_TRUE(store->list().empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "state/midimon/grants.toml"));  // nothing written yet
}

TEST(GrantStore, GrantRevokeRoundTripThroughTheFile) {
  TempDir dir;
  auto file = dir / "state/midimon/grants.toml";
  {
    auto store = GrantStore::open(file);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->grant("webhook", caps({Capability::Network})).ok());
    ASSERT_TRUE(store->grant("webhook", caps({Capability::Midi})).ok());
    ASSERT_TRUE(store->grant("midi-echo", caps({Capability::Midi, Capability::SystemControl})).ok());
    ASSERT_TRUE(store->revoke("midi-echo", caps({Capability::SystemControl})).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(read_file(file).find("[grants]\n\"midi-echo\" = [\"midi\"]\n\"webhook\" = [\"network\", \"midi\"]\n"),
            std::string::npos)
      << read_file(file);

  auto again = GrantStore::open(file);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->get("webhook"), caps({Capability::Network, Capability::Midi}));
  EXPECT_EQ(again->get("midi-echo"), caps({Capability::Midi}));
  EXPECT_EQ(again->list().size(), 2u);
  ASSERT_TRUE(again->revoke_all("webhook").ok());
  auto third = GrantStore::open(file);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->get("webhook").empty());
  EXPECT_EQ(third->list().size(), 1u);
}

TEST(GrantStore, ReloadSeesAnotherWriter) {
  TempDir dir;
  auto a = GrantStore::open(dir / "g.toml");
  auto b = GrantStore::open(dir / "g.toml");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->grant("p", caps({Capability::Audio})).ok());
  EXPECT_TRUE(b->get("p").empty());
  ASSERT_TRUE(b->reload().ok());
  EXPECT_EQ(b->get("p"), caps({Capability::Audio}));
}

TEST(GrantStore, UnknownCapabilityNames) {
  std::vector<std::string> names = {"midi", "system_control", "systemcontrol"};
  auto ok = parse_capability_names(names);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(*ok, caps({Capability::Midi, Capability::SystemControl}));
  std::vector<std::string> bad = {"midi", "root"};
  auto err = parse_capability_names(bad);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error(), "unknown capability \"root\"; known: network, filesystem, audio, midi, "
                         "subprocess, systemcontrol (or system_control)");
}

TEST(GrantStore, MalformedFileIsAnErrorWithLineAndColumn) {
  TempDir dir;
  auto f = dir / "g.toml";
  auto error_for = [&](std::string_view text) {
    write_file(f, text);
    ::chmod(f.c_str(), 0600);
    auto s = GrantStore::open(f);
    EXPECT_FALSE(s.ok()) << text;
    return s.ok() ? std::string() : s.error();
  };
  std::string F = f.string();
  EXPECT_EQ(error_for("[grants]\np = [\"midi\", \"root\"]\n"),
            F + ":2:14: unknown capability \"root\"; known: network, filesystem, audio, midi, "
                "subprocess, systemcontrol (or system_control)");
  EXPECT_EQ(error_for("[grants]\np = \"midi\"\n"),
            F + ":2:5: p must be an array of capability names, not a string");
  EXPECT_EQ(error_for("[grants]\np = [1]\n"), F + ":2:6: a capability name must be a string, not an integer");
  EXPECT_EQ(error_for("[grants]\n\"../x\" = []\n"), F + ":2:1: \"../x\" is not a valid plugin name");
  EXPECT_EQ(error_for("[other]\n"), F + ":1:2: unknown key \"other\"; the grants file has only the [grants] table");
}

TEST(GrantStore, InvalidPluginNameIsRefused) {
  TempDir dir;
  auto s = GrantStore::open(dir / "g.toml");
  ASSERT_TRUE(s.ok());
  auto r = s->grant("../../etc", caps({Capability::Midi}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "\"../../etc\" is not a valid plugin name");
}

TEST(GrantStore, AFileOthersCanWriteIsRefused) {
  TempDir dir;
  write_file(dir / "g.toml", "[grants]\n");
  ASSERT_EQ(::chmod((dir / "g.toml").c_str(), 0620), 0);
  auto s = GrantStore::open(dir / "g.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("the grants file has mode 0620"), std::string::npos) << s.error();
}

// Atomicity: a failed write changes neither the file nor memory. The rename is made to fail
// by putting a directory where the file goes (that fails for root too).
TEST(GrantStore, AFailedWriteChangesNothing) {
  TempDir dir;
  auto s = GrantStore::open(dir / "g.toml");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->grant("p", caps({Capability::Midi})).ok());
  std::filesystem::remove(dir / "g.toml");
  std::filesystem::create_directories(dir / "g.toml/occupied");
  auto r = s->grant("p", caps({Capability::Network}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find((dir / "g.toml").string() + ": cannot write: "), std::string::npos) << r.error();
  EXPECT_EQ(s->get("p"), caps({Capability::Midi}));  // rolled back
  auto fresh = s->grant("q", caps({Capability::Audio}));
  EXPECT_FALSE(fresh.ok());
  EXPECT_TRUE(s->get("q").empty());
  // No temporary files are left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "g.toml") << entry.path();
  }
}

// Atomicity: a reader never sees half a file while a writer replaces it.
TEST(GrantStore, ReadersNeverSeeAPartialFile) {
  TempDir dir;
  auto writer = GrantStore::open(dir / "g.toml");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->grant("p0", caps({Capability::Midi})).ok());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto r = GrantStore::open(dir / "g.toml");
      if (!r.ok() || r->get("p0") != caps({Capability::Midi})) bad.fetch_add(1);
      reads.fetch_add(1);
    }
  });
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(writer->grant("p" + std::to_string(i % 20 + 1),
                              CapabilitySet(static_cast<uint8_t>(i % 63 + 1))).ok());
  }
  done.store(true);
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace midimon::plugin
