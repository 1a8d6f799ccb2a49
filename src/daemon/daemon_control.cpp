#include "daemon/daemon_control.h"

#include <ctime>

#include "plugin/capability.h"

namespace midimon::daemon {
namespace {

using Json = nlohmann::json;

Json grants_json(plugin::CapabilitySet grants) {
  Json list = Json::array();
  for (plugin::Capability c : grants.list()) list.push_back(std::string(plugin::capability_name(c)));
  return list;
}

Json device_json(const DeviceStatus& d) {
  return {{"name", d.name}, {"port", d.port}, {"connected", d.connected}, {"virtual", d.is_virtual}};
}

ControlResult from_reload(const ReloadResult& r, const std::string* file) {
  Json data = {{"warnings", r.warnings}};
  if (file) data["file"] = *file;
  if (r.ok) {
    data["mappings"] = r.mappings;
    return ControlResult::success(std::move(data));
  }
  data["errors"] = r.errors;
  return ControlResult::failure(r.errors.empty() ? "the config did not load" : r.errors.front(),
                                std::move(data));
}

std::optional<plugin::Capability> capability_or_error(const std::string& name, std::string* error) {
  auto c = plugin::parse_capability(name);
  if (!c) {
    std::string known;
    for (int i = 0; i < plugin::kCapabilityCount; ++i) {
      known += (known.empty() ? "" : ", ") +
               std::string(plugin::capability_name(static_cast<plugin::Capability>(i)));
    }
    *error = "unknown capability '" + name + "' (known: " + known + ")";
  }
  return c;
}

class BusEventStream final : public EventStream {
 public:
  BusEventStream(EventBus& bus, std::shared_ptr<Subscription> sub) : bus_(bus), sub_(std::move(sub)) {}
  ~BusEventStream() override { bus_.unsubscribe(sub_); }
  std::optional<std::string> next() override {
    auto event = sub_->try_pop();
    if (!event) return std::nullopt;
    return event_json_line(*event);
  }
  uint64_t dropped() const override { return sub_->lagged(); }
  bool closed() const override { return sub_->closed(); }

