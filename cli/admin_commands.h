// `tractus admin ...` and the account commands (`token`, `whoami`): thin
// wrappers over AdminService, AuthService and DeviceAdminService that print
// what they did. Secrets (new API keys) go to a 0600 file when one is named,
// otherwise to stdout once.
#ifndef TRACTUS_CLI_ADMIN_COMMANDS_H_
#define TRACTUS_CLI_ADMIN_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/client.h"

namespace tractus::cli {

struct AdminOptions {
  std::string key_out;      // create-key: write the secret here (0600)
  int key_days = 0;         // create-key: expiry in days; 0 = never
  std::string since;        // audit: RFC 3339 lower bound
  std::string until;        // audit: RFC 3339 upper bound (exclusive)
  std::string principal;    // audit: filter
  std::string patient;      // audit: filter
  // create-clinic: the id to give the clinic (the CLI routes the call by it
  // in a deployment sharded by clinic); empty: the server picks one.
  std::string new_clinic_id;
};

// Runs `tractus admin <args...>` (args[0] is the subcommand). Returns the
// process exit code for checks that report damage (verify, audit-verify:
// 1 when damaged), 0 otherwise; a failed call is an error status.
// INVALID_ARGUMENT for an unknown subcommand or wrong arguments.
absl::StatusOr<int> RunAdmin(const Client& client, const std::vector<std::string>& args,
                             const AdminOptions& options, std::ostream& out);

// The usage lines of the admin subcommands.
extern const char kAdminUsage[];

// `tractus whoami` and `tractus token [TTL_SECONDS]`.
absl::Status WhoAmI(const Client& client, std::ostream& out);
absl::Status IssueToken(const Client& client, int ttl_seconds, std::ostream& out);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_ADMIN_COMMANDS_H_
