// The load-time checks of a plugin binary, in one place the manager calls before it loads
// anything (WASM and native alike): the manifest's sha256 pin, then the signature
// (`<binary>.sig`, v1 or v2) against the trusted keys, under the signature policy.
//
// Decision:
//   - a present but bad signature ALWAYS refuses the load (whatever the policy);
//   - a valid signature by a key that is not trusted refuses, naming the key id to trust;
//   - a missing signature refuses only when the policy requires signatures;
//   - a pin that does not match refuses, showing both hashes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "plugin/file_digest.h"
#include "plugin/signing_key.h"
#include "plugin/trust_store.h"

namespace midimon::plugin {

struct SignaturePolicy {
  bool require_signature = false;  // off by default; docs/plugins/signing.md#hardening
};

struct SignatureStatus {
  enum class State : uint8_t {
    Unsigned,   // no <binary>.sig
    Valid,      // verified and the key is trusted
    Untrusted,  // verified, but the key is not in the trust store
    Invalid,    // present but wrong (reason says which check failed)
  };
  State state = State::Unsigned;
  int64_t version = 0;        // Valid/Untrusted: 1 or 2
  Developer developer;        // Valid/Untrusted (v1: as claimed, not signed)
  std::string key_id;         // Valid/Untrusted
  PublicKey public_key{};     // Valid/Untrusted
  std::string key_name;       // Valid: the trusted key's name
  std::string reason;         // Invalid: what failed
  std::filesystem::path file; // the .sig file looked at

  // One line for `plugin info` and logs, e.g.
  // "valid (v2), key 1a2b3c4d5e6f7a8b trusted as \"Ada\", developer Ada <ada@x>".
  std::string describe() const;
};
std::string_view signature_state_name(SignatureStatus::State state);  // "unsigned", ...

struct LoadCheck {
  bool allowed = false;
  std::string refusal;  // empty when allowed: one sentence naming the binary and the reason
  SignatureStatus signature;
  FileDigest digest;
};

// Verifies `<binary>.sig` against a digest of the binary (no policy).
SignatureStatus verify_signature(const std::filesystem::path& binary, const FileDigest& digest,
                                 const TrustStore& trust);

// The sha256 pin: ok when `pin` is empty or equals the digest.
Expected<void> check_sha256_pin(const std::filesystem::path& binary, const FileDigest& digest,
                                const std::optional<std::string>& pin);

// Everything the manager checks before loading, on the file as it is on disk.
LoadCheck check_before_load(const std::filesystem::path& binary,
                            const std::optional<std::string>& sha256_pin,
                            const SignaturePolicy& policy, const TrustStore& trust);
// The same on bytes already read (so the bytes checked are the bytes compiled; `binary`
// locates the .sig and names the plugin in messages).
LoadCheck check_before_load(const std::filesystem::path& binary, std::span<const uint8_t> bytes,
                            const std::optional<std::string>& sha256_pin,
                            const SignaturePolicy& policy, const TrustStore& trust);
// The brief's name for the signature half: verify `<binary>.sig` under `policy` (no pin).
inline LoadCheck verify_plugin(const std::filesystem::path& binary, const SignaturePolicy& policy,
                               const TrustStore& trust) {
  return check_before_load(binary, std::nullopt, policy, trust);
}
// The decision alone, from a digest.
LoadCheck decide_load(const std::filesystem::path& binary, const FileDigest& digest,
                      const std::optional<std::string>& sha256_pin, const SignaturePolicy& policy,
                      const TrustStore& trust);

}  // namespace midimon::plugin
