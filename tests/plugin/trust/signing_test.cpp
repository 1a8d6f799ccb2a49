// Signing and trust, end to end: keygen, sign (v2), verify, MIDIMon's v1 files, tampering,
// the load decision under the policy, the sha256 pin.
#include <gtest/gtest.h>
#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "plugin/hex.h"
#include "plugin/plugin_verify.h"
#include "plugin/signature.h"
#include "plugin/signing_key.h"
#include "plugin/trust_store.h"
#include "temp_dir.h"

namespace midimon::plugin {
namespace {

using State = SignatureStatus::State;
using test::read_file;
using test::TempDir;
using test::write_file;

std::string hex_of(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(d[p[i] >> 4]);
    out.push_back(d[p[i] & 15]);
  }
  return out;
}

// Writes a v1 .sig exactly as MIDIMon's sign_plugin did: Ed25519 over the 32 raw SHA-256
// bytes of the file, serde_json's pretty printing, developer and signed_at unsigned.
// Independent of the library's code (libsodium directly).
void write_midimon_v1_signature(const std::filesystem::path& binary, const unsigned char pk[32],
                                const unsigned char sk[64], std::string_view dev_name = "Amiable Team",
                                std::string_view dev_email = "dev@amiable.com") {
  std::string bytes = read_file(binary);
  unsigned char digest[32];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  unsigned char sig[64];
  crypto_sign_ed25519_detached(sig, nullptr, digest, sizeof digest, sk);
  std::string json = "{\n  \"version\": 1,\n  \"algorithm\": \"Ed25519\",\n  \"plugin_hash\": \"" +
                     hex_of(digest, 32) + "\",\n  \"plugin_size\": " + std::to_string(bytes.size()) +
                     ",\n  \"public_key\": \"" + hex_of(pk, 32) + "\",\n  \"signature\": \"" +
                     hex_of(sig, 64) +
                     "\",\n  \"signed_at\": \"2025-01-19T10:00:00.123456789+00:00\",\n"
                     "  \"developer\": {\n    \"name\": \"" + std::string(dev_name) +
                     "\",\n    \"email\": \"" + std::string(dev_email) + "\"\n  }\n}";
  write_file(std::filesystem::path(binary.string() + ".sig"), json);
}

// Rewrites one field of a .sig file (JSON) and keeps the rest.
void edit_signature(const std::filesystem::path& sig_file,
                    const std::function<void(nlohmann::ordered_json&)>& edit) {
  auto doc = nlohmann::ordered_json::parse(read_file(sig_file));
  edit(doc);
  write_file(sig_file, doc.dump(2));
}

class Signing : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    binary_ = dir_ / "plugins/p/plugin.wasm";
    write_file(binary_, test::tiny_wasm() + std::string("\x00\x0c\x04name\x02hi", 11));
    auto pub = generate_key_files(dir_ / "keys/ada.key", dir_ / "keys/ada.pub",
                                  Developer{"Ada", "ada@example.org"});
    ASSERT_TRUE(pub.ok()) << pub.error();
    public_ = *pub;
    auto key = load_signing_key(dir_ / "keys/ada.key");
    ASSERT_TRUE(key.ok()) << key.error();
    key_.emplace(*key);
    trust_ = TrustStore(dir_ / "config/trusted_keys.toml");
  }

  void trust_ada() { ASSERT_TRUE(trust_.add(public_.public_key, "Ada", "ada@example.org").ok()); }

  LoadCheck check(bool require = false, std::optional<std::string> pin = std::nullopt) {
    return check_before_load(binary_, pin, SignaturePolicy{require}, trust_);
  }

  std::filesystem::path sig_file() const { return signature_path_for(binary_); }

  TempDir dir_;
  std::filesystem::path binary_;
  PublicKeyFile public_;
  std::optional<SigningKey> key_;
  TrustStore trust_;
};

