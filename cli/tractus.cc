// tractus: the command-line client of tractusd.
//
//   tractus --key_file=admin.key demo   load the demo clinic, print one record
//   tractus clinics | patients CLINIC_ID | patient PATIENT_ID | progress EPISODE_ID
//   tractus admin ...                   users, keys, enrollment, audit (admin_commands.h)
//
// Every command talks to --server over gRPC (TLS with --tls_ca_file) with a
// --deadline_ms deadline, authenticated by the API key or token in
// --key_file or $TRACTUS_API_KEY.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "cli/admin_commands.h"
#include "cli/channel.h"
#include "cli/client.h"
#include "cli/demo.h"
#include "cli/demo_data.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "cli/cohort_view.h"
#include "cli/export_command.h"
#include "cli/onboarding.h"
#include "cli/progress_view.h"
#include "cli/record_view.h"
#include "cli/shards.h"
#include "common/ids.h"
#include "common/secrets.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "storage/backup.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "tractusd address, HOST:PORT");
ABSL_FLAG(std::string, key_file, "",
          "file holding the API key or token to call with (default: $TRACTUS_API_KEY)");
ABSL_FLAG(std::string, tls_ca_file, "", "PEM CA of the server's certificate; empty: plaintext");
ABSL_FLAG(int, deadline_ms, 10000, "deadline of each call, milliseconds");
ABSL_FLAG(uint32_t, seed, 7, "demo: random seed of the synthetic clinic");
ABSL_FLAG(int, patients, 5, "demo: number of patients (1..8)");
ABSL_FLAG(std::string, clinician_key_out, "",
          "demo: keep the demo clinician's API key in this file (0600) and reuse it");
ABSL_FLAG(std::string, svg, "", "progress: also write the chart to this SVG file");
ABSL_FLAG(bool, print_record, true, "demo: print the first patient's record after loading");
ABSL_FLAG(std::string, key_out, "", "admin create-key: write the new secret to this file (0600)");
ABSL_FLAG(int, key_days, 0, "admin create-key: the key expires after this many days; 0: never");
ABSL_FLAG(std::string, since, "", "admin audit: entries at or after this RFC 3339 time");
ABSL_FLAG(std::string, until, "", "admin audit: entries before this RFC 3339 time");
ABSL_FLAG(std::string, principal, "", "admin audit: only this user or device");
ABSL_FLAG(std::string, patient, "", "admin audit: only this patient");
ABSL_FLAG(int, ttl_seconds, 0, "token: lifetime (default 15 minutes, at most 12 hours)");
ABSL_FLAG(std::string, format, "csv", "export: csv or fhir (FHIR R4 NDJSON)");
ABSL_FLAG(int, k, 5, "export: smallest equivalence class kept (k-anonymity)");
ABSL_FLAG(std::vector<std::string>, clinics, {}, "export: clinic ids (default: all you may see)");
ABSL_FLAG(std::vector<std::string>, conditions, {},
          "export: conditions, e.g. sciatica,spinal_stenosis (default: all)");
ABSL_FLAG(std::string, start_from, "", "export: episodes starting on or after YYYY-MM-DD");
ABSL_FLAG(std::string, start_to, "", "export: episodes starting on or before YYYY-MM-DD");
ABSL_FLAG(std::string, linkage_key, "",
          "export: name of a server-held key making subject ids linkable across exports");
ABSL_FLAG(std::string, out, "export", "export: folder to download the files into");
ABSL_FLAG(std::vector<std::string>, instruments, {},
          "export: measures in the observation table, e.g. nprs,odi,straight_leg_raise "
          "(default: all)");
ABSL_FLAG(std::vector<std::string>, coarsen, {},
          "export: show coarser what an acquaintance could know: counts (session counts, days "
          "observed, stops in bands) and/or weeks (observation times as episode weeks)");
ABSL_FLAG(std::string, clinic, "",
          "clinic the calls concern, sent as x-tractus-clinic for routing to its shard "
          "(default: the first clinic id among the arguments)");
ABSL_FLAG(std::vector<std::string>, shards, {},
          "cohort, export: HOST:PORT of every shard; the work runs on each and is merged");
ABSL_FLAG(std::vector<std::string>, shard_key_files, {},
          "with --shards: the key file for each shard, in order (default: --key_file for all)");

