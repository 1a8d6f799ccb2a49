#include "plugin/plugin_verify.h"

#include <algorithm>

#include "plugin/hex.h"
#include "plugin/signature.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using State = SignatureStatus::State;

std::string_view signature_state_name(State state) {
  switch (state) {
    case State::Unsigned: return "unsigned";
    case State::Valid: return "valid";
    case State::Untrusted: return "untrusted";
    case State::Invalid: return "invalid";
  }
  return "invalid";
}

std::string SignatureStatus::describe() const {
  std::string developer_text = developer.name + " <" + developer.email + ">";
  switch (state) {
    case State::Unsigned: return "unsigned (no " + file.filename().string() + ")";
    case State::Invalid: return "invalid: " + reason;
    case State::Valid:
    case State::Untrusted: {
      std::string out = std::string(signature_state_name(state)) + " (v" +
                        std::to_string(version) + "), key " + key_id;
      out += state == State::Valid ? " trusted as \"" + key_name + "\"" : " is not trusted";
      out += ", developer " + developer_text;
      if (version == 1) out += " (as claimed: v1 does not sign the developer)";
      return out;
    }
  }
  return reason;
}

SignatureStatus verify_signature(const fs::path& binary, const FileDigest& digest,
                                 const TrustStore& trust) {
  SignatureStatus status;
  status.file = signature_path_for(binary);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(status.file, ec))) {
    status.state = State::Unsigned;
    return status;
  }
  status.state = State::Invalid;
  auto sig = load_signature_file(status.file);
  if (!sig) {
    status.reason = sig.error();
    return status;
  }
  auto checked = check_signature(*sig, digest);
  if (!checked) {
    status.reason = status.file.string() + ": " + checked.error();
    return status;
  }
  status.version = checked->version;
  status.developer = checked->developer;
  status.key_id = checked->key_id;
  status.public_key = checked->public_key;
  // 7. key trusted
  if (const TrustedKey* key = trust.find(checked->public_key)) {
    status.state = State::Valid;
    status.key_name = key->name;
  } else {
    status.state = State::Untrusted;
  }
  return status;
}

Expected<void> check_sha256_pin(const fs::path& binary, const FileDigest& digest,
                                const std::optional<std::string>& pin) {
  if (!pin) return {};
  auto expected = from_hex(*pin);
  if (!expected || expected->size() != digest.sha256.size() ||
      !std::equal(expected->begin(), expected->end(), digest.sha256.begin())) {
    return Failure{binary.string() + ": SHA-256 mismatch: the manifest pins " + *pin +
                   ", the file's is " + digest.hex() + "; refusing to load it"};
  }
  return {};
}

LoadCheck decide_load(const fs::path& binary, const FileDigest& digest,
                      const std::optional<std::string>& sha256_pin, const SignaturePolicy& policy,
                      const TrustStore& trust) {
  LoadCheck check;
  check.digest = digest;
  check.signature = verify_signature(binary, digest, trust);
  if (auto pinned = check_sha256_pin(binary, digest, sha256_pin); !pinned) {
    check.refusal = pinned.error();
    return check;
  }
  const SignatureStatus& s = check.signature;
  switch (s.state) {
    case State::Invalid:
      check.refusal = binary.string() + ": bad signature, refusing to load it: " + s.reason;
      return check;
    case State::Untrusted:
      check.refusal = binary.string() + ": signed by key " + s.key_id + " (" + s.developer.name +
                      " <" + s.developer.email + ">), which is not trusted; refusing to load it. "
                      "If you trust this key: midimon plugin trust add " + to_hex(s.public_key) +
                      " --name NAME";
      return check;
    case State::Unsigned:
      if (policy.require_signature) {
        check.refusal = binary.string() + ": unsigned (no " + s.file.filename().string() +
                        ") and the policy requires signatures; refusing to load it";
        return check;
      }
      break;
    case State::Valid: break;
  }
  check.allowed = true;
  return check;
}

LoadCheck check_before_load(const fs::path& binary, const std::optional<std::string>& sha256_pin,
                            const SignaturePolicy& policy, const TrustStore& trust) {
  auto digest = digest_file(binary);
  if (!digest) {
    LoadCheck check;
    check.refusal = digest.error();
    return check;
  }
  return decide_load(binary, *digest, sha256_pin, policy, trust);
}

LoadCheck check_before_load(const fs::path& binary, std::span<const uint8_t> bytes,
                            const std::optional<std::string>& sha256_pin,
                            const SignaturePolicy& policy, const TrustStore& trust) {
  return decide_load(binary, digest_bytes(bytes), sha256_pin, policy, trust);
}

}  // namespace midimon::plugin
