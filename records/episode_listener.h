// Told when an episode's data changed (new observations, a finalized
// session, the episode opened or closed), after the change is durable.
// Implementations must be thread-safe and must not block: queue the work.
#ifndef TRACTUS_RECORDS_EPISODE_LISTENER_H_
#define TRACTUS_RECORDS_EPISODE_LISTENER_H_

#include <string>

namespace tractus::records {

class EpisodeListener {
 public:
  virtual ~EpisodeListener() = default;
  // `closed`: the episode was closed by this change.
  virtual void OnEpisodeChanged(const std::string& episode_id, bool closed) = 0;
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_EPISODE_LISTENER_H_
