#include "plugin/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "plugin/file_digest.h"
#include "plugin/hex.h"
#include "plugin/secure_file.h"
#include "plugin/sodium_ready.h"
#include "plugin/toml_support.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using toml_support::quote;
using toml_support::where;

namespace {

constexpr std::string_view kPrivateFormat = "midimon-signing-key-v1";
constexpr std::string_view kPublicFormat = "midimon-public-key-v1";

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// A required string key of a key file, or an error at its place.
Expected<std::string> key_string(const toml::table& table, std::string_view key,
                                 const fs::path& file) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    return Failure{where(file, toml::source_position{1, 1}) + "missing key \"" + std::string(key) + "\""};
  }
  if (!node->is_string()) {
    return Failure{where(file, node->source()) + std::string(key) + " must be a string, not " +
                   std::string(toml_support::type_phrase(node->type()))};
  }
  return std::string(node->as_string()->get());
}

// Decodes `hex` into exactly N bytes or fails naming the key and its place.
template <size_t N>
Expected<std::array<uint8_t, N>> key_bytes(const toml::table& table, std::string_view key,
                                           const fs::path& file) {
  auto text = key_string(table, key, file);
  if (!text) return Failure{text.error()};
  auto bytes = from_hex(*text);
  if (!bytes || bytes->size() != N) {
    return Failure{where(file, table.get(key)->source()) + std::string(key) + " must be " +
                   std::to_string(N * 2) + " hexadecimal digits (" + std::to_string(N) + " bytes)"};
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  sodium_memzero(bytes->data(), bytes->size());
  return out;
}

Expected<void> check_format(const toml::table& table, std::string_view expected,
                            const fs::path& file) {
  auto format = key_string(table, "format", file);
  if (!format) return Failure{format.error()};
  if (*format != expected) {
    return Failure{where(file, table.get("format")->source()) + "format is \"" + *format +
                   "\", expected \"" + std::string(expected) + "\""};
  }
  auto algorithm = key_string(table, "algorithm", file);
  if (!algorithm) return Failure{algorithm.error()};
  if (*algorithm != "Ed25519") {
    return Failure{where(file, table.get("algorithm")->source()) + "algorithm is \"" +
                   *algorithm + "\", only \"Ed25519\" is supported"};
  }
  return {};
}

Developer optional_developer(const toml::table& table) {
  Developer d;
  if (auto v = table["name"].value<std::string>()) d.name = *v;
  if (auto v = table["email"].value<std::string>()) d.email = *v;
  return d;
}

std::string public_key_toml(const PublicKey& key, const Developer& developer) {
  return "# midimon plugin signing: a public key. Share it; users trust it with\n"
         "#   midimon plugin trust add --file THIS_FILE\n"
         "format = " + quote(kPublicFormat) + "\nalgorithm = \"Ed25519\"\n"
         "public_key = " + quote(to_hex(key)) + "\nkey_id = " + quote(key_id(key)) +
         "\nname = " + quote(developer.name) + "\nemail = " + quote(developer.email) + "\n";
}

}  // namespace

std::string key_id(const PublicKey& key) {
  Sha256Digest digest = sha256(key);
  return to_hex(std::span<const uint8_t>(digest.data(), 8));
}

bool verify_ed25519(const PublicKey& key, std::span<const uint8_t> message,
                    const Ed25519Signature& signature) {
  if (!sodium_ready()) return false;
  return crypto_sign_ed25519_verify_detached(signature.data(), message.data(), message.size(),
                                             key.data()) == 0;
}

SigningKey SigningKey::from_seed(std::span<const uint8_t, 32> seed, Developer developer) {
  sodium_ready();
  SigningKey key;
  crypto_sign_ed25519_seed_keypair(key.public_.data(), key.secret_.data(), seed.data());
  key.developer_ = std::move(developer);
  return key;
}

SigningKey SigningKey::generate(Developer developer) {
  sodium_ready();
  SigningKey key;
  crypto_sign_ed25519_keypair(key.public_.data(), key.secret_.data());
  key.developer_ = std::move(developer);
  return key;
}

SigningKey::SigningKey(const SigningKey& other) = default;
SigningKey& SigningKey::operator=(const SigningKey& other) = default;
SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Ed25519Signature SigningKey::sign(std::span<const uint8_t> message) const {
  Ed25519Signature sig{};
  crypto_sign_ed25519_detached(sig.data(), nullptr, message.data(), message.size(),
                               secret_.data());
  return sig;
}

