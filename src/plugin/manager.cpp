#include "plugin/manager.h"

#include <atomic>
#include <exception>
#include <utility>

namespace midimon::plugin {

// One loaded plugin. `call_mutex` serialises its calls; `state_mutex` guards the stats
// and grant changes, and is never held while plugin code runs, so list()/stats() do not
// wait for a slow call.
struct PluginManager::Entry {
  std::string name;
  std::string source;
  std::shared_ptr<Plugin> plugin;
  std::mutex call_mutex;
  std::atomic<bool> enabled{true};
  std::atomic<bool> busy{false};
  mutable std::mutex state_mutex;
  PluginStats stats;
};

namespace {

Failure not_loaded(std::string_view name) {
  return Failure{"no plugin named '" + std::string(name) + "' is loaded"};
}

CallResult error_result(std::string message) {
  CallResult result;
  result.status = CallResult::Status::Error;
  result.message = std::move(message);
  return result;
}

// What the log says about a call that did not return 0.
std::string describe_outcome(const ActionRequest& request, const CallResult& result) {
  std::string text = "action '" + request.action + "' ";
  switch (result.status) {
    case CallResult::Status::Ok: text += "succeeded"; break;
    case CallResult::Status::Failed: text += "failed with return code " + std::to_string(result.code); break;
    case CallResult::Status::Trapped: text += "trapped: " + result.message; break;
    case CallResult::Status::Error: text += "was refused by the host: " + result.message; break;
  }
  return text;
}

}  // namespace

PluginManager::PluginManager(HostServices& host, PluginLoader loader, PluginSettings* settings, Clock clock)
    : host_(host), loader_(std::move(loader)), settings_(settings), clock_(std::move(clock)) {}

PluginManager::~PluginManager() = default;

Expected<std::string> PluginManager::load(const std::string& source) {
  if (!loader_) return Failure{"cannot load '" + source + "': the manager has no loader"};
  Expected<std::shared_ptr<Plugin>> loaded = [&]() -> Expected<std::shared_ptr<Plugin>> {
    try {
      return loader_(source);
    } catch (const std::exception& e) {
      return Failure{"cannot load '" + source + "': " + e.what()};
    }
  }();
  if (!loaded) return Failure{loaded.error()};
  return add(std::move(loaded.value()), source);
}

Expected<std::string> PluginManager::add(std::shared_ptr<Plugin> plugin, const std::string& source) {
  if (!plugin) return Failure{"cannot add the plugin from '" + source + "': it is null"};
  std::shared_ptr<Entry> entry = make_entry(std::move(plugin), source);
  if (entry->name.empty()) return Failure{"the plugin from '" + source + "' reports an empty name"};
  const std::string name = entry->name;
  std::lock_guard lock(registry_mutex_);
  auto [it, inserted] = plugins_.try_emplace(name, entry);
  if (!inserted) {
    return Failure{"a plugin named '" + name + "' is already loaded (from '" + it->second->source +
                   "'); unload it first"};
  }
  return name;
}

std::shared_ptr<PluginManager::Entry> PluginManager::make_entry(std::shared_ptr<Plugin> plugin,
                                                                const std::string& source) const {
  auto entry = std::make_shared<Entry>();
  entry->name = plugin->metadata().name;
  entry->source = source;
  if (settings_ != nullptr) {
    plugin->set_grants(settings_->grants(entry->name));
    entry->enabled.store(settings_->enabled(entry->name));
  }
  entry->plugin = std::move(plugin);
  return entry;
}

Expected<std::string> PluginManager::replace(std::shared_ptr<Plugin> plugin, const std::string& source) {
  if (!plugin) return Failure{"cannot replace with the plugin from '" + source + "': it is null"};
  std::shared_ptr<Entry> entry = make_entry(std::move(plugin), source);
  const std::string name = entry->name;
  std::shared_ptr<Entry> old;  // destroyed after the lock is released
  std::lock_guard lock(registry_mutex_);
  auto it = plugins_.find(name);
  if (it == plugins_.end()) return not_loaded(name);
  old = std::exchange(it->second, std::move(entry));
  return name;
}

Expected<void> PluginManager::unload(std::string_view name) {
  std::shared_ptr<Entry> removed;  // destroyed after the lock is released
  {
    std::lock_guard lock(registry_mutex_);
    auto it = plugins_.find(name);
    if (it == plugins_.end()) return not_loaded(name);
    removed = std::move(it->second);
    plugins_.erase(it);
  }
  return {};
}

std::shared_ptr<PluginManager::Entry> PluginManager::find(std::string_view name) const {
  std::lock_guard lock(registry_mutex_);
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : it->second;
}

Expected<void> PluginManager::enable(std::string_view name) {
  std::shared_ptr<Entry> entry = find(name);
  if (!entry) return not_loaded(name);
  if (settings_ != nullptr) {
    if (Expected<void> saved = settings_->set_enabled(entry->name, true); !saved) return saved;
  }
  entry->enabled.store(true);
  return {};
}

Expected<void> PluginManager::disable(std::string_view name) {
  std::shared_ptr<Entry> entry = find(name);
  if (!entry) return not_loaded(name);
  // Disabling takes effect even if it cannot be saved: refusing is the safe side.
  entry->enabled.store(false);
  if (settings_ != nullptr) return settings_->set_enabled(entry->name, false);
  return {};
}

Expected<void> PluginManager::change_grants(std::string_view name,
                                            std::function<CapabilitySet(CapabilitySet)> change) {
  std::shared_ptr<Entry> entry = find(name);
  if (!entry) return not_loaded(name);
  std::lock_guard lock(entry->state_mutex);  // one grant change at a time per plugin
  const CapabilitySet before = entry->plugin->grants();
  const CapabilitySet after = change(before);
  const bool is_revoke = (before.bits() & ~after.bits()) != 0;
  // A revoke narrows what the plugin may do: apply it before anything can fail.
  if (is_revoke) entry->plugin->set_grants(after);
  if (settings_ != nullptr) {
    if (Expected<void> saved = settings_->set_grants(entry->name, after); !saved) {
      if (is_revoke) {
        return Failure{"revoked for the running plugin '" + entry->name + "', but could not save it: " +
                       saved.error()};
      }
      return Failure{"not granted: could not save the grants of '" + entry->name + "': " + saved.error()};
    }
  }
  entry->plugin->set_grants(after);
  return {};
}

Expected<void> PluginManager::grant(std::string_view name, Capability capability) {
  return change_grants(name, [capability](CapabilitySet s) { s.add(capability); return s; });
}

Expected<void> PluginManager::revoke(std::string_view name, Capability capability) {
  return change_grants(name, [capability](CapabilitySet s) { s.remove(capability); return s; });
}

Expected<void> PluginManager::set_grants(std::string_view name, CapabilitySet grants) {
  return change_grants(name, [grants](CapabilitySet) { return grants; });
}

CallResult PluginManager::call(std::string_view name, const ActionRequest& request) {
  std::shared_ptr<Entry> entry = find(name);  // the registry lock ends here
  if (!entry) return error_result(not_loaded(name).message);

  auto refuse = [&] {
    {
      std::lock_guard lock(entry->state_mutex);
      ++entry->stats.refused;
    }
    std::string message = "plugin '" + entry->name + "' is disabled; enable it with `midimon plugin enable " +
                          entry->name + "`";
    host_.log(entry->name, LogLevel::Info, "call of action '" + request.action + "' refused: the plugin is disabled");
    return error_result(std::move(message));
  };
  if (!entry->enabled.load()) return refuse();

  std::unique_lock call_lock(entry->call_mutex);
  // It may have been disabled while this call waited for the one before it.
  if (!entry->enabled.load()) return refuse();

  entry->busy.store(true);
  const auto start = clock_();
  CallResult result;
  try {
    result = entry->plugin->execute(request);
  } catch (const std::exception& e) {
    result = error_result(std::string("the plugin threw an exception: ") + e.what());
  } catch (...) {
    result = error_result("the plugin threw an exception of unknown type");
  }
  result.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_() - start);
  entry->busy.store(false);
  call_lock.unlock();

