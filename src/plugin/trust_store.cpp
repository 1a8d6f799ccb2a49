#include "plugin/trust_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "plugin/hex.h"
#include "plugin/secure_file.h"
#include "plugin/signature.h"
#include "plugin/toml_support.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using toml_support::quote;
using toml_support::where;

namespace {

Expected<void> refuse_if_others_can_write(const fs::path& file, std::string_view what) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  if ((st.st_mode & 022) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Failure{file.string() + ": " + std::string(what) + " has mode " + mode +
                   ", so group or others can change it; refusing to use it. Run: chmod go-w " +
                   file.string()};
  }
  return {};
}

Expected<TrustedKey> parse_entry(const toml::node& node, const fs::path& file) {
  if (!node.is_table()) {
    return Failure{where(file, node.source()) + "each entry of keys must be a table ([[keys]]), not " +
                   std::string(toml_support::type_phrase(node.type()))};
  }
  const toml::table& entry = *node.as_table();
  static constexpr std::array<std::string_view, 4> kKnown = {"name", "email", "public_key",
                                                             "added_at"};
  for (auto&& [key, value] : entry) {
    if (std::find(kKnown.begin(), kKnown.end(), key.str()) == kKnown.end()) {
      return Failure{where(file, key.source()) + "unknown key \"" + std::string(key.str()) +
                     "\" in [[keys]]; expected name, email, public_key, added_at"};
    }
  }
  TrustedKey out;
  for (std::string_view key : kKnown) {
    const toml::node* value = entry.get(key);
    if (value == nullptr) {
      return Failure{where(file, entry.source()) + "[[keys]] entry is missing \"" +
                     std::string(key) + "\""};
    }
    std::string text;
    if (value->is_string()) {
      text = value->as_string()->get();
    } else if (key == "added_at" && value->is_date_time()) {
      // A TOML date-time written by hand: keep its spelling.
      text = toml_support::to_json(*value);
      text = text.substr(1, text.size() - 2);
    } else {
      return Failure{where(file, value->source()) + std::string(key) + " must be a string, not " +
                     std::string(toml_support::type_phrase(value->type()))};
    }
    if (key == "name") out.name = text;
    if (key == "email") out.email = text;
    if (key == "added_at") out.added_at = text;
    if (key == "public_key") {
      auto bytes = from_hex(text);
      if (!bytes || bytes->size() != 32) {
        return Failure{where(file, value->source()) +
                       "public_key must be 64 hexadecimal digits (an Ed25519 public key), got \"" +
                       text + "\""};
      }
      std::copy(bytes->begin(), bytes->end(), out.public_key.begin());
    }
  }
  return out;
}

}  // namespace

Expected<TrustStore> TrustStore::load(const fs::path& file) {
  TrustStore store(file);
  std::error_code ec;
  if (!fs::exists(file, ec)) return store;
  if (auto r = refuse_if_others_can_write(file, "the trusted keys file"); !r) return Failure{r.error()};
  auto text = read_text_file(file, 4u << 20);
  if (!text) return Failure{text.error()};
  auto root = toml_support::parse(*text, file);
  if (!root) return Failure{root.error()};
  for (auto&& [key, node] : *root) {
    if (key.str() != "keys") {
      return Failure{where(file, key.source()) + "unknown key \"" + std::string(key.str()) +
                     "\"; the trusted keys file has only [[keys]] entries"};
    }
  }
  const toml::node* keys = root->get("keys");
  if (keys == nullptr) return store;
  if (!keys->is_array()) {
    return Failure{where(file, keys->source()) + "keys must be an array of tables ([[keys]]), not " +
                   std::string(toml_support::type_phrase(keys->type()))};
  }
  for (const toml::node& node : *keys->as_array()) {
    auto entry = parse_entry(node, file);
    if (!entry) return Failure{entry.error()};
    if (const TrustedKey* dup = store.find(entry->public_key)) {
      return Failure{where(file, node.source()) + "public key " + entry->key_id() +
                     " is listed twice (first as \"" + dup->name + "\")"};
    }
    store.keys_.push_back(std::move(*entry));
  }
  return store;
}

const TrustedKey* TrustStore::find(const PublicKey& key) const {
  for (const TrustedKey& k : keys_) {
    if (k.public_key == key) return &k;
  }
  return nullptr;
}

Expected<TrustedKey> TrustStore::add(const PublicKey& key, std::string name, std::string email,
                                     std::chrono::system_clock::time_point added_at) {
  if (const TrustedKey* existing = find(key)) {
    return Failure{"key " + existing->key_id() + " is already trusted (as \"" + existing->name +
                   "\" <" + existing->email + ">)"};
  }
  keys_.push_back(TrustedKey{std::move(name), std::move(email), key, format_rfc3339(added_at)});
  if (auto saved = save(); !saved) {
    keys_.pop_back();
    return Failure{saved.error()};
  }
  return keys_.back();
}

Expected<TrustedKey> TrustStore::remove(std::string_view who) {
  std::vector<size_t> matches;
  for (size_t i = 0; i < keys_.size(); ++i) {
    const TrustedKey& k = keys_[i];
    if (k.key_id() == who || to_hex(k.public_key) == who) {
      matches = {i};
      break;
    }
    if (k.name == who) matches.push_back(i);
  }
  if (matches.empty()) {
    return Failure{"no trusted key has the id, public key or name \"" + std::string(who) + "\""};
  }
  if (matches.size() > 1) {
    std::string ids;
    for (size_t i : matches) ids += (ids.empty() ? "" : ", ") + keys_[i].key_id();
    return Failure{"several trusted keys are named \"" + std::string(who) +
                   "\"; remove one by its key id: " + ids};
  }
  TrustedKey removed = keys_[matches[0]];
  keys_.erase(keys_.begin() + static_cast<ptrdiff_t>(matches[0]));
  if (auto saved = save(); !saved) {
    keys_.insert(keys_.begin() + static_cast<ptrdiff_t>(matches[0]), removed);
    return Failure{saved.error()};
  }
  return removed;
}

std::string TrustStore::to_toml() const {
  std::string out =
      "# midimon: the public keys whose plugin signatures you trust.\n"
      "# Manage with `midimon plugin trust add|list|remove`.\n";
  for (const TrustedKey& k : keys_) {
    out += "\n[[keys]]\n";
    out += "name = " + quote(k.name) + "\n";
    out += "email = " + quote(k.email) + "\n";
    out += "public_key = " + quote(to_hex(k.public_key)) + "\n";
    out += "added_at = " + quote(k.added_at) + "\n";
  }
  return out;
}

Expected<void> TrustStore::save() const {
  if (file_.empty()) return Failure{"the trust store has no file to save to"};
  return replace_file_atomically(file_, to_toml(), 0644);
}

}  // namespace midimon::plugin
