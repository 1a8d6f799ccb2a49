#include "plugin/signature.h"

#include <nlohmann/json.hpp>

#include <ctime>

#include "plugin/hex.h"
#include "plugin/secure_file.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

// A required string field of `object`, or an error naming it.
Expected<std::string> string_field(const nlohmann::json& object, const char* key,
                                   const std::string& prefix) {
  auto it = object.find(key);
  if (it == object.end()) return Failure{prefix + "missing field \"" + key + "\""};
  if (!it->is_string()) return Failure{prefix + "field \"" + key + "\" must be a string"};
  return it->get<std::string>();
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ' ';
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

}  // namespace

fs::path signature_path_for(const fs::path& binary) {
  fs::path sig = binary;
  sig += ".sig";
  return sig;
}

Expected<SignatureFile> parse_signature_file(std::string_view json, const fs::path& file) {
  const std::string prefix = file.string() + ": ";
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    return Failure{prefix + "not valid JSON (at byte " + std::to_string(e.byte) + ")"};
  }
  if (!doc.is_object()) return Failure{prefix + "a signature file must be a JSON object"};

  SignatureFile sig;
  // 1. version
  auto version = doc.find("version");
  if (version == doc.end()) return Failure{prefix + "missing field \"version\""};
  if (!version->is_number_integer()) return Failure{prefix + "field \"version\" must be an integer"};
  sig.version = version->get<int64_t>();
  if (sig.version != 1 && sig.version != 2) {
    return Failure{prefix + "unsupported signature version " + std::to_string(sig.version) +
                   " (this midimon reads versions 1 and 2)"};
  }
  // 2. algorithm
  auto algorithm = string_field(doc, "algorithm", prefix);
  if (!algorithm) return Failure{algorithm.error()};
  if (*algorithm != kSignatureAlgorithm) {
    return Failure{prefix + "unsupported signature algorithm \"" + *algorithm +
                   "\" (only Ed25519)"};
  }
  sig.algorithm = *algorithm;
  // The rest must be present with the right types; their values are checked in order by
  // check_signature().
  auto size = doc.find("plugin_size");
  if (size == doc.end()) return Failure{prefix + "missing field \"plugin_size\""};
  if (!size->is_number_unsigned()) {
    return Failure{prefix + "field \"plugin_size\" must be a non-negative integer"};
  }
  sig.plugin_size = size->get<uint64_t>();
  std::pair<const char*, std::string*> strings[] = {{"plugin_hash", &sig.plugin_hash},
                                                    {"public_key", &sig.public_key},
                                                    {"signature", &sig.signature},
                                                    {"signed_at", &sig.signed_at}};
  for (auto [key, out] : strings) {
    auto value = string_field(doc, key, prefix);
    if (!value) return Failure{value.error()};
    *out = *value;
  }
  if (sig.version >= 2) {
    auto id = string_field(doc, "key_id", prefix);
    if (!id) return Failure{id.error()};
    sig.key_id = *id;
  }
  auto developer = doc.find("developer");
  if (developer == doc.end()) return Failure{prefix + "missing field \"developer\""};
  if (!developer->is_object()) return Failure{prefix + "field \"developer\" must be an object"};
  auto name = string_field(*developer, "name", prefix + "developer: ");
  if (!name) return Failure{name.error()};
  auto email = string_field(*developer, "email", prefix + "developer: ");
  if (!email) return Failure{email.error()};
  sig.developer = Developer{*name, *email};
  return sig;
}

Expected<SignatureFile> load_signature_file(const fs::path& file) {
  auto text = read_text_file(file, 1u << 20);
  if (!text) return Failure{text.error()};
  return parse_signature_file(*text, file);
}

