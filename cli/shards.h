// Cross-clinic work in a deployment sharded by clinic: the CLI talks to
// every shard directly (each clinic's data lives on exactly one), runs the
// work on each and merges the answers, saying which shards answered.
#ifndef TRACTUS_CLI_SHARDS_H_
#define TRACTUS_CLI_SHARDS_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/channel.h"
#include "cli/client.h"
#include "cli/export_command.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::cli {

struct Shard {
  std::string address;   // HOST:PORT
  std::string shard_id;  // from WhoAmI
  std::unique_ptr<Client> client;
};

// One connection per entry of `connects` (each with its own address and
// key; a caller has an account on every shard); asks each which shard it
// is. INVALID_ARGUMENT when two addresses are the same shard.
absl::StatusOr<std::vector<Shard>> ConnectShards(const std::vector<ConnectOptions>& connects,
                                                 absl::Duration deadline);

// The cohort over every shard, as one server holding all the data would
// compute it: each shard seals its share, the first shard merges them (and
// suppresses small cells on the whole).
absl::StatusOr<v1::MergeCohortPartialsResponse> ShardedCohort(
    const std::vector<Shard>& shards, const v1::GetCohortOutcomesRequest& cohort);

// Runs the export on every shard (into out_dir/<shard_id>/), then writes the
// union into out_dir: the data files concatenated (one header), the data
// dictionary once, and a manifest.json listing the answering shards with
// their export ids, counts and file checksums. k-anonymity holds in each
// shard's part, so in the union (no class shrinks when parts are joined);
// the union may suppress more than one server holding everything would.
absl::Status ShardedExport(const std::vector<Shard>& shards, const ExportOptions& options,
                           std::ostream& out, std::ostream& err);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_SHARDS_H_