TEST_F(Signing, KeygenWritesAPrivateKeyOnlyTheOwnerCanRead) {
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "keys/ada.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ / "keys/ada.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(key_->public_key(), public_.public_key);
  EXPECT_EQ(key_->developer().name, "Ada");
  EXPECT_EQ(public_.key_id.size(), 16u);
  auto pub = load_public_key_file(dir_ / "keys/ada.pub");
  ASSERT_TRUE(pub.ok()) << pub.error();
  EXPECT_EQ(pub->public_key, public_.public_key);
  EXPECT_EQ(pub->developer.email, "ada@example.org");
  // The private key file never holds the secret in a form the public file shares.
  EXPECT_EQ(read_file(dir_ / "keys/ada.pub").find("seed"), std::string::npos);
}

TEST_F(Signing, KeygenNeverOverwrites) {
  std::string before = read_file(dir_ / "keys/ada.key");
  auto again = generate_key_files(dir_ / "keys/ada.key", dir_ / "keys/other.pub", {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), (dir_ / "keys/ada.key").string() + ": already exists; not overwriting it");
  EXPECT_EQ(read_file(dir_ / "keys/ada.key"), before);
}

TEST_F(Signing, WorldReadablePrivateKeyIsRefused) {
  ASSERT_EQ(::chmod((dir_ / "keys/ada.key").c_str(), 0644), 0);
  auto key = load_signing_key(dir_ / "keys/ada.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), (dir_ / "keys/ada.key").string() +
                             ": private key has mode 0644, so group or others can access it; "
                             "refusing to use it. Run: chmod 600 " +
                             (dir_ / "keys/ada.key").string());
  ASSERT_EQ(::chmod((dir_ / "keys/ada.key").c_str(), 0640), 0);
  auto group = load_signing_key(dir_ / "keys/ada.key");
  ASSERT_FALSE(group.ok());
  EXPECT_NE(group.error().find("mode 0640"), std::string::npos) << group.error();
  ASSERT_EQ(::chmod((dir_ / "keys/ada.key").c_str(), 0400), 0);
  EXPECT_TRUE(load_signing_key(dir_ / "keys/ada.key").ok());
}

TEST_F(Signing, SymlinkedPrivateKeyIsRefused) {
  std::filesystem::create_symlink(dir_ / "keys/ada.key", dir_ / "keys/link.key");
  auto key = load_signing_key(dir_ / "keys/link.key");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().find("is a symbolic link"), std::string::npos) << key.error();
}

TEST_F(Signing, CorruptPrivateKeyNamesThePlace) {
  std::string text = read_file(dir_ / "keys/ada.key");
  auto at = text.find("seed = \"");
  text.replace(at + 8, 2, "zz");
  ASSERT_EQ(::unlink((dir_ / "keys/ada.key").c_str()), 0);
  int fd = ::open((dir_ / "keys/ada.key").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  auto key = load_signing_key(dir_ / "keys/ada.key");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().find("ada.key:5:8: seed must be 64 hexadecimal digits"), std::string::npos)
      << key.error();
}