 private:
  EventBus& bus_;
  std::shared_ptr<Subscription> sub_;
};

}  // namespace

std::string iso_time(std::chrono::system_clock::time_point time) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string event_json_line(const BusEvent& event) {
  Json data = Json::parse(event.json, nullptr, false);
  if (data.is_discarded()) data = Json::object();
  Json line = {{"seq", event.sequence},
               {"time", iso_time(event.time)},
               {"kind", event_kind_name(event.kind)},
               {"text", event.text},
               {"data", std::move(data)}};
  return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ControlResult DaemonControl::status() {
  DaemonStatus s = daemon_.status();
  Json devices = Json::array();
  for (const auto& d : s.devices) devices.push_back(device_json(d));
  Json data = {
      {"mode", s.mode},
      {"modes", s.modes},
      {"config_file", s.config_file},
      {"config_loaded_at", s.config_loaded_at ? Json(iso_time(*s.config_loaded_at)) : Json(nullptr)},
      {"last_reload_error", s.last_reload_error},
      {"reload_phase", reload_phase_name(s.reload_phase)},
      {"uptime_ms", std::chrono::duration_cast<std::chrono::milliseconds>(s.uptime).count()},
      {"input_backend", s.input_backend},
      {"desktop", s.desktop},
      {"mappings", s.mappings},
      {"events",
       {{"midi_in", s.midi_in},
        {"gestures", s.gestures},
        {"matches", s.matches},
        {"actions_ok", s.actions_ok},
        {"actions_failed", s.actions_failed},
        {"queue_overflows", s.queue_overflows},
        {"jobs_dropped", s.jobs_dropped}}},
      {"devices", devices},
      {"every_source", s.every_source},
      {"plugins_loaded", s.plugins_loaded},
      {"event_subscribers", s.event_subscribers},
  };
  return ControlResult::success(std::move(data));
}

ControlResult DaemonControl::reload() { return from_reload(daemon_.reload(), nullptr); }

ControlResult DaemonControl::validate(const std::string& path) {
  std::string file = path.empty() ? daemon_.status().config_file : path;
  return from_reload(daemon_.validate(file), &file);
}

ControlResult DaemonControl::mode_get() {
  DaemonStatus s = daemon_.status();
  return ControlResult::success({{"mode", s.mode}, {"modes", s.modes}});
}

ControlResult DaemonControl::mode_set(const std::string& name) {
  actions::Outcome outcome = daemon_.set_mode(name);
  if (!outcome.ok) return ControlResult::failure(outcome.detail);
  return ControlResult::success({{"mode", name}});
}

ControlResult DaemonControl::devices() {
  Json devices = Json::array();
  for (const auto& d : daemon_.status().devices) devices.push_back(device_json(d));
  return ControlResult::success({{"devices", devices}});
}

ControlResult DaemonControl::plugins_list() {
  Json list = Json::array();
  for (const auto& p : daemon_.plugins().list()) {
    list.push_back({{"name", p.name},
                    {"kind", std::string(plugin::plugin_kind_name(p.kind))},
                    {"version", p.metadata.version},
                    {"enabled", p.enabled},
                    {"grants", grants_json(p.grants)},
                    {"source", p.source}});
  }
  return ControlResult::success({{"plugins", list}});
}

ControlResult DaemonControl::plugin_enable(const std::string& name) {
  auto r = daemon_.plugins().enable(name);
  if (!r) return ControlResult::failure(r.error());
  return ControlResult::success({{"plugin", name}, {"enabled", true}});
}

ControlResult DaemonControl::plugin_disable(const std::string& name) {
  auto r = daemon_.plugins().disable(name);
  if (!r) return ControlResult::failure(r.error());
  return ControlResult::success({{"plugin", name}, {"enabled", false}});
}

ControlResult DaemonControl::plugin_grant(const std::string& name, const std::string& capability) {
  std::string error;
  auto c = capability_or_error(capability, &error);
  if (!c) return ControlResult::failure(error);
  auto r = daemon_.plugins().grant(name, *c);
  if (!r) return ControlResult::failure(r.error());
  auto info = daemon_.plugins().info(name);
  return ControlResult::success({{"plugin", name}, {"grants", info ? grants_json(info->grants) : Json::array()}});
}

ControlResult DaemonControl::plugin_revoke(const std::string& name, const std::string& capability) {
  std::string error;
  auto c = capability_or_error(capability, &error);
  if (!c) return ControlResult::failure(error);
  auto r = daemon_.plugins().revoke(name, *c);
  if (!r) return ControlResult::failure(r.error());
  auto info = daemon_.plugins().info(name);
  return ControlResult::success({{"plugin", name}, {"grants", info ? grants_json(info->grants) : Json::array()}});
}

ControlResult DaemonControl::plugin_stats(const std::string& name) {
  Json list = Json::array();
  auto us = [](std::chrono::nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  };
  bool found = false;
  for (const auto& p : daemon_.plugins().list()) {
    if (!name.empty() && p.name != name) continue;
    found = true;
    const plugin::PluginStats& s = p.stats;
    list.push_back({{"plugin", p.name},
                    {"calls", s.calls},
                    {"ok", s.ok},
                    {"failures", s.failures},
                    {"errors", s.errors},
                    {"traps", s.traps},
                    {"timeouts", s.timeouts},
                    {"refused", s.refused},
                    {"total_us", us(s.total_duration)},
                    {"max_us", us(s.max_duration)},
                    {"mean_us", us(s.mean_duration())},
                    {"total_fuel", s.total_fuel}});
  }
  if (!name.empty() && !found) return ControlResult::failure("no plugin '" + name + "' is loaded");
  return ControlResult::success({{"stats", list}});
}

std::unique_ptr<EventStream> DaemonControl::subscribe_events(std::function<void()> wake) {
  auto sub = daemon_.events().subscribe(4096, std::move(wake));
  return std::make_unique<BusEventStream>(daemon_.events(), std::move(sub));
}

void DaemonControl::learn(std::chrono::milliseconds timeout, std::function<void(ControlResult)> done) {
  daemon_.learn(timeout, [done = std::move(done)](bool ok, std::string trigger, std::string explanation) {
    if (ok) {
      done(ControlResult::success({{"trigger", trigger}, {"explanation", explanation}}));
    } else {
      done(ControlResult::failure(explanation));
    }
  });
}

void DaemonControl::request_stop() {
  if (request_stop_) request_stop_();
}

}  // namespace midimon::daemon
