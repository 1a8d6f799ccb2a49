#include "plugin/trust_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "plugin/hex.h"
#include "temp_dir.h"

namespace midimon::plugin {
namespace {

using test::read_file;
using test::TempDir;
using test::write_file;

const std::string kKeyA(64, 'a');
const std::string kKeyB = std::string(62, 'b') + "0c";

PublicKey key_from(const std::string& hex) {
  PublicKey k{};
  auto bytes = from_hex(hex);
  std::copy(bytes->begin(), bytes->end(), k.begin());
  return k;
}

std::string load_error(const std::filesystem::path& file, std::string_view text) {
  write_file(file, text);
  auto store = TrustStore::load(file);
  EXPECT_FALSE(store.ok()) << text;
  return store.ok() ? "" : store.error();
}

TEST(TrustStore, MissingFileIsEmpty) {
  TempDir dir;
  auto store = TrustStore::load(dir / "none.toml");
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_TRUE(store->keys().empty());
}

TEST(TrustStore, ReadsMidimonsFormat) {
  TempDir dir;
  write_file(dir / "trusted_keys.toml",
             "[[keys]]\nname = \"Developer Name\"\nemail = \"dev@example.com\"\npublic_key = \"" +
                 kKeyA + "\"\nadded_at = \"2025-01-19T10:00:00Z\"\n\n[[keys]]\nname = \"B\"\n"
                 "email = \"b@x\"\npublic_key = \"" + kKeyB + "\"\nadded_at = 2025-01-20T10:00:00Z\n");
  auto store = TrustStore::load(dir / "trusted_keys.toml");
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_EQ(store->keys().size(), 2u);
  EXPECT_EQ(store->keys()[0].name, "Developer Name");
  EXPECT_EQ(store->keys()[0].added_at, "2025-01-19T10:00:00Z");
  EXPECT_EQ(store->keys()[1].added_at.substr(0, 10), "2025-01-20");  // a TOML date-time
  ASSERT_NE(store->find(key_from(kKeyB)), nullptr);
  EXPECT_EQ(store->find(key_from(kKeyB))->email, "b@x");
  EXPECT_EQ(store->find(PublicKey{}), nullptr);
}

TEST(TrustStore, AddListRemoveRoundTrip) {
  TempDir dir;
  TrustStore store(dir / "config/midimon/trusted_keys.toml");
  auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  auto added = store.add(key_from(kKeyA), "Ada", "ada@example.org", at);
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added->added_at, "2023-11-14T22:13:20Z");
  ASSERT_TRUE(store.add(key_from(kKeyB), "Bob", "bob@example.org", at).ok());

  auto dup = store.add(key_from(kKeyA), "Again", "x@y", at);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), "key " + key_id(key_from(kKeyA)) + " is already trusted (as \"Ada\" <ada@example.org>)");

  auto reloaded = TrustStore::load(dir / "config/midimon/trusted_keys.toml");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error();
  ASSERT_EQ(reloaded->keys().size(), 2u);
  EXPECT_EQ(reloaded->keys()[0].name, "Ada");
  EXPECT_EQ(reloaded->keys()[1].public_key, key_from(kKeyB));
  EXPECT_NE(read_file(dir / "config/midimon/trusted_keys.toml")
                .find("[[keys]]\nname = \"Ada\"\nemail = \"ada@example.org\"\npublic_key = \"" + kKeyA +
                      "\"\nadded_at = \"2023-11-14T22:13:20Z\"\n"),
            std::string::npos);

  auto by_id = reloaded->remove(key_id(key_from(kKeyB)));
  ASSERT_TRUE(by_id.ok()) << by_id.error();
  EXPECT_EQ(by_id->name, "Bob");
  auto by_name = reloaded->remove("Ada");
  ASSERT_TRUE(by_name.ok()) << by_name.error();
  auto none = reloaded->remove("Ada");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), "no trusted key has the id, public key or name \"Ada\"");
  auto empty = TrustStore::load(dir / "config/midimon/trusted_keys.toml");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->keys().empty());
}

TEST(TrustStore, AmbiguousNameMustBeRemovedById) {
  TempDir dir;
  TrustStore store(dir / "t.toml");
  ASSERT_TRUE(store.add(key_from(kKeyA), "Same", "a@x").ok());
  ASSERT_TRUE(store.add(key_from(kKeyB), "Same", "b@x").ok());
  auto r = store.remove("Same");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "several trusted keys are named \"Same\"; remove one by its key id: " +
                           key_id(key_from(kKeyA)) + ", " + key_id(key_from(kKeyB)));
  EXPECT_TRUE(store.remove(kKeyB).ok());  // the full hex key works too
  EXPECT_EQ(store.keys().size(), 1u);
}

TEST(TrustStore, MalformedEntriesAreErrorsWithLineAndColumn) {
  TempDir dir;
  auto f = dir / "t.toml";
  std::string F = f.string();
  std::string good = "name = \"A\"\nemail = \"a@x\"\npublic_key = \"" + kKeyA + "\"\nadded_at = \"t\"\n";
  EXPECT_EQ(load_error(f, "[[keys]]\nname = \"A\"\nemail = \"a@x\"\nadded_at = \"t\"\n"),
            F + ":1:1: [[keys]] entry is missing \"public_key\"");
  EXPECT_EQ(load_error(f, "[[keys]]\nname = \"A\"\nemail = \"a@x\"\npublic_key = \"abc\"\nadded_at = \"t\"\n"),
            F + ":4:14: public_key must be 64 hexadecimal digits (an Ed25519 public key), got \"abc\"");
  EXPECT_EQ(load_error(f, "[[keys]]\n" + good + "comment = \"x\"\n"),
            F + ":6:1: unknown key \"comment\" in [[keys]]; expected name, email, public_key, added_at");
  EXPECT_EQ(load_error(f, "[[keys]]\nname = 5\n"), F + ":2:8: name must be a string, not an integer");
  EXPECT_EQ(load_error(f, "keys = 3\n"), F + ":1:8: keys must be an array of tables ([[keys]]), not an integer");
  EXPECT_EQ(load_error(f, "keys = [1]\n"), F + ":1:9: each entry of keys must be a table ([[keys]]), not an integer");
  EXPECT_EQ(load_error(f, "owner = \"me\"\n"),
            F + ":1:1: unknown key \"owner\"; the trusted keys file has only [[keys]] entries");
  EXPECT_EQ(load_error(f, "[[keys]]\n" + good + "[[keys]]\n" + good),
            F + ":6:1: public key " + key_id(key_from(kKeyA)) + " is listed twice (first as \"A\")");
  EXPECT_EQ(load_error(f, "[[keys]\n").rfind(F + ":1:", 0), 0u);
}

TEST(TrustStore, AFileOthersCanWriteIsRefused) {
  TempDir dir;
  write_file(dir / "t.toml", "");
  ASSERT_EQ(::chmod((dir / "t.toml").c_str(), 0666), 0);
  auto store = TrustStore::load(dir / "t.toml");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error(), (dir / "t.toml").string() +
                               ": the trusted keys file has mode 0666, so group or others can "
                               "change it; refusing to use it. Run: chmod go-w " +
                               (dir / "t.toml").string());
}

}  // namespace
}  // namespace midimon::plugin
