// Checks a tablesim ledger against the server: every acknowledged chunk is
// stored exactly once (sample counts match, time strictly increasing), every
// finalized session is final with its summary, and the console pain of each
// is an observation of its episode exactly once. Prints acknowledged,
// verified, lost and duplicated; returns 0 only if nothing is lost or
// duplicated.
#ifndef TRACTUS_CLI_VERIFY_LEDGER_H_
#define TRACTUS_CLI_VERIFY_LEDGER_H_

#include <string>

#include "cli/client.h"

namespace tractus::cli {

int VerifyLedger(const Client& client, const std::string& path);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_VERIFY_LEDGER_H_
