// RecordOwners: who owns a patient, episode, session or device, read from
// the stores, for the authorization scope check. An episode's owners (its
// clinic and patient) never change, so the most asked-for are remembered
// (up to kEpisodesKept; the memory is then cleared). Thread-safe.
#ifndef TRACTUS_SERVICES_OWNER_LOOKUP_H_
#define TRACTUS_SERVICES_OWNER_LOOKUP_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "device_gateway/devices.h"
#include "device_gateway/uploads.h"
#include "exports/export_jobs.h"
#include "records/records.h"
#include "security/authorizer.h"

namespace tractus::services {

class RecordOwners final : public security::OwnerLookup {
 public:
  // The arguments must outlive this object.
  RecordOwners(records::Records* records, device_gateway::Uploads* uploads,
               const device_gateway::Devices* devices, const exports::ExportJobs* exports)
      : records_(records), uploads_(uploads), devices_(devices), exports_(exports) {}

  absl::StatusOr<security::Owner> Find(security::TargetKind kind,
                                       const std::string& id) const override;

 private:
  // About 250 bytes each.
  static constexpr size_t kEpisodesKept = 20000;

  absl::StatusOr<security::Owner> OfEpisode(const std::string& episode_id) const;

  records::Records* const records_;
  device_gateway::Uploads* const uploads_;
  const device_gateway::Devices* const devices_;
  const exports::ExportJobs* const exports_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, security::Owner> episodes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_OWNER_LOOKUP_H_
