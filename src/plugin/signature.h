// Plugin signature files, `<binary>.sig` next to the binary (docs/plugins/signing.md).
//
// v1 is MIDIMon's format, verified as it is: pretty JSON with version 1, algorithm
// "Ed25519", plugin_hash (hex SHA-256 of the file), plugin_size, public_key (hex, 32
// bytes), signature (hex, 64 bytes: Ed25519 over the 32 raw digest bytes), signed_at,
// developer {name, email}. v1 signs the digest only: developer and signed_at are NOT
// covered and can be edited without breaking the signature.
//
// v2 (midimon's, what `sign` writes) has the same fields plus key_id, and signs the
// canonical byte string of canonical_v2_bytes(), which covers every field.
//
// Verification order (each failure its own message): version, algorithm, size, hash,
// key/signature lengths (and v2's key_id), signature. Whether the key is trusted is the
// caller's next step (plugin_verify.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "plugin/expected.h"
#include "plugin/file_digest.h"
#include "plugin/signing_key.h"

namespace midimon::plugin {

inline constexpr std::string_view kSignatureAlgorithm = "Ed25519";
inline constexpr std::string_view kSignatureV2Domain = "midimon-plugin-signature-v2\n";

struct SignatureFile {
  int64_t version = 2;
  std::string algorithm{kSignatureAlgorithm};
  std::string plugin_hash;  // hex, as written
  uint64_t plugin_size = 0;
  std::string public_key;  // hex, as written
  std::string key_id;      // v2 only
  std::string signature;   // hex, as written
  std::string signed_at;   // RFC 3339
  Developer developer;
};

// `<binary>.sig`: "plugin.wasm" -> "plugin.wasm.sig", "libx.so" -> "libx.so.sig".
std::filesystem::path signature_path_for(const std::filesystem::path& binary);

// Parses a signature file's JSON. Checks, in this order: JSON object, version (1 or 2),
// algorithm ("Ed25519"), then that every other field is present with the right type.
// Errors start with "<file>: ". Unknown fields are ignored (as MIDIMon's serde did).
Expected<SignatureFile> parse_signature_file(std::string_view json,
                                             const std::filesystem::path& file);
Expected<SignatureFile> load_signature_file(const std::filesystem::path& file);

// Pretty JSON (2-space indent, MIDIMon's field order, v2 adds key_id after public_key).
std::string serialize_signature_file(const SignatureFile& sig);

// The bytes v2 signs, from the verified digest and the file's other fields:
//   "midimon-plugin-signature-v2\n" then, for each field in this order,
//   NAME ' ' DECIMAL_BYTE_LENGTH ':' VALUE '\n'
// with NAME = algorithm, plugin_hash (lowercase hex), plugin_size (decimal), developer.name,
// developer.email, signed_at, key_id (lowercase hex). The length prefix makes the string
// unambiguous whatever bytes a value holds (newlines included).
std::string canonical_v2_bytes(const SignatureFile& sig, const FileDigest& digest);

// A signature that passed every check but trust.
struct CheckedSignature {
  int64_t version = 0;
  PublicKey public_key{};
  std::string key_id;
  Developer developer;  // v1: as written, unauthenticated
  std::string signed_at;
};

// Checks `sig` against the binary's digest: size, hash, key/signature lengths, v2's key_id,
// then the Ed25519 signature. Errors are one sentence each (no file prefix).
Expected<CheckedSignature> check_signature(const SignatureFile& sig, const FileDigest& digest);

// Who a signature file says signed it: its public key, key id and developer, WITHOUT
// verifying anything (for `trust add --from-signature`, which shows them to the user first).
Expected<PublicKeyFile> signer_of(const std::filesystem::path& sig_file);

// "2026-11-29T23:11:31Z" (UTC, seconds).
std::string format_rfc3339(std::chrono::system_clock::time_point time);

// Signs `binary` with a v2 signature and writes `<binary>.sig` (replacing one that exists).
// `developer` empty fields are taken from the key file's. Returns what it wrote.
Expected<SignatureFile> sign_plugin(const std::filesystem::path& binary, const SigningKey& key,
                                    Developer developer,
                                    std::chrono::system_clock::time_point signed_at =
                                        std::chrono::system_clock::now());

}  // namespace midimon::plugin