Expected<PublicKeyFile> generate_key_files(const fs::path& private_key_file,
                                           const fs::path& public_key_file,
                                           const Developer& developer) {
  if (!sodium_ready()) return Failure{"libsodium could not be initialised"};
  std::error_code ec;
  for (const fs::path& parent : {private_key_file.parent_path(), public_key_file.parent_path()}) {
    if (parent.empty() || fs::exists(parent, ec)) continue;
    // A new key directory is private (the public key does not need it open).
    fs::create_directories(parent, ec);
    if (ec) return Failure{parent.string() + ": cannot create directory: " + ec.message()};
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  if (fs::exists(public_key_file, ec)) {
    return Failure{public_key_file.string() + ": already exists; not overwriting it"};
  }
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = SigningKey::from_seed(seed, developer);
  std::string seed_hex = to_hex(seed);
  sodium_memzero(seed.data(), seed.size());
  std::string secret_text =
      "# midimon plugin signing: a PRIVATE key. Keep it secret: anyone who has it can sign\n"
      "# plugins in your name. midimon refuses to use it if group or others can read it.\n"
      "format = " + quote(kPrivateFormat) + "\nalgorithm = \"Ed25519\"\nseed = " + quote(seed_hex) +
      "\npublic_key = " + quote(to_hex(key.public_key())) + "\nkey_id = " + quote(key.key_id()) +
      "\nname = " + quote(developer.name) + "\nemail = " + quote(developer.email) + "\n";
  sodium_memzero(seed_hex.data(), seed_hex.size());
  auto wrote = create_new_file(private_key_file, secret_text, 0600);
  sodium_memzero(secret_text.data(), secret_text.size());
  if (!wrote) return Failure{wrote.error()};
  if (auto pub = create_new_file(public_key_file, public_key_toml(key.public_key(), developer), 0644);
      !pub) {
    return Failure{pub.error()};
  }
  return PublicKeyFile{key.public_key(), key.key_id(), developer};
}

Expected<SigningKey> load_signing_key(const fs::path& file) {
  if (!sodium_ready()) return Failure{"libsodium could not be initialised"};
  // Check the file we actually read (fstat on the open fd), not the name.
  int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) return Failure{file.string() + ": is a symbolic link; refusing to use it as a private key"};
    return Failure{file.string() + ": cannot open the private key: " + std::strerror(errno)};
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Failure{file.string() + ": is not a regular file; refusing to use it as a private key"};
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Failure{file.string() + ": private key has mode " + mode_text(st.st_mode) +
                   ", so group or others can access it; refusing to use it. Run: chmod 600 " +
                   file.string()};
  }
  if (st.st_uid != ::geteuid()) {
    ::close(fd);
    return Failure{file.string() + ": private key belongs to uid " + std::to_string(st.st_uid) +
                   ", not to you; refusing to use it"};
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > 65536) break;
  }
  sodium_memzero(buf, sizeof buf);
  ::close(fd);

  auto table = toml_support::parse(text, file);
  sodium_memzero(text.data(), text.size());
  if (!table) return Failure{table.error()};
  if (auto r = check_format(*table, kPrivateFormat, file); !r) return Failure{r.error()};
  auto seed = key_bytes<32>(*table, "seed", file);
  if (!seed) return Failure{seed.error()};
  SigningKey key = SigningKey::from_seed(*seed, optional_developer(*table));
  sodium_memzero(seed->data(), seed->size());
  auto stated = key_bytes<32>(*table, "public_key", file);
  if (!stated) return Failure{stated.error()};
  if (*stated != key.public_key()) {
    return Failure{where(file, (*table).get("public_key")->source()) +
                   "public_key does not belong to this seed; the key file is corrupt"};
  }
  return key;
}

Expected<PublicKey> parse_public_key_hex(std::string_view hex) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) {
    return Failure{"\"" + std::string(hex) +
                   "\" is not a public key: expected 64 hexadecimal digits (32 bytes)"};
  }
  PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

Expected<PublicKeyFile> load_public_key_file(const fs::path& file) {
  auto text = read_text_file(file, 65536);
  if (!text) return Failure{text.error()};
  auto table = toml_support::parse(*text, file);
  if (!table) return Failure{table.error()};
  if (auto r = check_format(*table, kPublicFormat, file); !r) return Failure{r.error()};
  auto key = key_bytes<32>(*table, "public_key", file);
  if (!key) return Failure{key.error()};
  return PublicKeyFile{*key, key_id(*key), optional_developer(*table)};
}

}  // namespace midimon::plugin