namespace tractus::cli {
namespace {

const std::string kUsage = std::string(
    "tractus: command-line client of the Tractus server.\n"
    "Usage: tractus [--server=HOST:PORT] [--key_file=FILE] [--tls_ca_file=CA] COMMAND [ARGS]\n"
    "Commands:\n"
    "  demo                  (administrator key) load a demo clinic through the API\n"
    "  clinics               list clinics\n"
    "  patients CLINIC_ID    list a clinic's patients\n"
    "  patient PATIENT_ID    print a patient's record (episodes, weekly medians)\n"
    "  progress EPISODE_ID   outcomes of an episode [--svg=chart.svg]\n"
    "  alerts CLINIC_ID      a clinic's patients ranked by alert urgency\n"
    "  whoami                the principal the server sees\n"
    "  token                 a short-lived token for the API key [--ttl_seconds=N]\n"
    "  cohort CONDITION      outcomes of the episodes of a condition, e.g. sciatica\n"
    "                        [--clinics=..] [--start_from=YYYY-MM-DD] [--start_to=..]\n"
    "  export                (analyst) anonymized dataset into --out [--format=csv|fhir]\n"
    "                        [--k=5] [--clinics=..] [--conditions=..] [--start_from=YYYY-MM-DD]\n"
    "                        [--start_to=..] [--instruments=nprs,..] [--linkage_key=NAME]\n"
    "                        [--coarsen=counts,weeks]\n"
    "Sharded by clinic (behind nginx): calls carry --clinic (or the first clinic id among\n"
    "the arguments) as x-tractus-clinic; cohort and export take --shards=HOST:PORT,... and\n"
    "[--shard_key_files=..] and merge what every shard answers.\n") +
    kAdminUsage;

ConnectOptions ConnectFromFlags() {
  ConnectOptions options;
  options.target = absl::GetFlag(FLAGS_server);
  options.tls_ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  return options;
}

absl::StatusOr<ConnectOptions> ConnectWithKey() {
  ConnectOptions options = ConnectFromFlags();
  ASSIGN_OR_RETURN(options.bearer, BearerFrom(absl::GetFlag(FLAGS_key_file)));
  return options;
}

absl::Duration Deadline() { return absl::Milliseconds(absl::GetFlag(FLAGS_deadline_ms)); }

// The demo clinician's client: the key kept in --clinician_key_out when it
// still works for the clinic, else a new clinician made by the administrator.
absl::StatusOr<std::unique_ptr<Client>> DemoClinician(const ConnectOptions& admin,
                                                      const std::string& clinic_id) {
  const std::string keep = absl::GetFlag(FLAGS_clinician_key_out);
  if (!keep.empty() && std::filesystem::exists(keep)) {
    ConnectOptions kept = admin;
    ASSIGN_OR_RETURN(kept.bearer, ReadSecretFile(keep));
    auto client = ClinicianFor(kept, Deadline(), clinic_id, "");
    if (client.ok()) return client;
  }
  std::string created;
  ASSIGN_OR_RETURN(auto client,
                   ClinicianFor(admin, Deadline(), clinic_id, "Demo clinician", &created));
  if (!keep.empty() && !created.empty()) RETURN_IF_ERROR(WriteSecretFile(keep, created));
  return client;
}

absl::Status SetDate(const std::string& text, v1::Date* date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(absl::StrCat("not a YYYY-MM-DD date: ", text));
  }
  date->set_year(static_cast<int>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
  return absl::OkStatus();
}

absl::StatusOr<v1::Instrument> ParseInstrument(const std::string& name) {
  v1::Instrument instrument;
  if (!v1::Instrument_Parse("INSTRUMENT_" + absl::AsciiStrToUpper(name), &instrument) ||
      instrument == v1::INSTRUMENT_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat("unknown instrument ", name));
  }
  return instrument;
}

absl::StatusOr<v1::Condition> ParseCondition(const std::string& name) {
  v1::Condition condition;
  if (!v1::Condition_Parse("CONDITION_" + absl::AsciiStrToUpper(name), &condition)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown condition ", name));
  }
  return condition;
}

// Every shard of --shards with its key; empty when --shards is not given.
absl::StatusOr<std::vector<Shard>> ShardsFromFlags() {
  const std::vector<std::string> addresses = absl::GetFlag(FLAGS_shards);
  const std::vector<std::string> keys = absl::GetFlag(FLAGS_shard_key_files);
  if (addresses.empty()) return std::vector<Shard>();
  if (!keys.empty() && keys.size() != addresses.size()) {
    return absl::InvalidArgumentError("--shard_key_files needs one file per --shards entry");
  }
  std::vector<ConnectOptions> connects;
  for (size_t i = 0; i < addresses.size(); ++i) {
    ConnectOptions c = ConnectFromFlags();
    c.target = addresses[i];
    ASSIGN_OR_RETURN(c.bearer, BearerFrom(keys.empty() ? absl::GetFlag(FLAGS_key_file) : keys[i]));
    connects.push_back(std::move(c));
  }
  return ConnectShards(connects, Deadline());
}

absl::Status Cohort(const Client& client, const std::string& condition_name) {
  v1::GetCohortOutcomesRequest req;
  ASSIGN_OR_RETURN(v1::Condition condition, ParseCondition(condition_name));
  req.set_condition(condition);
  for (const std::string& c : absl::GetFlag(FLAGS_clinics)) req.add_clinic_ids(c);
  if (!absl::GetFlag(FLAGS_start_from).empty()) {
    RETURN_IF_ERROR(SetDate(absl::GetFlag(FLAGS_start_from), req.mutable_start_from()));
  }
  if (!absl::GetFlag(FLAGS_start_to).empty()) {
    RETURN_IF_ERROR(SetDate(absl::GetFlag(FLAGS_start_to), req.mutable_start_to()));
  }
  ASSIGN_OR_RETURN(std::vector<Shard> shards, ShardsFromFlags());
  if (shards.empty()) {
    ASSIGN_OR_RETURN(auto resp, client.Call(&v1::OutcomeService::Stub::GetCohortOutcomes,
                                            client.outcomes(), req));
    PrintCohort(resp.outcomes(), std::cout);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto merged, ShardedCohort(shards, req));
  PrintCohort(merged.outcomes(), std::cout);
  std::cout << "shards answered (" << merged.shard_ids_size() << "):";
  for (const Shard& shard : shards) std::cout << " " << shard.shard_id << "@" << shard.address;
  std::cout << "\n";
  return absl::OkStatus();
}

absl::Status Export(const Client& client) {
  ExportOptions options;
  options.out_dir = absl::GetFlag(FLAGS_out);
  v1::StartExportRequest& r = options.request;
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "csv") {
    r.set_format(v1::EXPORT_FORMAT_CSV);
  } else if (format == "fhir") {
    r.set_format(v1::EXPORT_FORMAT_FHIR_NDJSON);
  } else {
    return absl::InvalidArgumentError("--format must be csv or fhir");
  }
  r.set_k(absl::GetFlag(FLAGS_k));
  r.set_linkage_key(absl::GetFlag(FLAGS_linkage_key));
  for (const std::string& c : absl::GetFlag(FLAGS_coarsen)) {
    if (c == "counts") {
      r.mutable_coarsening()->set_count_bands(true);
    } else if (c == "weeks") {
      r.mutable_coarsening()->set_days_as_weeks(true);
    } else {
      return absl::InvalidArgumentError("--coarsen takes counts and/or weeks");
    }
  }
  for (const std::string& c : absl::GetFlag(FLAGS_clinics)) r.mutable_filter()->add_clinic_ids(c);
  for (const std::string& name : absl::GetFlag(FLAGS_conditions)) {
    ASSIGN_OR_RETURN(v1::Condition condition, ParseCondition(name));
    r.mutable_filter()->add_conditions(condition);
  }
  for (const std::string& name : absl::GetFlag(FLAGS_instruments)) {
    ASSIGN_OR_RETURN(v1::Instrument instrument, ParseInstrument(name));
    r.mutable_filter()->add_instruments(instrument);
  }
  if (!absl::GetFlag(FLAGS_start_from).empty()) {
    RETURN_IF_ERROR(SetDate(absl::GetFlag(FLAGS_start_from), r.mutable_filter()->mutable_start_from()));
  }
  if (!absl::GetFlag(FLAGS_start_to).empty()) {
    RETURN_IF_ERROR(SetDate(absl::GetFlag(FLAGS_start_to), r.mutable_filter()->mutable_start_to()));
  }
  ASSIGN_OR_RETURN(std::vector<Shard> shards, ShardsFromFlags());
  if (!shards.empty()) return ShardedExport(shards, options, std::cout, std::cerr);
  return RunExport(client, options, std::cout, std::cerr).status();
}