  {
    std::lock_guard lock(entry->state_mutex);
    entry->stats.record(result);
  }
  if (!result.ok()) {
    const LogLevel level = result.status == CallResult::Status::Failed ? LogLevel::Info : LogLevel::Warn;
    host_.log(entry->name, level, describe_outcome(request, result));
  }
  return result;
}

bool PluginManager::contains(std::string_view name) const { return find(name) != nullptr; }

PluginInfo PluginManager::snapshot(const Entry& entry) const {
  PluginInfo info;
  info.name = entry.name;
  info.source = entry.source;
  info.kind = entry.plugin->kind();
  info.metadata = entry.plugin->metadata();
  info.grants = entry.plugin->grants();
  info.enabled = entry.enabled.load();
  info.busy = entry.busy.load();
  std::lock_guard lock(entry.state_mutex);
  info.stats = entry.stats;
  return info;
}

std::optional<PluginInfo> PluginManager::info(std::string_view name) const {
  std::shared_ptr<Entry> entry = find(name);
  if (!entry) return std::nullopt;
  return snapshot(*entry);
}

std::vector<PluginInfo> PluginManager::list() const {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(registry_mutex_);
    for (const auto& [name, entry] : plugins_) entries.push_back(entry);
  }
  std::vector<PluginInfo> out;
  out.reserve(entries.size());
  for (const auto& entry : entries) out.push_back(snapshot(*entry));
  return out;
}

std::optional<PluginStats> PluginManager::stats(std::string_view name) const {
  std::shared_ptr<Entry> entry = find(name);
  if (!entry) return std::nullopt;
  std::lock_guard lock(entry->state_mutex);
  return entry->stats;
}

}  // namespace midimon::plugin