TEST_F(Signing, RoundTripV2) {
  auto sig = sign_plugin(binary_, *key_, {});
  ASSERT_TRUE(sig.ok()) << sig.error();
  EXPECT_EQ(sig->version, 2);
  EXPECT_EQ(sig->developer.name, "Ada");  // from the key file
  EXPECT_EQ(sig->key_id, public_.key_id);
  trust_ada();
  LoadCheck c = check(true);
  EXPECT_TRUE(c.allowed) << c.refusal;
  EXPECT_EQ(c.signature.state, State::Valid) << c.signature.describe();
  EXPECT_EQ(c.signature.version, 2);
  EXPECT_EQ(c.signature.key_name, "Ada");
  EXPECT_EQ(c.signature.developer.email, "ada@example.org");
  EXPECT_EQ(c.signature.describe(), "valid (v2), key " + public_.key_id +
                                        " trusted as \"Ada\", developer Ada <ada@example.org>");
  // The file is pretty JSON with every field.
  auto doc = nlohmann::json::parse(read_file(sig_file()));
  for (const char* key : {"version", "algorithm", "plugin_hash", "plugin_size", "public_key",
                          "key_id", "signature", "signed_at", "developer"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_NE(read_file(sig_file()).find("\n  \"algorithm\": \"Ed25519\""), std::string::npos);
}

TEST_F(Signing, NativeBinariesAreVerifiedTheSameWay) {
  binary_ = dir_ / "plugins/n/libnative.so";
  write_file(binary_, std::string("\x7f" "ELF\x02\x01\x01\x00", 8) + "payload");
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  trust_ada();
  EXPECT_TRUE(check(true).allowed);
  write_file(binary_, std::string("\x7f" "ELF\x02\x01\x01\x00", 8) + "PAYLOAD");
  LoadCheck c = check();
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Invalid);
}

TEST_F(Signing, TamperedFileIsRefusedEvenWithoutRequireSignature) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  trust_ada();
  std::string bytes = read_file(binary_);
  bytes.back() ^= 1;  // same size, different content
  write_file(binary_, bytes);
  LoadCheck c = check(false);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Invalid);
  EXPECT_NE(c.signature.reason.find("hash mismatch: the signature is for SHA-256 "), std::string::npos)
      << c.signature.reason;
  EXPECT_NE(c.refusal.find("bad signature, refusing to load it"), std::string::npos) << c.refusal;

  write_file(binary_, bytes + "x");  // a different size
  c = check(false);
  EXPECT_FALSE(c.allowed);
  EXPECT_NE(c.signature.reason.find("size mismatch: the signature is for 19 bytes, the file has 20 bytes"),
            std::string::npos)
      << c.signature.reason;
}

TEST_F(Signing, WrongKeyIsRefused) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  trust_ada();
  SigningKey mallory = SigningKey::generate();
  ASSERT_TRUE(trust_.add(mallory.public_key(), "Mallory", "m@example.org").ok());
  // Claim Mallory's (trusted) key for Ada's signature.
  edit_signature(sig_file(), [&](nlohmann::ordered_json& d) {
    d["public_key"] = to_hex(mallory.public_key());
    d["key_id"] = mallory.key_id();
  });
  LoadCheck c = check();
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Invalid);
  EXPECT_NE(c.signature.reason.find("the signature does not verify with public key " + mallory.key_id()),
            std::string::npos)
      << c.signature.reason;
}

TEST_F(Signing, UntrustedKeyIsRefusedNamingTheKeyId) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  LoadCheck c = check(false);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Untrusted);
  EXPECT_EQ(c.refusal, binary_.string() + ": signed by key " + public_.key_id +
                           " (Ada <ada@example.org>), which is not trusted; refusing to load it. "
                           "If you trust this key: midimon plugin trust add " +
                           to_hex(public_.public_key) + " --name NAME");
}

TEST_F(Signing, MissingSignature) {
  LoadCheck relaxed = check(false);
  EXPECT_TRUE(relaxed.allowed) << relaxed.refusal;
  EXPECT_EQ(relaxed.signature.state, State::Unsigned);
  LoadCheck strict = check(true);
  EXPECT_FALSE(strict.allowed);
  EXPECT_EQ(strict.refusal, binary_.string() +
                                ": unsigned (no plugin.wasm.sig) and the policy requires "
                                "signatures; refusing to load it");
}

TEST_F(Signing, NotJsonSignatureIsInvalid) {
  write_file(sig_file(), "{ nope");
  LoadCheck c = check(false);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Invalid);
  EXPECT_EQ(c.signature.reason, sig_file().string() + ": not valid JSON (at byte 4)");
}

TEST_F(Signing, MidimonV1FileVerifies) {
  unsigned char pk[32], sk[64];
  crypto_sign_ed25519_keypair(pk, sk);
  write_midimon_v1_signature(binary_, pk, sk);
  PublicKey key{};
  std::copy(pk, pk + 32, key.begin());
  // Untrusted first.
  LoadCheck c = check();
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, State::Untrusted) << c.signature.describe();
  EXPECT_EQ(c.signature.version, 1);
  ASSERT_TRUE(trust_.add(key, "Amiable", "dev@amiable.com").ok());
  c = check(true);
  EXPECT_TRUE(c.allowed) << c.refusal;
  EXPECT_EQ(c.signature.state, State::Valid);
  EXPECT_EQ(c.signature.version, 1);
  EXPECT_EQ(c.signature.developer.name, "Amiable Team");
  EXPECT_EQ(c.signature.key_id, key_id(key));
}

