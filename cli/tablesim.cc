// tractus-tablesim: simulates decompression tables uploading treatment
// sessions to tractusd through the device gateway.
//
//   tractus-tablesim --server=127.0.0.1:50051 --key_file=admin.key --tables=4 --sessions=3
//
// Each table enrolls (an enrollment token from DeviceAdminService), then
// runs sessions on open episodes of the clinic (--clinic_id; without it a
// simulator clinic with patients and episodes is created): realistic
// protocols (progressive/regressive ramps, hold/relax or cyclic, sensor
// noise, occasional patient stops that abort the session), console pain
// before and after. Faults on request: dropped connections resumed via
// GetUploadState, reboots that forget local state, duplicate chunks, and
// offline backlogs uploaded days late. Prints progress, then the counts of
// sessions, chunks and samples acknowledged. Exit code 1 if any upload failed.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cli/channel.h"
#include "cli/client.h"
#include "cli/onboarding.h"
#include "cli/table_client.h"
#include "cli/table_model.h"
#include "cli/verify_ledger.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "tractus/v1/device.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "tractusd address, HOST:PORT");
ABSL_FLAG(std::string, device_server, "",
          "where the tables upload (a device port), HOST:PORT; empty: --server");
ABSL_FLAG(std::string, key_file, "",
          "API key file (default: $TRACTUS_API_KEY): an administrator's (a clinician is made "
          "for the job) or a clinician's of --clinic_id");
ABSL_FLAG(std::string, clinician_key_out, "",
          "write the API key of a clinician made for the job here (0600), e.g. for "
          "--verify_ledger");
ABSL_FLAG(std::string, tls_ca_file, "", "PEM CA of the server's certificate; empty: plaintext");
ABSL_FLAG(std::string, clinic_id, "", "clinic whose open episodes get sessions; empty: create one");
ABSL_FLAG(int, patients, 6, "patients (with episodes) of a created simulator clinic");
ABSL_FLAG(int, tables, 4, "tables uploading concurrently");
ABSL_FLAG(int, sessions, 3, "sessions per table");
ABSL_FLAG(int, minutes, 20, "length of each session, minutes (5..90)");
ABSL_FLAG(int, sample_hz, 10, "samples per second");
ABSL_FLAG(int, chunk_samples, 1000, "samples per chunk");
ABSL_FLAG(int, window, 8, "chunks in flight per stream");
ABSL_FLAG(double, drop_rate, 0.2, "share of sessions whose connection drops mid-upload");
ABSL_FLAG(double, reboot_rate, 0.5, "share of dropped sessions whose table also reboots");
ABSL_FLAG(double, duplicate_rate, 0.02, "share of chunks sent twice");
ABSL_FLAG(double, stop_rate, 0.1, "share of sessions the patient stops (aborted)");
ABSL_FLAG(int, backlog_days, 0, "sessions happened this many days ago (offline backlog)");
ABSL_FLAG(int, spread_days, 0,
          "spread each table's sessions over this many past days (a course of "
          "treatment uploaded now); 0: back to back, ending now");
ABSL_FLAG(uint32_t, seed, 1, "random seed");
ABSL_FLAG(int, pace_ms, 0, "wait this long after each chunk (uploading while treating)");
ABSL_FLAG(std::string, ledger, "", "append each acknowledged chunk and finalized session here");
ABSL_FLAG(std::string, verify_ledger, "",
          "instead of uploading: check that everything in this ledger is stored exactly once");
ABSL_FLAG(bool, quiet, false, "no progress line");