// The demo clinic's id follows from its request id, so a rerun replays the
// create on the same shard instead of proposing a new clinic.
std::string DemoClinicId(const DemoClinic& demo) {
  return absl::StrCat(kClinicIdPrefix,
                      absl::BytesToHexString(Sha256(demo.clinic.request_id()).substr(0, 16)));
}

absl::Status Demo(ConnectOptions connect) {
  DemoClinic demo = MakeDemoClinic(absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_patients),
                                   absl::Now());
  if (connect.clinic.empty()) connect.clinic = DemoClinicId(demo);
  demo.clinic.mutable_clinic()->set_clinic_id(connect.clinic);  // the id calls are routed by
  ASSIGN_OR_RETURN(auto channel, Connect(connect));
  Client admin(channel, Deadline());
  RETURN_IF_ERROR(admin.WaitForServer(absl::Seconds(10)));
  ASSIGN_OR_RETURN(std::string clinic_id, CreateDemoClinic(admin, demo, std::cout));
  ASSIGN_OR_RETURN(auto clinician, DemoClinician(connect, clinic_id));
  ASSIGN_OR_RETURN(LoadedDemo loaded, LoadDemo(*clinician, demo, clinic_id, std::cout));
  std::cout << "loaded " << loaded.patient_ids.size() << " patients, "
            << loaded.observations << " measures";
  if (loaded.replayed > 0) std::cout << " (" << loaded.replayed << " were already stored)";
  std::cout << "\n";
  if (!absl::GetFlag(FLAGS_print_record)) return absl::OkStatus();
  std::cout << "\n--- record read back over gRPC ---\n";
  return PrintPatientRecord(*clinician, loaded.patient_ids.front(), absl::Now(), std::cout);
}

