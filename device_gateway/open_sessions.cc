#include "device_gateway/open_sessions.h"

namespace tractus::device_gateway {

OpenSessions::OpenSessions() : registry_(std::make_shared<Registry>()) {}

std::shared_ptr<OpenSessionState> OpenSessions::Acquire(const std::string& key) {
  absl::MutexLock lock(&registry_->mu);
  std::weak_ptr<OpenSessionState>& slot = registry_->states[key];
  if (std::shared_ptr<OpenSessionState> held = slot.lock()) return held;
  // The deleter forgets the entry unless a newer state already replaced it.
  std::shared_ptr<OpenSessionState> state(
      new OpenSessionState, [registry = registry_, key](OpenSessionState* s) {
        delete s;
        absl::MutexLock lock(&registry->mu);
        auto it = registry->states.find(key);
        if (it != registry->states.end() && it->second.expired()) registry->states.erase(it);
      });
  slot = state;
  return state;
}

size_t OpenSessions::size() const {
  absl::MutexLock lock(&registry_->mu);
  return registry_->states.size();
}

}  // namespace tractus::device_gateway
