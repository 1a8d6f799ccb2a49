#include "actions/system_desktop.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "desktop/running_apps.h"

extern char** environ;

namespace midimon::actions {

namespace {

desktop::Modifier to_desktop(mapping::Modifier m) {
  switch (m) {
    case mapping::Modifier::Ctrl: return desktop::Modifier::Ctrl;
    case mapping::Modifier::Alt: return desktop::Modifier::Alt;
    case mapping::Modifier::Shift: return desktop::Modifier::Shift;
    case mapping::Modifier::Super: return desktop::Modifier::Super;
  }
  return desktop::Modifier::Ctrl;
}

desktop::MouseButton to_desktop(mapping::MouseButton b) {
  switch (b) {
    case mapping::MouseButton::Left: return desktop::MouseButton::Left;
    case mapping::MouseButton::Right: return desktop::MouseButton::Right;
    case mapping::MouseButton::Middle: return desktop::MouseButton::Middle;
  }
  return desktop::MouseButton::Left;
}

desktop::VolumeOperation to_desktop(mapping::VolumeOperation op) {
  switch (op) {
    case mapping::VolumeOperation::Up: return desktop::VolumeOperation::Up;
    case mapping::VolumeOperation::Down: return desktop::VolumeOperation::Down;
    case mapping::VolumeOperation::Mute: return desktop::VolumeOperation::Mute;
    case mapping::VolumeOperation::Unmute: return desktop::VolumeOperation::Unmute;
    case mapping::VolumeOperation::Set: return desktop::VolumeOperation::Set;
  }
  return desktop::VolumeOperation::Up;
}

bool executable(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// argv[0] as execv needs it: as given when it has a '/', else the first $PATH match.
std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return executable(name) ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = end > start ? dirs.substr(start, end - start) : std::string(".");
    candidate.push_back('/');
    candidate.append(name);
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

}  // namespace

Outcome spawn_detached(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].empty()) return Outcome::failure("nothing to start");
  const std::string program = find_program(argv[0]);
  if (program.empty()) {
    std::string why = "'";
    why.append(argv[0]).append("' was not found in $PATH or is not executable");
    return Outcome::failure(std::move(why));
  }
  // Everything the children need is prepared before fork: after it, only
  // async-signal-safe calls (this process has other threads).
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  sigset_t empty;
  sigemptyset(&empty);
  const pid_t child = ::fork();
  if (child < 0) return Outcome::failure(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    ::setsid();
    const pid_t grandchild = ::fork();
    if (grandchild != 0) ::_exit(grandchild < 0 ? 1 : 0);
    ::sigprocmask(SIG_SETMASK, &empty, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
    }
    ::execve(program.c_str(), args.data(), environ);
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return Outcome::success("started " + program);
}

SystemDesktop::SystemDesktop(SystemDesktopOptions options) : options_(std::move(options)) {}
SystemDesktop::~SystemDesktop() = default;

desktop::InputInjector* SystemDesktop::injector(std::string* error) {
  // An injector whose X server went away never works again: open a new one.
  if (injector_ && injector_->broken()) injector_.reset();
  if (!injector_) {
    auto made = desktop::make_input_injector(options_.injector);
    if (!made) {
      *error = made.error();
      return nullptr;
    }
    injector_ = std::move(made.value());
  }
  return injector_.get();
}

Outcome SystemDesktop::open_injector() {
  std::lock_guard lock(mutex_);
  std::string error;
  desktop::InputInjector* in = injector(&error);
  return in ? Outcome::success(std::string("opened ") + in->backend_name()) : Outcome::failure(error);
}

Outcome SystemDesktop::keystroke(const std::vector<std::string>& keys,
                                 const std::vector<mapping::Modifier>& modifiers) {
  std::lock_guard lock(mutex_);
  std::string error;
  desktop::InputInjector* in = injector(&error);
  if (!in) return Outcome::failure(error);
  desktop::KeyCombo combo;
  combo.keys = keys;
  for (mapping::Modifier m : modifiers) combo.modifiers.push_back(to_desktop(m));
  desktop::Result<void> r = in->key_combo(combo);
  return r ? Outcome::success() : Outcome::failure(r.error());
}

Outcome SystemDesktop::type_text(std::string_view utf8) {
  std::lock_guard lock(mutex_);
  std::string error;
  desktop::InputInjector* in = injector(&error);
  if (!in) return Outcome::failure(error);
  desktop::Result<void> r = in->type_text(utf8);
  return r ? Outcome::success() : Outcome::failure(r.error());
}

Outcome SystemDesktop::mouse_click(mapping::MouseButton button, std::optional<ScreenPoint> at) {
  std::lock_guard lock(mutex_);
  std::string error;
  desktop::InputInjector* in = injector(&error);
  if (!in) return Outcome::failure(error);
  std::optional<desktop::Point> point;
  if (at) point = desktop::Point{at->x, at->y};
  desktop::Result<void> r = in->mouse_click(to_desktop(button), point);
  return r ? Outcome::success("clicked") : Outcome::failure(r.error());
}

Outcome SystemDesktop::volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) {
  desktop::VolumeCommand command;
  command.operation = to_desktop(operation);
  command.value = value.value_or(0);
  command.step = options_.volume_step;
  desktop::Result<desktop::VolumeTool> r = desktop::apply_volume(command, options_.volume);
  if (!r) return Outcome::failure(r.error());
  return Outcome::success(*r == desktop::VolumeTool::Pactl ? "volume set with pactl"
                                                           : "volume set with amixer");
}

Outcome SystemDesktop::launch(const std::vector<std::string>& argv) { return spawn_detached(argv); }

bool SystemDesktop::app_running(std::string_view name) {
  return desktop::is_app_running(name, options_.proc_root);
}

std::optional<bool> SystemDesktop::app_frontmost(std::string_view name) {
  if (options_.focused) {
    std::optional<desktop::FocusedApp> app = options_.focused();
    if (!app) return std::nullopt;
    return desktop::focused_app_matches(*app, name);
  }
  desktop::Result<desktop::FocusedApp> app = desktop::query_focused_app(options_.injector.display);
  if (!app) return std::nullopt;
  return desktop::focused_app_matches(*app, name);
}

}  // namespace midimon::actions