absl::Status Clinics(const Client& client) {
  v1::ListClinicsRequest req;
  do {
    ASSIGN_OR_RETURN(auto page, client.Call(&v1::ClinicService::Stub::ListClinics,
                                            client.clinics(), req));
    for (const auto& c : page.clinics()) {
      std::cout << c.clinic_id() << "  " << c.display_name() << "  (" << c.time_zone() << ")\n";
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

absl::Status Patients(const Client& client, const std::string& clinic_id) {
  v1::ListPatientsRequest req;
  req.set_clinic_id(clinic_id);
  do {
    ASSIGN_OR_RETURN(auto page, client.Call(&v1::PatientService::Stub::ListPatients,
                                            client.patients(), req));
    for (const auto& p : page.patients()) {
      std::cout << p.patient_id() << "  " << p.identity().family_name() << ", "
                << p.identity().given_name() << "  MRN " << p.identity().mrn() << "\n";
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

// `tractus admin restore BACKUP_DIR DATA_DIR [ID]`: offline, no server (it
// must not run on DATA_DIR), no credentials: whoever can read the backups
// directory already holds the data.
int RunRestore(const std::vector<std::string>& args) {
  if (args.size() < 5 || args.size() > 6) {
    std::cerr << "usage: tractus admin restore BACKUP_DIR DATA_DIR [BACKUP_ID]\n";
    return 2;
  }
  uint32_t id = 0;
  if (args.size() == 6 && !absl::SimpleAtoi(args[5], &id)) {
    std::cerr << "BACKUP_ID must be a number\n";
    return 2;
  }
  absl::Status restored = storage::RestoreBackup(args[3], id, args[4]);
  if (!restored.ok()) {
    std::cerr << "tractus admin restore: " << absl::StatusCodeToString(restored.code()) << ": "
              << restored.message() << "\n";
    return 1;
  }
  std::cout << "restored " << (id == 0 ? std::string("the latest backup") : "backup " + args[5])
            << " of " << args[3] << " into " << args[4] << "; start tractusd with --data_dir="
            << args[4] << "\n";
  return 0;
}

// `tractus admin init-cluster DIR`: offline. Writes DIR/bootstrap-admin.key
// (give it to every shard as --bootstrap_key_file before its first start)
// and DIR/cluster.key (--cluster_key_file on every shard), both 0600.
int RunInitCluster(const std::vector<std::string>& args) {
  if (args.size() != 4) {
    std::cerr << "usage: tractus admin init-cluster DIR\n";
    return 2;
  }
  const std::string dir = args[3];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string admin_key = absl::StrCat("tak1.", NewOpaqueId(kApiKeyIdPrefix), ".", NewSecret());
  for (const auto& [name, secret] :
       {std::pair<std::string, std::string>{"bootstrap-admin.key", admin_key},
        std::pair<std::string, std::string>{"cluster.key", NewSecret()}}) {
    const std::string path = dir + "/" + name;
    if (std::filesystem::exists(path)) {
      std::cerr << "tractus admin init-cluster: " << path << " exists; not overwritten\n";
      return 1;
    }
    if (absl::Status written = WriteSecretFile(path, secret); !written.ok()) {
      std::cerr << "tractus admin init-cluster: " << written.message() << "\n";
      return 1;
    }
  }
  std::cout << "wrote " << dir << "/bootstrap-admin.key and " << dir << "/cluster.key (0600).\n"
            << "Start every shard with --bootstrap_key_file=" << dir << "/bootstrap-admin.key "
            << "--cluster_key_file=" << dir << "/cluster.key\n";
  return 0;
}

// The clinic calls are routed by: --clinic, else the first clinic id among
// the arguments.
std::string RoutingClinic(const std::vector<std::string>& args) {
  if (!absl::GetFlag(FLAGS_clinic).empty()) return absl::GetFlag(FLAGS_clinic);
  for (size_t i = 2; i < args.size(); ++i) {
    if (IsOpaqueId(args[i], kClinicIdPrefix)) return args[i];
  }
  return "";
}

int Run(const std::vector<char*>& argv) {
  const std::vector<std::string> args(argv.begin(), argv.end());
  if (args.size() < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& command = args[1];
  if (command == "admin" && args.size() >= 3 && args[2] == "restore") {
    return RunRestore(args);
  }
  if (command == "admin" && args.size() >= 3 && args[2] == "init-cluster") {
    return RunInitCluster(args);
  }
  auto connect = ConnectWithKey();
  // With --shards every shard has its key; the default server needs none.
  if (!connect.ok() && !absl::GetFlag(FLAGS_shards).empty()) connect = ConnectFromFlags();
  // A new clinic gets its id here, so the create goes to that id's shard.
  const bool creates_clinic = command == "admin" && args.size() >= 3 && args[2] == "create-clinic";
  if (connect.ok()) {
    connect->clinic = creates_clinic && absl::GetFlag(FLAGS_clinic).empty()
                          ? NewOpaqueId(kClinicIdPrefix)
                          : RoutingClinic(args);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      connect.ok() ? Connect(*connect) : absl::StatusOr<std::shared_ptr<grpc::Channel>>(
                                             connect.status());
  if (!channel.ok()) {
    std::cerr << "tractus: " << channel.status().message() << "\n";
    return 1;
  }
  Client client(*channel, Deadline());
  absl::Status status;
  int exit_code = 0;
  if (command == "demo" && args.size() == 2) {
    status = Demo(*connect);
  } else if (command == "clinics" && args.size() == 2) {
    status = Clinics(client);
  } else if (command == "patients" && args.size() == 3) {
    status = Patients(client, args[2]);
  } else if (command == "progress" && args.size() == 3) {
    status = PrintProgress(client, args[2], absl::GetFlag(FLAGS_svg), std::cout);
  } else if (command == "alerts" && args.size() == 3) {
    status = PrintClinicAlerts(client, args[2], std::cout);
  } else if (command == "patient" && args.size() == 3) {
    status = PrintPatientRecord(client, args[2], absl::Now(), std::cout);
  } else if (command == "whoami" && args.size() == 2) {
    status = WhoAmI(client, std::cout);
  } else if (command == "cohort" && args.size() == 3) {
    status = Cohort(client, args[2]);
  } else if (command == "export" && args.size() == 2) {
    status = Export(client);
  } else if (command == "token" && args.size() == 2) {
    status = IssueToken(client, absl::GetFlag(FLAGS_ttl_seconds), std::cout);
  } else if (command == "admin") {
    AdminOptions options{absl::GetFlag(FLAGS_key_out), absl::GetFlag(FLAGS_key_days),
                         absl::GetFlag(FLAGS_since),   absl::GetFlag(FLAGS_until),
                         absl::GetFlag(FLAGS_principal), absl::GetFlag(FLAGS_patient),
                         creates_clinic ? connect->clinic : ""};
    auto code = RunAdmin(client, {args.begin() + 2, args.end()}, options, std::cout);
    if (code.ok()) exit_code = *code;
    status = code.status();
    if (absl::IsInvalidArgument(status) && status.message().rfind("admin:", 0) == 0) {
      std::cerr << status.message() << "\n" << kUsage;
      return 2;
    }
  } else {
    std::cerr << kUsage;
    return 2;
  }
  if (!status.ok()) {
    std::cerr << "tractus " << command << ": " << absl::StatusCodeToString(status.code())
              << ": " << status.message() << "\n";
    return 1;
  }
  return exit_code;
}

}  // namespace
}  // namespace tractus::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(tractus::cli::kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  return tractus::cli::Run(args);
}