TEST_F(Signing, V1DeveloperAndTimeAreUnsignedSoEditingThemStillVerifies) {
  unsigned char pk[32], sk[64];
  crypto_sign_ed25519_keypair(pk, sk);
  write_midimon_v1_signature(binary_, pk, sk);
  PublicKey key{};
  std::copy(pk, pk + 32, key.begin());
  ASSERT_TRUE(trust_.add(key, "Amiable", "dev@amiable.com").ok());
  edit_signature(sig_file(), [](nlohmann::ordered_json& d) {
    d["developer"]["name"] = "Someone Else";
    d["signed_at"] = "1999-01-01T00:00:00Z";
  });
  LoadCheck c = check(true);
  EXPECT_TRUE(c.allowed) << c.refusal;  // documented weakness of v1
  EXPECT_EQ(c.signature.developer.name, "Someone Else");
  EXPECT_NE(c.signature.describe().find("(as claimed: v1 does not sign the developer)"),
            std::string::npos);
}

TEST_F(Signing, V2MetadataTamperingIsRefused) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, Developer{"Ada", "ada@example.org"}).ok());
  trust_ada();
  std::string original = read_file(sig_file());
  struct Case {
    const char* what;
    std::function<void(nlohmann::ordered_json&)> edit;
    const char* reason;
  };
  std::vector<Case> cases = {
      {"developer.name", [](auto& d) { d["developer"]["name"] = "Eve"; }, "does not verify"},
      {"developer.email", [](auto& d) { d["developer"]["email"] = "eve@x"; }, "does not verify"},
      {"signed_at", [](auto& d) { d["signed_at"] = "2000-01-01T00:00:00Z"; }, "does not verify"},
      {"key_id", [](auto& d) { d["key_id"] = "0000000000000000"; },
       "key_id 0000000000000000 does not match the public key"},
      {"signature", [](auto& d) {
         std::string s = d["signature"];
         s[0] = s[0] == '0' ? '1' : '0';
         d["signature"] = s;
       }, "does not verify"},
  };
  for (const Case& k : cases) {
    write_file(sig_file(), original);
    edit_signature(sig_file(), k.edit);
    LoadCheck c = check(false);
    EXPECT_FALSE(c.allowed) << k.what;
    EXPECT_EQ(c.signature.state, State::Invalid) << k.what;
    EXPECT_NE(c.signature.reason.find(k.reason), std::string::npos) << k.what << ": " << c.signature.reason;
  }
  write_file(sig_file(), original);
  EXPECT_TRUE(check(true).allowed);
}

TEST_F(Signing, ChecksRunInMidimonsOrder) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  std::string original = read_file(sig_file());
  auto reason_after = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
    write_file(sig_file(), original);
    edit_signature(sig_file(), edit);
    return check().signature.reason;
  };
  // Everything wrong: the version is reported.
  auto all_wrong = [](nlohmann::ordered_json& d) {
    d["version"] = 3;
    d["algorithm"] = "RSA";
    d["plugin_size"] = 1;
    d["plugin_hash"] = "00";
    d["public_key"] = "00";
  };
  EXPECT_NE(reason_after(all_wrong).find("unsupported signature version 3"), std::string::npos);
  // Then the algorithm, the size, the hash, the key length, the signature length.
  EXPECT_NE(reason_after([&](auto& d) { all_wrong(d); d["version"] = 2; })
                .find("unsupported signature algorithm \"RSA\""),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { all_wrong(d); d["version"] = 2; d["algorithm"] = "Ed25519"; })
                .find("size mismatch"),
            std::string::npos);
  nlohmann::ordered_json good = nlohmann::ordered_json::parse(original);
  EXPECT_NE(reason_after([&](auto& d) { d["plugin_hash"] = "00"; d["public_key"] = "00"; })
                .find("hash mismatch"),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { d["public_key"] = "00"; d["signature"] = "00"; })
                .find("public_key is 1 bytes, expected 32"),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { d["signature"] = "0011"; }).find("signature is 2 bytes, expected 64"),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { d["public_key"] = "xyz"; }).find("public_key is not hexadecimal"),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { d.erase("developer"); }).find("missing field \"developer\""),
            std::string::npos);
  EXPECT_NE(reason_after([&](auto& d) { d["plugin_size"] = -1; })
                .find("field \"plugin_size\" must be a non-negative integer"),
            std::string::npos);
}

