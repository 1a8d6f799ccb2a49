#include "plugin/state_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "plugin/host_api_util.h"
#include "plugin/host_errno.h"

namespace midimon::plugin {

using hostapi::base64_decode;
using hostapi::base64_encode;

StateStore::StateStore(std::filesystem::path dir, StateBounds bounds)
    : file_(dir.empty() ? std::filesystem::path() : dir / "state.json"), bounds_(bounds) {}

Expected<void> StateStore::ensure_loaded() {
  if (loaded_) return {};
  if (file_.empty()) {
    loaded_ = true;
    return {};
  }
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || !std::filesystem::exists(file_)) {
      loaded_ = true;  // nothing stored yet
      return {};
    }
    return Failure{"cannot read " + file_.string() + ": " + std::strerror(errno)};
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, std::string, std::less<>> entries;
  size_t total = 0;
  try {
    const auto j = nlohmann::json::parse(text);
    const auto& list = j.at("entries");
    if (!list.is_array()) throw std::runtime_error("\"entries\" is not an array");
    for (size_t i = 0; i < list.size(); ++i) {
      auto key = base64_decode(list[i].at(0).get<std::string>());
      auto value = base64_decode(list[i].at(1).get<std::string>());
      if (!key || !value) {
        throw std::runtime_error("entries[" + std::to_string(i) + "] is not base64");
      }
      total += key->size() + value->size();
      entries[std::move(*key)] = std::move(*value);
    }
  } catch (const std::exception& e) {
    // Leave the file alone (the user may want it back) and refuse to overwrite it.
    return Failure{file_.string() + " is not a valid state file: " + e.what()};
  }
  entries_ = std::move(entries);
  total_ = total;
  loaded_ = true;
  return {};
}

Expected<void> StateStore::persist() const {
  if (file_.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  if (ec) return Failure{"cannot create " + file_.parent_path().string() + ": " + ec.message()};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [k, v] : entries_) list.push_back({base64_encode(k), base64_encode(v)});
  const std::string text = nlohmann::json{{"version", 1}, {"entries", list}}.dump() + "\n";

  const std::string tmp = file_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Failure{"cannot write " + tmp + ": " + std::strerror(errno)};
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Failure{"cannot write " + tmp + ": " + why};
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), file_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Failure{"cannot replace " + file_.string() + ": " + why};
  }
  return {};
}

int32_t StateStore::check_key(std::string_view key) const {
  return (key.empty() || key.size() > bounds_.max_key_bytes) ? host_errno::kInval : 0;
}

int32_t StateStore::get(std::string_view key, std::string* value) {
  if (int32_t r = check_key(key)) return r;
  if (auto r = ensure_loaded(); !r) {
    last_error_ = r.error();
    return host_errno::kIo;
  }
  auto it = entries_.find(key);
  if (it == entries_.end()) return host_errno::kNoEnt;
  *value = it->second;
  return 0;
}

int32_t StateStore::set(std::string_view key, std::string_view value) {
  if (int32_t r = check_key(key)) return r;
  if (auto r = ensure_loaded(); !r) {
    last_error_ = r.error();
    return host_errno::kIo;
  }
  if (value.size() > bounds_.max_value_bytes) return host_errno::kNoSpace;
  auto it = entries_.find(key);
  const size_t old = it == entries_.end() ? 0 : key.size() + it->second.size();
  if (it == entries_.end() && entries_.size() >= bounds_.max_keys) return host_errno::kNoSpace;
  if (total_ - old + key.size() + value.size() > bounds_.max_total_bytes) return host_errno::kNoSpace;

  std::optional<std::string> previous;
  if (it != entries_.end()) previous = it->second;
  entries_[std::string(key)] = std::string(value);
  const size_t old_total = total_;
  total_ = total_ - old + key.size() + value.size();
  if (auto r = persist(); !r) {  // undo, so memory and disk agree
    if (previous) entries_[std::string(key)] = std::move(*previous);
    else entries_.erase(std::string(key));
    total_ = old_total;
    last_error_ = r.error();
    return host_errno::kIo;
  }
  return 0;
}

int32_t StateStore::remove(std::string_view key) {
  if (int32_t r = check_key(key)) return r;
  if (auto r = ensure_loaded(); !r) {
    last_error_ = r.error();
    return host_errno::kIo;
  }
  auto it = entries_.find(key);
  if (it == entries_.end()) return host_errno::kNoEnt;
  std::string value = std::move(it->second);
  entries_.erase(it);
  total_ -= key.size() + value.size();
  if (auto r = persist(); !r) {
    entries_[std::string(key)] = std::move(value);
    total_ += key.size() + entries_[std::string(key)].size();
    last_error_ = r.error();
    return host_errno::kIo;
  }
  return 0;
}

}  // namespace midimon::plugin
