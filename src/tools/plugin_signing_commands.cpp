// `midimon plugin keygen|sign|verify`, `midimon plugin trust add|list|remove` and
// `midimon plugin new`.
#include <filesystem>

#include "plugin/file_digest.h"
#include "plugin/hex.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_verify.h"
#include "plugin/signature.h"
#include "plugin/signing_key.h"
#include "plugin/trust_store.h"
#include "tools/plugin_commands.h"

#if __has_include("plugin/scaffold.h")
#include "plugin/scaffold.h"
#define MIDIMON_HAVE_SCAFFOLD 1
#endif

namespace midimon::tools {

using namespace midimon::plugin;
namespace fs = std::filesystem;

namespace {

Expected<TrustStore> open_trust() { return TrustStore::load(trusted_keys_file(XdgDirs::from_environment())); }

// A public key given as 64 hex digits or as a file written by keygen.
Expected<PublicKey> read_public_key(const std::string& text) {
  std::error_code ec;
  if (fs::is_regular_file(text, ec)) {
    Expected<PublicKeyFile> file = load_public_key_file(text);
    if (!file) return Failure{file.error()};
    return file->public_key;
  }
  std::optional<std::vector<uint8_t>> bytes = from_hex(text);
  if (!bytes || bytes->size() != 32) {
    return Failure{"'" + text + "' is neither a public key file nor 64 hex digits"};
  }
  PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace

int plugin_keygen(const KeygenOptions& options, std::ostream& out, std::ostream& err) {
  const fs::path pub = options.public_key.empty() ? fs::path(options.private_key + ".pub") : fs::path(options.public_key);
  Expected<PublicKeyFile> written =
      generate_key_files(options.private_key, pub, Developer{options.developer_name, options.developer_email});
  if (!written) {
    err << "error: " << written.error() << "\n";
    return kPluginExitInvalid;
  }
  out << "private key: " << options.private_key << " (mode 0600; keep it secret)\n"
      << "public key: " << pub.string() << "\n"
      << "key id: " << written->key_id << "\n"
      << "public key (hex): " << to_hex(written->public_key) << "\n";
  return kPluginExitOk;
}

int plugin_sign(const SignOptions& options, std::ostream& out, std::ostream& err) {
  Expected<SigningKey> key = load_signing_key(options.private_key);
  if (!key) {
    err << "error: " << key.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<SignatureFile> sig =
      sign_plugin(options.binary, *key, Developer{options.developer_name, options.developer_email});
  if (!sig) {
    err << "error: " << sig.error() << "\n";
    return kPluginExitInvalid;
  }
  out << "signed " << options.binary << " -> " << signature_path_for(options.binary).string() << " (v"
      << sig->version << ", key id " << sig->key_id << ", sha256 " << sig->plugin_hash << ")\n";
  return kPluginExitOk;
}

int plugin_verify(const std::string& binary, const PluginConfigOptions& options, std::ostream& out,
                  std::ostream& err) {
  std::optional<UserPluginSettings> user = user_plugin_settings_or_report(options, err);
  if (!user) return kPluginExitInvalid;
  Expected<TrustStore> trust = load_trust(user->loader);
  if (!trust) {
    err << "error: " << trust.error() << "\n";
    return kPluginExitInvalid;
  }
  std::error_code ec;
  if (!fs::is_regular_file(binary, ec)) {
    err << "error: " << binary << ": no such file\n";
    return kPluginExitInvalid;
  }
  LoadCheck check = check_before_load(binary, std::nullopt, SignaturePolicy{user->loader.require_signature}, *trust);
  out << binary << ": " << check.signature.describe() << "\n";
  if (!check.allowed) {
    err << "refused: " << check.refusal << "\n";
    return kPluginExitFailed;
  }
  return kPluginExitOk;
}

int plugin_trust_add(const TrustAddOptions& options, std::ostream& out, std::ostream& err) {
  Expected<PublicKey> key = read_public_key(options.public_key);
  if (!key) {
    err << "error: " << key.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<TrustStore> trust = open_trust();
  if (!trust) {
    err << "error: " << trust.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<TrustedKey> added = trust->add(*key, options.name, options.email);
  if (!added) {
    err << "error: " << added.error() << "\n";
    return kPluginExitInvalid;
  }
  out << "trusted key " << added->key_id() << " (" << added->name << ") in " << trust->file().string() << "\n";
  return kPluginExitOk;
}

int plugin_trust_list(std::ostream& out, std::ostream& err) {
  Expected<TrustStore> trust = open_trust();
  if (!trust) {
    err << "error: " << trust.error() << "\n";
    return kPluginExitInvalid;
  }
  if (trust->keys().empty()) out << "no trusted keys (" << trust->file().string() << ")\n";
  for (const TrustedKey& k : trust->keys()) {
    out << k.key_id() << "  " << k.name << (k.email.empty() ? "" : " <" + k.email + ">") << "  added "
        << k.added_at << "  " << to_hex(k.public_key) << "\n";
  }
  return kPluginExitOk;
}

int plugin_trust_remove(const std::string& key, std::ostream& out, std::ostream& err) {
  Expected<TrustStore> trust = open_trust();
  if (!trust) {
    err << "error: " << trust.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<TrustedKey> removed = trust->remove(key);
  if (!removed) {
    err << "error: " << removed.error() << "\n";
    return kPluginExitInvalid;
  }
  out << "no longer trusted: " << removed->key_id() << " (" << removed->name << ")\n";
  return kPluginExitOk;
}

int plugin_new(const std::string& name, const std::string& lang, const std::string& dir, std::ostream& out,
               std::ostream& err) {
#ifdef MIDIMON_HAVE_SCAFFOLD
  const fs::path target = dir.empty() ? fs::path(name) : fs::path(dir);
  std::optional<ScaffoldLang> language = parse_scaffold_lang(lang);
  if (!language) {
    err << "error: --lang must be c or rust, not '" << lang << "'\n";
    return kPluginExitInvalid;
  }
  if (std::string problem = scaffold_name_problem(name); !problem.empty()) {
    err << "error: " << problem << "\n";
    return kPluginExitInvalid;
  }
  Expected<void> made = scaffold_plugin(target, name, *language);
  if (!made) {
    err << "error: " << made.error() << "\n";
    return kPluginExitInvalid;
  }
  out << "created " << target.string() << " (" << lang << "); build it with " << (target / "build.sh").string()
      << " and try it with `midimon plugin call " << target.string() << " hello`\n";
  return kPluginExitOk;
#else
  (void)name, (void)lang, (void)dir, (void)out;
  err << "error: this build has no plugin scaffold (src/plugin/scaffold.h)\n";
  return kPluginExitInvalid;
#endif
}

}  // namespace midimon::tools
