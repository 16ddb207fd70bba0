// tractus: the command-line client of tractusd.
//
//   tractus demo                 load the demo clinic, print one record
//   tractus clinics              list clinics
//   tractus patients CLINIC_ID   list a clinic's patients
//   tractus patient PATIENT_ID   print a patient's record
//
// Every command talks to --server over gRPC with a --deadline_ms deadline.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "cli/client.h"
#include "cli/demo.h"
#include "cli/demo_data.h"
#include "cli/progress_view.h"
#include "cli/record_view.h"
#include "common/status_macros.h"
#include "tractus/v1/admin.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "tractusd address, HOST:PORT");
ABSL_FLAG(int, deadline_ms, 10000, "deadline of each call, milliseconds");
ABSL_FLAG(uint32_t, seed, 7, "demo: random seed of the synthetic clinic");
ABSL_FLAG(int, patients, 5, "demo: number of patients (1..8)");
ABSL_FLAG(std::string, svg, "", "progress: also write the chart to this SVG file");
ABSL_FLAG(bool, print_record, true, "demo: print the first patient's record after loading");

namespace tractus::cli {
namespace {

constexpr const char* kUsage =
    "tractus: command-line client of the Tractus server.\n"
    "Usage: tractus [--server=HOST:PORT] COMMAND [ARGS]\n"
    "Commands:\n"
    "  demo                  load a demo clinic through the API; print one record\n"
    "  clinics               list clinics\n"
    "  patients CLINIC_ID    list a clinic's patients\n"
    "  patient PATIENT_ID    print a patient's record (episodes, weekly medians)\n"
    "  progress EPISODE_ID   outcomes of an episode [--svg=chart.svg]\n"
    "  alerts CLINIC_ID      a clinic's patients ranked by alert urgency\n"
    "  admin verify          check every checksum and stored record (exit 1 on damage)\n";

absl::Status Demo(const Client& client) {
  RETURN_IF_ERROR(client.WaitForServer(absl::Seconds(10)));
  DemoClinic demo = MakeDemoClinic(absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_patients),
                                   absl::Now());
  ASSIGN_OR_RETURN(LoadedDemo loaded, LoadDemo(client, demo, std::cout));
  std::cout << "loaded " << loaded.patient_ids.size() << " patients, "
            << loaded.observations << " measures";
  if (loaded.replayed > 0) std::cout << " (" << loaded.replayed << " were already stored)";
  std::cout << "\n";
  if (!absl::GetFlag(FLAGS_print_record)) return absl::OkStatus();
  std::cout << "\n--- record read back over gRPC ---\n";
  return PrintPatientRecord(client, loaded.patient_ids.front(), absl::Now(), std::cout);
}

// Prints the database check; returns whether it is healthy.
absl::StatusOr<bool> VerifyDatabase(const Client& client, std::ostream& out) {
  auto stub = v1::AdminService::NewStub(client.channel());
  ASSIGN_OR_RETURN(auto report, client.Call(&v1::AdminService::Stub::VerifyDatabase, stub.get(),
                                            v1::VerifyDatabaseRequest()));
  out << "checksums: " << (report.checksum_error().empty() ? "ok" : report.checksum_error())
      << "\n";
  for (const auto& cf : report.column_families()) {
    out << "  " << cf.name() << ": " << cf.records() << " records";
    if (cf.damaged() > 0) out << ", " << cf.damaged() << " DAMAGED";
    if (cf.unreadable()) out << ", UNREADABLE";
    out << "\n";
  }
  out << (report.healthy() ? "database healthy\n" : "database DAMAGED\n");
  return report.healthy();
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

int Run(const std::vector<char*>& args) {
  if (args.size() < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = args[1];
  Client client(absl::GetFlag(FLAGS_server), absl::Milliseconds(absl::GetFlag(FLAGS_deadline_ms)));
  absl::Status status;
  if (command == "demo" && args.size() == 2) {
    status = Demo(client);
  } else if (command == "clinics" && args.size() == 2) {
    status = Clinics(client);
  } else if (command == "patients" && args.size() == 3) {
    status = Patients(client, args[2]);
  } else if (command == "progress" && args.size() == 3) {
    status = PrintProgress(client, args[2], absl::GetFlag(FLAGS_svg), std::cout);
  } else if (command == "alerts" && args.size() == 3) {
    status = PrintClinicAlerts(client, args[2], std::cout);
  } else if (command == "admin" && args.size() == 3 && std::string(args[2]) == "verify") {
    auto healthy = VerifyDatabase(client, std::cout);
    status = healthy.status();
    if (healthy.ok() && !*healthy) return 1;
  } else if (command == "patient" && args.size() == 3) {
    status = PrintPatientRecord(client, args[2], absl::Now(), std::cout);
  } else {
    std::cerr << kUsage;
    return 2;
  }
  if (!status.ok()) {
    std::cerr << "tractus " << command << ": " << absl::StatusCodeToString(status.code())
              << ": " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tractus::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(tractus::cli::kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  return tractus::cli::Run(args);
}