std::string serialize_signature_file(const SignatureFile& sig) {
  ordered_json doc;
  doc["version"] = sig.version;
  doc["algorithm"] = sig.algorithm;
  doc["plugin_hash"] = sig.plugin_hash;
  doc["plugin_size"] = sig.plugin_size;
  doc["public_key"] = sig.public_key;
  if (sig.version >= 2) doc["key_id"] = sig.key_id;
  doc["signature"] = sig.signature;
  doc["signed_at"] = sig.signed_at;
  doc["developer"] = ordered_json{{"name", sig.developer.name}, {"email", sig.developer.email}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string canonical_v2_bytes(const SignatureFile& sig, const FileDigest& digest) {
  std::string out(kSignatureV2Domain);
  append_field(out, "algorithm", sig.algorithm);
  append_field(out, "plugin_hash", digest.hex());
  append_field(out, "plugin_size", std::to_string(digest.size));
  append_field(out, "developer.name", sig.developer.name);
  append_field(out, "developer.email", sig.developer.email);
  append_field(out, "signed_at", sig.signed_at);
  append_field(out, "key_id", sig.key_id);
  return out;
}

Expected<CheckedSignature> check_signature(const SignatureFile& sig, const FileDigest& digest) {
  // 3. size
  if (sig.plugin_size != digest.size) {
    return Failure{"size mismatch: the signature is for " + std::to_string(sig.plugin_size) +
                   " bytes, the file has " + std::to_string(digest.size) + " bytes"};
  }
  // 4. hash
  auto stated_hash = from_hex(sig.plugin_hash);
  if (!stated_hash || stated_hash->size() != digest.sha256.size() ||
      !std::equal(stated_hash->begin(), stated_hash->end(), digest.sha256.begin())) {
    return Failure{"hash mismatch: the signature is for SHA-256 " + sig.plugin_hash +
                   ", the file's is " + digest.hex() + " (the binary was modified)"};
  }
  // 5. key and signature lengths
  auto key = from_hex(sig.public_key);
  if (!key) return Failure{"public_key is not hexadecimal"};
  if (key->size() != 32) {
    return Failure{"public_key is " + std::to_string(key->size()) + " bytes, expected 32"};
  }
  auto signature = from_hex(sig.signature);
  if (!signature) return Failure{"signature is not hexadecimal"};
  if (signature->size() != 64) {
    return Failure{"signature is " + std::to_string(signature->size()) + " bytes, expected 64"};
  }
  CheckedSignature out;
  std::copy(key->begin(), key->end(), out.public_key.begin());
  out.key_id = key_id(out.public_key);
  out.version = sig.version;
  out.developer = sig.developer;
  out.signed_at = sig.signed_at;
  Ed25519Signature sig_bytes{};
  std::copy(signature->begin(), signature->end(), sig_bytes.begin());
  // 6. the signature
  bool valid = false;
  if (sig.version == 1) {
    valid = verify_ed25519(out.public_key, digest.sha256, sig_bytes);
  } else {
    if (sig.key_id != out.key_id) {
      return Failure{"key_id " + sig.key_id + " does not match the public key, whose id is " +
                     out.key_id};
    }
    std::string message = canonical_v2_bytes(sig, digest);
    valid = verify_ed25519(out.public_key,
                           std::span(reinterpret_cast<const uint8_t*>(message.data()), message.size()),
                           sig_bytes);
  }
  if (!valid) {
    return Failure{"the signature does not verify with public key " + out.key_id +
                   (sig.version == 1 ? " (the file or the signature was altered)"
                                     : " (the file, its metadata or the signature was altered)")};
  }
  return out;
}

Expected<PublicKeyFile> signer_of(const fs::path& sig_file) {
  auto sig = load_signature_file(sig_file);
  if (!sig) return Failure{sig.error()};
  auto key = parse_public_key_hex(sig->public_key);
  if (!key) return Failure{sig_file.string() + ": public_key must be 64 hexadecimal digits (32 bytes)"};
  return PublicKeyFile{*key, key_id(*key), sig->developer};
}

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<SignatureFile> sign_plugin(const fs::path& binary, const SigningKey& key,
                                    Developer developer,
                                    std::chrono::system_clock::time_point signed_at) {
  auto digest = digest_file(binary);
  if (!digest) return Failure{digest.error()};
  if (developer.name.empty()) developer.name = key.developer().name;
  if (developer.email.empty()) developer.email = key.developer().email;
  SignatureFile sig;
  sig.version = 2;
  sig.plugin_hash = digest->hex();
  sig.plugin_size = digest->size;
  sig.public_key = to_hex(key.public_key());
  sig.key_id = key.key_id();
  sig.signed_at = format_rfc3339(signed_at);
  sig.developer = std::move(developer);
  std::string message = canonical_v2_bytes(sig, *digest);
  Ed25519Signature s =
      key.sign(std::span(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  sig.signature = to_hex(s);
  if (auto wrote = replace_file_atomically(signature_path_for(binary), serialize_signature_file(sig), 0644);
      !wrote) {
    return Failure{wrote.error()};
  }
  return sig;
}

}  // namespace midimon::plugin