namespace tractus::cli {
namespace {

struct Target {
  std::string episode_id;
  v1::TreatmentPlan plan;
  // The patient's NPRS reports (unix seconds, value), in time order: the
  // console pain follows the report before each session.
  std::vector<std::pair<int64_t, int>> pain;
  int PainAt(int64_t unix_seconds) const {
    int value = 5;
    for (const auto& [t, v] : pain) {
      if (t > unix_seconds) break;
      value = v;
    }
    return value;
  }
};

std::string ClinicTag(uint32_t seed) {
  return absl::StrCat("tablesim-", seed, "-", absl::ToUnixSeconds(absl::Now()));
}

// Through an administrator's client.
absl::StatusOr<std::string> CreateClinic(const Client& admin, const std::string& tag,
                                         uint32_t seed) {
  v1::CreateClinicRequest c;
  c.set_request_id(tag);
  c.mutable_clinic()->set_display_name(absl::StrCat("Table simulator clinic ", seed));
  c.mutable_clinic()->set_time_zone("America/Chicago");
  ASSIGN_OR_RETURN(auto clinic, admin.Call(&v1::ClinicService::Stub::CreateClinic,
                                           admin.clinics(), c));
  return clinic.clinic().clinic_id();
}

// Through a clinician's client.
absl::Status CreatePatients(const Client& client, const std::string& clinic_id,
                            const std::string& tag, uint32_t seed, int patients) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  for (int i = 0; i < patients; ++i) {
    v1::CreatePatientRequest p;
    p.set_request_id(absl::StrCat(tag, "-p", i));
    p.mutable_patient()->set_clinic_id(clinic_id);
    auto* id = p.mutable_patient()->mutable_identity();
    id->set_given_name(absl::StrCat("Sim", i));
    id->set_family_name("Patient");
    id->mutable_birth_date()->set_year(1950 + 5 * i % 40);
    id->mutable_birth_date()->set_month(1 + i % 12);
    id->mutable_birth_date()->set_day(1 + i % 28);
    id->set_sex(i % 2 ? v1::SEX_MALE : v1::SEX_FEMALE);
    id->set_zip_code("60614");
    id->set_mrn(absl::StrCat("SIM-", seed, "-", i));
    ASSIGN_OR_RETURN(auto patient, client.Call(&v1::PatientService::Stub::CreatePatient,
                                               client.patients(), p));
    v1::CreateEpisodeRequest e;
    e.set_request_id(absl::StrCat(tag, "-e", i));
    e.mutable_episode()->set_patient_id(patient.patient().patient_id());
    e.mutable_episode()->add_conditions(v1::CONDITION_HERNIATED_DISC);
    const absl::CivilDay start = today - 30;
    e.mutable_episode()->mutable_start_date()->set_year(static_cast<int>(start.year()));
    e.mutable_episode()->mutable_start_date()->set_month(start.month());
    e.mutable_episode()->mutable_start_date()->set_day(start.day());
    e.mutable_episode()->mutable_plan()->set_sessions_planned(24);
    e.mutable_episode()->mutable_plan()->set_sessions_per_week(5);
    e.mutable_episode()->mutable_plan()->set_target_max_force_newtons(300 + 20 * (i % 6));
    e.mutable_episode()->mutable_plan()->set_session_minutes(30);
    RETURN_IF_ERROR(client.Call(&v1::EpisodeService::Stub::CreateEpisode, client.episodes(), e)
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Target>> OpenEpisodes(const Client& client,
                                                 const std::string& clinic_id) {
  std::vector<Target> targets;
  v1::ListPatientsRequest lp;
  lp.set_clinic_id(clinic_id);
  lp.set_page_size(1000);
  ASSIGN_OR_RETURN(auto patients, client.Call(&v1::PatientService::Stub::ListPatients,
                                              client.patients(), lp));
  for (const auto& p : patients.patients()) {
    v1::ListEpisodesRequest le;
    le.set_patient_id(p.patient_id());
    ASSIGN_OR_RETURN(auto episodes, client.Call(&v1::EpisodeService::Stub::ListEpisodes,
                                                client.episodes(), le));
    for (const auto& e : episodes.episodes()) {
      if (e.state() != v1::EPISODE_STATE_OPEN) continue;
      Target target{e.episode_id(), e.plan(), {}};
      v1::ListObservationsRequest lo;
      lo.set_episode_id(e.episode_id());
      lo.set_instrument(v1::INSTRUMENT_NPRS);
      lo.set_page_size(1000);
      ASSIGN_OR_RETURN(auto pain, client.Call(&v1::ObservationService::Stub::ListObservations,
                                              client.observations(), lo));
      for (const auto& o : pain.observations()) {
        target.pain.emplace_back(o.effective_time().seconds(), static_cast<int>(o.value()));
      }
      std::sort(target.pain.begin(), target.pain.end());
      targets.push_back(target);
    }
  }
  if (targets.empty()) return absl::FailedPreconditionError("the clinic has no open episodes");
  return targets;
}

// The clinic's staff (`client`) makes an enrollment token; the table
// enrolls with it over its own `channel`.
absl::StatusOr<std::string> EnrollOnce(const Client& client,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& clinic_id, const std::string& serial) {
  auto device = v1::DeviceService::NewStub(channel);
  v1::CreateEnrollmentTokenRequest t;
  t.set_clinic_id(clinic_id);
  ASSIGN_OR_RETURN(auto token,
                   client.Call(&v1::DeviceAdminService::Stub::CreateEnrollmentToken,
                               client.device_admin(), t));
  v1::EnrollRequest e;
  e.set_enrollment_token(token.enrollment_token());
  e.set_serial_number(serial);
  e.set_model("SimTable DX");
  e.set_firmware_version("2.7.0");
  ASSIGN_OR_RETURN(auto enrolled, client.Call(&v1::DeviceService::Stub::Enroll, device.get(), e));
  return enrolled.credential();
}

// Enrolls, retrying while the server is unreachable (it may be restarting).
absl::StatusOr<std::string> EnrollTable(const Client& client,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& clinic_id, const std::string& serial) {
  absl::StatusOr<std::string> credential;
  for (int attempt = 0; attempt < 30; ++attempt) {
    credential = EnrollOnce(client, channel, clinic_id, serial);
    if (credential.ok() || !absl::IsUnavailable(credential.status())) break;
    absl::SleepFor(absl::Milliseconds(300));
  }
  return credential;
}

v1::TractionProtocol ProtocolFor(const v1::TreatmentPlan& plan, int session_index, int minutes,
                                 std::mt19937& rng) {
  v1::TractionProtocol p;
  const v1::TractionMode modes[] = {v1::TRACTION_MODE_INTERMITTENT,
                                    v1::TRACTION_MODE_INTERMITTENT, v1::TRACTION_MODE_CYCLIC,
                                    v1::TRACTION_MODE_STATIC};
  p.set_mode(modes[rng() % 4]);
  // Force rises across the course toward the plan's maximum.
  const double max = std::round(plan.target_max_force_newtons() *
                                std::min(1.0, 0.85 + 0.05 * session_index));
  p.set_max_force_newtons(max);
  p.set_min_force_newtons(p.mode() == v1::TRACTION_MODE_STATIC ? max : std::round(max * 0.5));
  p.set_hold_seconds(60);
  p.set_relax_seconds(30);
  p.set_progressive_steps(3);
  p.set_regressive_steps(3);
  p.set_angle_degrees(static_cast<double>(rng() % 16));
  p.set_planned_minutes(minutes);
  return p;
}

absl::StatusOr<ConnectOptions> ConnectFromFlags() {
  ConnectOptions options;
  options.target = absl::GetFlag(FLAGS_server);
  options.tls_ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  ASSIGN_OR_RETURN(options.bearer, BearerFrom(absl::GetFlag(FLAGS_key_file)));
  return options;
}

// A clinician's client for the clinic the tables work in: --clinic_id, or
// a clinic created (with its patients) when none is given.
absl::StatusOr<std::pair<std::string, std::unique_ptr<Client>>> ClinicAndClinician(
    const ConnectOptions& connect, uint32_t seed) {
  ASSIGN_OR_RETURN(auto channel, Connect(connect));
  Client client(channel, absl::Seconds(30));
  RETURN_IF_ERROR(client.WaitForServer(absl::Seconds(10)));
  std::string clinic_id = absl::GetFlag(FLAGS_clinic_id);
  const std::string tag = ClinicTag(seed);
  const bool create = clinic_id.empty();
  if (create) {
    ASSIGN_OR_RETURN(clinic_id, CreateClinic(client, tag, seed));
  }
  std::string created_key;
  ASSIGN_OR_RETURN(auto clinician, ClinicianFor(connect, absl::Seconds(30), clinic_id,
                                                "Table simulator", &created_key));
  if (!created_key.empty() && !absl::GetFlag(FLAGS_clinician_key_out).empty()) {
    RETURN_IF_ERROR(WriteSecretFile(absl::GetFlag(FLAGS_clinician_key_out), created_key));
  }
  if (create) {
    RETURN_IF_ERROR(
        CreatePatients(*clinician, clinic_id, tag, seed, absl::GetFlag(FLAGS_patients)));
  }
  return std::make_pair(clinic_id, std::move(clinician));
}

int Run() {
  auto connect = ConnectFromFlags();
  if (!connect.ok()) {
    std::cerr << "tractus-tablesim: " << connect.status().message() << "\n";
    return 1;
  }
  if (!absl::GetFlag(FLAGS_verify_ledger).empty()) {
    auto channel = Connect(*connect);
    if (!channel.ok()) {
      std::cerr << "tractus-tablesim: " << channel.status().message() << "\n";
      return 1;
    }
    return VerifyLedger(Client(*channel, absl::Seconds(30)), absl::GetFlag(FLAGS_verify_ledger));
  }
  const uint32_t seed = absl::GetFlag(FLAGS_seed);
  auto setup = ClinicAndClinician(*connect, seed);
  if (!setup.ok()) {
    std::cerr << "tractus-tablesim: setting up the clinic: " << setup.status() << "\n";
    return 1;
  }
  const std::string clinic_id = setup->first;
  const Client& client = *setup->second;
  const std::string device_server = absl::GetFlag(FLAGS_device_server).empty()
                                        ? connect->target
                                        : absl::GetFlag(FLAGS_device_server);
  auto targets = OpenEpisodes(client, clinic_id);
  if (!targets.ok()) {
    std::cerr << "tractus-tablesim: " << targets.status() << "\n";
    return 1;
  }

  const int tables = absl::GetFlag(FLAGS_tables);
  const int sessions = absl::GetFlag(FLAGS_sessions);
  const int minutes = absl::GetFlag(FLAGS_minutes);
  UploadOptions faults{absl::GetFlag(FLAGS_drop_rate), absl::GetFlag(FLAGS_reboot_rate),
                       absl::GetFlag(FLAGS_duplicate_rate),
                       absl::Milliseconds(absl::GetFlag(FLAGS_pace_ms))};
  std::unique_ptr<Ledger> ledger;
  if (!absl::GetFlag(FLAGS_ledger).empty()) {
    ledger = std::make_unique<Ledger>(absl::GetFlag(FLAGS_ledger));
    if (!ledger->ok()) {
      std::cerr << "tractus-tablesim: cannot write " << absl::GetFlag(FLAGS_ledger) << "\n";
      return 1;
    }
  }
  UploadCounters counters;
  absl::Mutex mu;
  std::vector<std::string> failures;
  std::atomic<int> sessions_done{0};
  const absl::Time started = absl::Now();

  std::vector<std::thread> threads;
  for (int t = 0; t < tables; ++t) {
    threads.emplace_back([&, t] {
      // One channel (connection) per table, as real tables have.
      grpc::ChannelArguments args;
      args.SetInt("grpc.use_local_subchannel_pool", 1);
      // A table reconnects within a second of the server coming back; at
      // gRPC's default backoff (1 s growing to 120 s) a server restarted a
      // few times in a row left tables idle for minutes.
      args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
      args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
      if (!absl::GetFlag(FLAGS_tls_ca_file).empty()) {
        grpc::SslCredentialsOptions ssl;
        std::ifstream in(absl::GetFlag(FLAGS_tls_ca_file));
        ssl.pem_root_certs.assign(std::istreambuf_iterator<char>(in), {});
        credentials = grpc::SslCredentials(ssl);
      }
      auto channel = grpc::CreateCustomChannel(device_server, credentials, args);
      const std::string serial = absl::StrCat("SIM-", seed, "-", t);
      auto credential = EnrollTable(client, channel, clinic_id, serial);
      if (!credential.ok()) {
        absl::MutexLock lock(&mu);
        failures.push_back(absl::StrCat("table ", t, " enroll: ", credential.status().ToString()));
        return;
      }
      std::mt19937 rng(seed * 7919 + t);
      TableClient table(channel, *credential, &counters, seed * 31 + t, ledger.get());
      const std::string device_id = credential->substr(5, 35);
      for (int j = 0; j < sessions; ++j) {
        const Target& target = (*targets)[(t * sessions + j) % targets->size()];
        TableModelOptions options;
        options.sample_hz = absl::GetFlag(FLAGS_sample_hz);
        options.minutes = minutes;
        std::uniform_real_distribution<double> coin(0, 1);
        if (coin(rng) < absl::GetFlag(FLAGS_stop_rate)) {
          options.patient_stop_at_s = 60 + static_cast<int>(rng() % (minutes * 45));
        }
        v1::SessionHeader header;
        header.set_session_id(absl::StrCat("sim.", device_id, ".", j));
        header.set_episode_id(target.episode_id);
        *header.mutable_protocol() = ProtocolFor(target.plan, j, minutes, rng);
        const absl::Time now = absl::Now();
        // Sessions of one table follow each other and all have ended by now,
        // back to back or spread over a course of --spread_days.
        const int spread = absl::GetFlag(FLAGS_spread_days);
        const absl::Duration before_now =
            spread > 0 ? absl::Hours(24) * spread * (sessions - j) / sessions +
                             absl::Minutes(37 * t)
                       : absl::Minutes((sessions - j) * (minutes + 10));
        const absl::Time start =
            now - absl::Hours(24 * absl::GetFlag(FLAGS_backlog_days)) - before_now;
        header.mutable_device_start_time()->set_seconds(absl::ToUnixSeconds(start));
        header.mutable_device_send_time()->set_seconds(absl::ToUnixSeconds(now));
        TableModel model(header.protocol(), options, seed * 131 + t * 17 + j);
        std::vector<v1::TelemetryChunk> chunks;
        v1::TelemetryChunk chunk;
        while (model.NextChunk(absl::GetFlag(FLAGS_chunk_samples), &chunk)) chunks.push_back(chunk);
        v1::SessionEnd end;
        end.set_outcome(model.aborted() ? v1::SESSION_OUTCOME_ABORTED
                                        : v1::SESSION_OUTCOME_COMPLETED);
        if (model.aborted()) end.set_abort_reason("patient pressed the stop switch");
        // Typed at the console: near the patient's latest report, a little
        // lower after traction.
        const int pain_then = target.PainAt(absl::ToUnixSeconds(start));
        end.set_pre_session_pain(std::clamp(pain_then + static_cast<int>(rng() % 3) - 1, 0, 10));
        end.set_post_session_pain(std::max(0, end.pre_session_pain() - static_cast<int>(rng() % 2)));
        absl::Status s = table.UploadSession(header, chunks, end, faults,
                                             absl::GetFlag(FLAGS_window));
        if (!s.ok()) {
          absl::MutexLock lock(&mu);
          failures.push_back(absl::StrCat(header.session_id(), ": ", s.ToString()));
        }
        sessions_done++;
      }
    });
  }

  const bool quiet = absl::GetFlag(FLAGS_quiet);
  std::atomic<bool> all_done{false};
  std::thread progress([&] {
    while (!all_done) {
      absl::SleepFor(absl::Milliseconds(500));
      if (quiet) continue;
      std::cerr << absl::StrFormat(
          "\rtables %d  sessions %d/%d  chunks %d  samples %d  resumes %d   ", tables,
          sessions_done.load(), tables * sessions, counters.chunks_acked.load(),
          counters.samples_acked.load(), counters.resumes.load());
    }
  });
  for (auto& th : threads) th.join();
  all_done = true;
  progress.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  if (!quiet) std::cerr << "\n";

  std::cout << absl::StrFormat(
      "clinic %s\n"
      "tables %d  sessions %d (completed %d, aborted %d)  chunks acknowledged %d  "
      "samples acknowledged %d  replayed acks %d  resumes %d  nacks %d  "
      "waits on stream limits %d\n"
      "%.1f s, %.0f samples/s, %.2f bytes/sample on the wire\n",
      clinic_id, tables, counters.sessions_completed + counters.sessions_aborted,
      counters.sessions_completed.load(), counters.sessions_aborted.load(),
      counters.chunks_acked.load(), counters.samples_acked.load(),
      counters.replayed_acks.load(), counters.resumes.load(), counters.nacks.load(),
      counters.retries_after_limit.load(), seconds, counters.samples_acked / seconds,
      counters.samples_acked > 0
          ? static_cast<double>(counters.bytes_acked) / counters.samples_acked
          : 0.0);
  for (const auto& f : failures) std::cout << "FAILED " << f << "\n";
  return failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace tractus::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Simulates decompression tables uploading sessions to tractusd.\n"
      "Usage: tractus-tablesim --server=HOST:PORT [--tables=N --sessions=N ...]");
  absl::ParseCommandLine(argc, argv);
  return tractus::cli::Run();
}