TEST_F(Signing, CanonicalV2BytesAreExactlyAsDocumented) {
  SignatureFile sig;
  sig.developer = {"Ada\nLovelace", "ada@example.org"};
  sig.signed_at = "2026-11-29T23:11:31Z";
  sig.key_id = "0123456789abcdef";
  FileDigest digest;
  digest.size = 1234;
  digest.sha256.fill(0xab);
  std::string hash(64, 'x');
  for (size_t i = 0; i < 64; i += 2) hash.replace(i, 2, "ab");
  EXPECT_EQ(canonical_v2_bytes(sig, digest),
            "midimon-plugin-signature-v2\n"
            "algorithm 7:Ed25519\n"
            "plugin_hash 64:" + hash + "\n"
            "plugin_size 4:1234\n"
            "developer.name 12:Ada\nLovelace\n"
            "developer.email 15:ada@example.org\n"
            "signed_at 20:2026-11-29T23:11:31Z\n"
            "key_id 16:0123456789abcdef\n");
}

TEST_F(Signing, SignedAtIsInjectable) {
  auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  auto sig = sign_plugin(binary_, *key_, {}, at);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->signed_at, "2023-11-14T22:13:20Z");
}

TEST_F(Signing, Sha256PinIsCheckedAtLoad) {
  auto digest = digest_file(binary_);
  ASSERT_TRUE(digest.ok());
  EXPECT_TRUE(check(false, digest->hex()).allowed);
  std::string wrong(64, '0');
  LoadCheck c = check(false, wrong);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.refusal, binary_.string() + ": SHA-256 mismatch: the manifest pins " + wrong +
                           ", the file's is " + digest->hex() + "; refusing to load it");
}

TEST_F(Signing, BytesOverloadChecksTheBytesGiven) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  trust_ada();
  std::string on_disk = read_file(binary_);
  std::vector<uint8_t> same(on_disk.begin(), on_disk.end());
  EXPECT_TRUE(check_before_load(binary_, same, std::nullopt, SignaturePolicy{true}, trust_).allowed);
  std::vector<uint8_t> other = same;
  other.push_back(0);
  EXPECT_FALSE(check_before_load(binary_, other, std::nullopt, SignaturePolicy{true}, trust_).allowed);
}

}  // namespace
}  // namespace midimon::plugin

namespace midimon::plugin {
namespace {

TEST_F(Signing, SignerOfReadsTheKeyForTrustAddFromSignature) {
  ASSERT_TRUE(sign_plugin(binary_, *key_, {}).ok());
  auto who = signer_of(sig_file());
  ASSERT_TRUE(who.ok()) << who.error();
  EXPECT_EQ(who->public_key, public_.public_key);
  EXPECT_EQ(who->key_id, public_.key_id);
  EXPECT_EQ(who->developer.name, "Ada");
  edit_signature(sig_file(), [](nlohmann::ordered_json& d) { d["public_key"] = "abcd"; });
  auto bad = signer_of(sig_file());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), sig_file().string() +
                             ": public_key must be 64 hexadecimal digits (32 bytes)");
}

TEST(PublicKeyHex, ParsesOnlyThirtyTwoBytes) {
  auto ok = parse_public_key_hex(std::string(64, 'A'));
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ((*ok)[0], 0xaa);
  auto short_key = parse_public_key_hex("abcd");
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error(), "\"abcd\" is not a public key: expected 64 hexadecimal digits (32 bytes)");
  EXPECT_FALSE(parse_public_key_hex(std::string(64, 'g')).ok());
}

}  // namespace
}  // namespace midimon::plugin
