// Records over a real RocksDB in a temp dir, with a fake clock.
#include "records/records.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "records/time_proto.h"
#include "storage/key_codec.h"
#include "storage/test_dir.h"

namespace tractus::records {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 27, 15, 0, 0),
                                        absl::UTCTimeZone());

std::string FirstField(const absl::Status& s) {
  auto v = FieldViolationsOf(s);
  return v.empty() ? "" : v[0].field;
}

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    records_.reset();
    store_.reset();
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    records_ = std::make_unique<Records>(store_.get(), &clock_);
  }

  static v1::CreateClinicRequest ClinicRequest(const std::string& request_id) {
    v1::CreateClinicRequest req;
    req.set_request_id(request_id);
    req.mutable_clinic()->set_display_name("Lakeview Spine");
    req.mutable_clinic()->set_time_zone("America/Chicago");
    return req;
  }

  std::string MakeClinic(const std::string& request_id = "clinic-1") {
    return records_->CreateClinic(ClinicRequest(request_id))->clinic().clinic_id();
  }

  v1::CreatePatientRequest PatientRequest(const std::string& clinic_id,
                                          const std::string& mrn) {
    v1::CreatePatientRequest req;
    req.set_request_id("patient-" + mrn);
    v1::Patient* p = req.mutable_patient();
    p->set_clinic_id(clinic_id);
    v1::PatientIdentity* id = p->mutable_identity();
    id->set_given_name("Ada");
    id->set_family_name("Quinn");
    id->mutable_birth_date()->set_year(1971);
    id->mutable_birth_date()->set_month(3);
    id->mutable_birth_date()->set_day(14);
    id->set_sex(v1::SEX_FEMALE);
    id->set_zip_code("60614");
    id->set_mrn(mrn);
    return req;
  }

  static v1::CreateEpisodeRequest EpisodeRequest(const std::string& patient_id,
                                                 const std::string& request_id,
                                                 v1::Condition condition) {
    v1::CreateEpisodeRequest req;
    req.set_request_id(request_id);
    v1::Episode* e = req.mutable_episode();
    e->set_patient_id(patient_id);
    e->add_conditions(condition);
    e->mutable_start_date()->set_year(2026);
    e->mutable_start_date()->set_month(10);
    e->mutable_start_date()->set_day(1);
    e->mutable_plan()->set_sessions_planned(24);
    e->mutable_plan()->set_sessions_per_week(5);
    e->mutable_plan()->set_target_max_force_newtons(400);
    e->mutable_plan()->set_session_minutes(30);
    return req;
  }

  std::string MakeEpisode(const std::string& patient_id) {
    auto resp = records_->CreateEpisode(
        EpisodeRequest(patient_id, "episode-" + patient_id, v1::CONDITION_HERNIATED_DISC));
    EXPECT_THAT(resp, IsOk());
    return resp->episode().episode_id();
  }

  v1::ObservationInput Pain(const std::string& id, int day, double value) {
    v1::ObservationInput in;
    in.set_observation_id(id);
    in.set_instrument(v1::INSTRUMENT_NPRS);
    // 2026-10-01 is day 0 in Chicago (UTC-5 in October): 18:00 UTC = 13:00 local.
    *in.mutable_effective_time() = ToProto(
        absl::FromCivil(absl::CivilSecond(2026, 10, 1, 18, 0, 0), absl::UTCTimeZone()) +
        absl::Hours(24 * day));
    in.set_source(v1::SOURCE_HOME);
    in.set_value(value);
    return in;
  }

  std::vector<v1::Observation> ListAll(const std::string& episode_id) {
    v1::ListObservationsRequest req;
    req.set_episode_id(episode_id);
    req.set_page_size(1000);
    auto resp = records_->ListObservations(req);
    EXPECT_THAT(resp, IsOk());
    return {resp->observations().begin(), resp->observations().end()};
  }

  TestDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Records> records_;
};

TEST_F(RecordsTest, CreateClinicIsIdempotentPerRequestId) {
  std::string a = MakeClinic("req-a");
  EXPECT_EQ(MakeClinic("req-a"), a);
  EXPECT_NE(MakeClinic("req-b"), a);
  v1::CreateClinicRequest conflicting;
  conflicting.set_request_id("req-a");
  conflicting.mutable_clinic()->set_display_name("Another name");
  conflicting.mutable_clinic()->set_time_zone("America/Chicago");
  EXPECT_THAT(records_->CreateClinic(conflicting),
              StatusIs(absl::StatusCode::kAlreadyExists));
  v1::ListClinicsRequest list;
  EXPECT_EQ(records_->ListClinics(list)->clinics_size(), 2);
}

// Sharded deployments route by clinic id, so the client may propose one.
TEST_F(RecordsTest, CreateClinicTakesAProposedId) {
  const std::string proposed = NewOpaqueId(kClinicIdPrefix);
  v1::CreateClinicRequest req = ClinicRequest("proposed");
  req.mutable_clinic()->set_clinic_id(proposed);
  auto created = records_->CreateClinic(req);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->clinic().clinic_id(), proposed);
  EXPECT_EQ(records_->CreateClinic(req)->clinic().clinic_id(), proposed);  // replay

  v1::CreateClinicRequest taken = ClinicRequest("another");
  taken.mutable_clinic()->set_clinic_id(proposed);
  EXPECT_THAT(records_->CreateClinic(taken), StatusIs(absl::StatusCode::kAlreadyExists));
  v1::CreateClinicRequest malformed = ClinicRequest("malformed");
  malformed.mutable_clinic()->set_clinic_id("cl_not-hex");
  auto refused = records_->CreateClinic(malformed);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("clinic.clinic_id"));
}

TEST_F(RecordsTest, GetUnknownIdsIsNotFoundAndMalformedIsInvalid) {
  v1::GetClinicRequest get;
  get.set_clinic_id("cl_00000000000000000000000000000000");
  EXPECT_THAT(records_->GetClinic(get), StatusIs(absl::StatusCode::kNotFound));
  get.set_clinic_id("../etc/passwd");
  auto bad = records_->GetClinic(get);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FirstField(bad.status()), "clinic_id");
}

TEST_F(RecordsTest, PatientIdentityIsStoredApartFromClinicalRecord) {
  std::string clinic = MakeClinic();
  auto created = records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  ASSERT_THAT(created, IsOk());
  const std::string patient_id = created->patient().patient_id();
  EXPECT_EQ(created->patient().identity().family_name(), "Quinn");

  std::string clinical = *store_->Get(storage::Cf::kPatients, storage::PatientKey(patient_id));
  EXPECT_EQ(clinical.find("Quinn"), std::string::npos);
  EXPECT_EQ(clinical.find("MRN-1"), std::string::npos);
  std::string identity = *store_->Get(storage::Cf::kIdentity, storage::IdentityKey(patient_id));
  EXPECT_NE(identity.find("Quinn"), std::string::npos);

  v1::GetPatientRequest get;
  get.set_patient_id(patient_id);
  EXPECT_EQ(records_->GetPatient(get)->patient().identity().mrn(), "MRN-1");
}

TEST_F(RecordsTest, IdentitiesOfPatientsAreReadInTheOrderAskedAndEqualGetPatient) {
  std::string clinic = MakeClinic();
  std::vector<std::string> ids;
  for (const std::string mrn : {"MRN-1", "MRN-2", "MRN-3"}) {
    auto req = PatientRequest(clinic, mrn);
    req.mutable_patient()->mutable_identity()->set_zip_code("6061" +
                                                            mrn.substr(4));  // each its own
    ids.push_back(records_->CreatePatient(req)->patient().patient_id());
  }
  const std::vector<std::string> asked = {ids[2], ids[0], ids[2], ids[1]};
  auto identities = records_->IdentitiesOfPatients(asked);
  ASSERT_THAT(identities, IsOk());
  ASSERT_EQ(identities->size(), asked.size());
  for (size_t i = 0; i < asked.size(); ++i) {
    v1::GetPatientRequest get;
    get.set_patient_id(asked[i]);
    EXPECT_EQ((*identities)[i].SerializeAsString(),
              records_->GetPatient(get)->patient().identity().SerializeAsString());
  }
  EXPECT_EQ((*identities)[0].zip_code(), "60613");
  EXPECT_TRUE(records_->IdentitiesOfPatients({})->empty());
  // Every patient has an identity: one missing is damage.
  EXPECT_THAT(records_->IdentitiesOfPatients({ids[0], "pt_00000000000000000000000000000000"}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("2 of 2")));
}

TEST_F(RecordsTest, CreatePatientChecksClinicAndMrn) {
  auto orphan = records_->CreatePatient(
      PatientRequest("cl_00000000000000000000000000000000", "MRN-1"));
  EXPECT_THAT(orphan, StatusIs(absl::StatusCode::kNotFound, HasSubstr("clinic")));
  std::string clinic = MakeClinic();
  ASSERT_THAT(records_->CreatePatient(PatientRequest(clinic, "MRN-1")), IsOk());
  auto dup = PatientRequest(clinic, "MRN-1");
  dup.set_request_id("another-request");
  EXPECT_THAT(records_->CreatePatient(dup), StatusIs(absl::StatusCode::kAlreadyExists));
  // The same MRN in another clinic is another patient.
  std::string other = MakeClinic("clinic-2");
  auto elsewhere = PatientRequest(other, "MRN-1");
  elsewhere.set_request_id("other-clinic");
  EXPECT_THAT(records_->CreatePatient(elsewhere), IsOk());
}

// Request ids are each clinic's own: another clinic using the same id gets
// its own patient and learns nothing; each replay returns its own.
TEST_F(RecordsTest, RequestIdsAreScopedToTheClinic) {
  const std::string a = MakeClinic("clinic-a"), b = MakeClinic("clinic-b");
  auto in_a = records_->CreatePatient(PatientRequest(a, "MRN-A"));
  auto in_b = records_->CreatePatient([&] {
    auto req = PatientRequest(b, "MRN-B");
    req.set_request_id("patient-MRN-A");  // the id clinic A used
    return req;
  }());
  ASSERT_THAT(in_a, IsOk());
  ASSERT_THAT(in_b, IsOk());
  EXPECT_NE(in_a->patient().patient_id(), in_b->patient().patient_id());
  EXPECT_EQ(records_->CreatePatient(PatientRequest(a, "MRN-A"))->patient().patient_id(),
            in_a->patient().patient_id());
  // Episodes too (scoped by the patient's clinic).
  auto episode_a = records_->CreateEpisode(
      EpisodeRequest(in_a->patient().patient_id(), "same-id", v1::CONDITION_SCIATICA));
  auto episode_b = records_->CreateEpisode(
      EpisodeRequest(in_b->patient().patient_id(), "same-id", v1::CONDITION_SCIATICA));
  ASSERT_THAT(episode_a, IsOk());
  ASSERT_THAT(episode_b, IsOk());
  EXPECT_NE(episode_a->episode().episode_id(), episode_b->episode().episode_id());
}

// A store made before request ids were scoped keeps its one-namespace
// records: their replays still return their resource in their clinic, with
// other content they are ALREADY_EXISTS there, and another clinic may use
// the id.
TEST_F(RecordsTest, RequestRecordsOfOlderStoresStillAnswerReplays) {
  const std::string a = MakeClinic("clinic-a"), b = MakeClinic("clinic-b");
  auto created = records_->CreatePatient(PatientRequest(a, "MRN-OLD"));
  ASSERT_THAT(created, IsOk());
  const std::string patient_id = created->patient().patient_id();
  // Rewrite its request record the way the older layout kept it.
  const std::string scoped =
      storage::ScopedRequestKey(storage::RequestKind::kCreatePatient, a, "patient-MRN-OLD");
  auto record = store_->Get(storage::Cf::kIndex, scoped);
  ASSERT_THAT(record, IsOk());
  storage::WriteBatch batch;
  batch.Delete(storage::Cf::kIndex, scoped);
  batch.Put(storage::Cf::kIndex,
            storage::RequestKey(storage::RequestKind::kCreatePatient, "patient-MRN-OLD"), *record);
  ASSERT_THAT(store_->Write(batch), IsOk());
  Open();

  auto replay = records_->CreatePatient(PatientRequest(a, "MRN-OLD"));
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->patient().patient_id(), patient_id);
  auto changed = PatientRequest(a, "MRN-OTHER");
  changed.set_request_id("patient-MRN-OLD");
  EXPECT_THAT(records_->CreatePatient(changed), StatusIs(absl::StatusCode::kAlreadyExists));
  auto elsewhere = PatientRequest(b, "MRN-OLD");
  auto in_b = records_->CreatePatient(elsewhere);
  ASSERT_THAT(in_b, IsOk());
  EXPECT_NE(in_b->patient().patient_id(), patient_id);
}

TEST_F(RecordsTest, ConcurrentReplaysCreateOnePatient) {
  std::string clinic = MakeClinic();
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto resp = records_->CreatePatient(PatientRequest(clinic, "MRN-9"));
      ids[i] = resp.ok() ? resp->patient().patient_id() : resp.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  v1::ListPatientsRequest list;
  list.set_clinic_id(clinic);
  EXPECT_EQ(records_->ListPatients(list)->patients_size(), 1);
}

TEST_F(RecordsTest, UpdatePatientAppliesMaskAndMovesMrn) {
  std::string clinic = MakeClinic();
  auto p1 = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  auto p2 = *records_->CreatePatient(PatientRequest(clinic, "MRN-2"));
  clock_.Advance(absl::Hours(1));

  v1::UpdatePatientRequest update;
  update.mutable_patient()->set_patient_id(p1.patient().patient_id());
  update.mutable_patient()->mutable_identity()->set_phone("+13125550100");
  update.mutable_patient()->mutable_identity()->set_mrn("MRN-2");
  update.mutable_update_mask()->add_paths("identity.phone");
  auto updated = records_->UpdatePatient(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->patient().identity().phone(), "+13125550100");
  EXPECT_EQ(updated->patient().identity().mrn(), "MRN-1");  // not in the mask
  EXPECT_EQ(FromProto(updated->patient().update_time()), kNow + absl::Hours(1));

  update.mutable_update_mask()->add_paths("identity.mrn");
  EXPECT_THAT(records_->UpdatePatient(update), StatusIs(absl::StatusCode::kAlreadyExists));
  update.mutable_patient()->mutable_identity()->set_mrn("MRN-3");
  ASSERT_THAT(records_->UpdatePatient(update), IsOk());
  // MRN-1 is free again, MRN-3 is taken.
  auto reuse = PatientRequest(clinic, "MRN-1");
  reuse.set_request_id("reuse");
  EXPECT_THAT(records_->CreatePatient(reuse), IsOk());
  auto taken = PatientRequest(clinic, "MRN-3");
  taken.set_request_id("taken");
  EXPECT_THAT(records_->CreatePatient(taken), StatusIs(absl::StatusCode::kAlreadyExists));

  update.mutable_update_mask()->add_paths("clinic_id");
  auto bad = records_->UpdatePatient(update);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FirstField(bad.status()), "update_mask.paths[2]");
  (void)p2;
}

TEST_F(RecordsTest, EpisodeLifecycle) {
  std::string clinic = MakeClinic();
  auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  std::string episode_id = MakeEpisode(patient.patient().patient_id());

  v1::GetEpisodeRequest get;
  get.set_episode_id(episode_id);
  auto episode = records_->GetEpisode(get);
  ASSERT_THAT(episode, IsOk());
  EXPECT_EQ(episode->episode().clinic_id(), clinic);
  EXPECT_EQ(episode->episode().state(), v1::EPISODE_STATE_OPEN);

  v1::ListEpisodesRequest list;
  list.set_patient_id(patient.patient().patient_id());
  EXPECT_EQ(records_->ListEpisodes(list)->episodes_size(), 1);

  v1::CloseEpisodeRequest close;
  close.set_episode_id(episode_id);
  close.set_reason(v1::CLOSE_REASON_COMPLETED);
  ASSERT_THAT(records_->CloseEpisode(close), IsOk());
  EXPECT_THAT(records_->CloseEpisode(close), IsOk());  // same reason: idempotent
  close.set_reason(v1::CLOSE_REASON_DISCONTINUED);
  EXPECT_THAT(records_->CloseEpisode(close),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  v1::RecordObservationsRequest rec;
  rec.set_episode_id(episode_id);
  *rec.add_observations() = Pain("late", 10, 3);
  EXPECT_THAT(records_->RecordObservations(rec),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
}

TEST_F(RecordsTest, RecordObservationsIsAtomicAndIdempotent) {
  std::string clinic = MakeClinic();
  auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  std::string episode_id = MakeEpisode(patient.patient().patient_id());

  v1::RecordObservationsRequest bad;
  bad.set_episode_id(episode_id);
  *bad.add_observations() = Pain("d0", 0, 6);
  *bad.add_observations() = Pain("d1", 1, 12);  // out of range
  auto rejected = records_->RecordObservations(bad);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FirstField(rejected.status()), "observations[1].value");
  EXPECT_TRUE(ListAll(episode_id).empty());  // nothing of the batch was written

  v1::RecordObservationsRequest good;
  good.set_episode_id(episode_id);
  for (int day = 0; day < 10; ++day) {
    *good.add_observations() = Pain("d" + std::to_string(day), day, 7 - day / 2);
  }
  auto first = records_->RecordObservations(good);
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->results(0).replayed());
  auto again = records_->RecordObservations(good);
  ASSERT_THAT(again, IsOk());
  for (const auto& r : again->results()) EXPECT_TRUE(r.replayed());
  EXPECT_EQ(ListAll(episode_id).size(), 10u);

  v1::RecordObservationsRequest conflict;
  conflict.set_episode_id(episode_id);
  *conflict.add_observations() = Pain("new-1", 11, 2);
  *conflict.add_observations() = Pain("d3", 3, 0);  // stored with another value
  EXPECT_THAT(records_->RecordObservations(conflict),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("observations[1]")));
  EXPECT_EQ(ListAll(episode_id).size(), 10u);  // new-1 was not written either

  v1::RecordObservationsRequest twice;
  twice.set_episode_id(episode_id);
  *twice.add_observations() = Pain("x", 12, 2);
  *twice.add_observations() = Pain("x", 13, 2);
  auto dup = records_->RecordObservations(twice);
  EXPECT_EQ(FirstField(dup.status()), "observations[1].observation_id");
}

TEST_F(RecordsTest, EpisodesReadThroughOneReaderMatchTheirOwnReads) {
  std::string clinic = MakeClinic();
  // Episodes with 0, 3, 7, ... observations, read in id order, then out of
  // order, through one reader.
  std::vector<std::string> episodes;
  for (int i = 0; i < 5; ++i) {
    auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-" + std::to_string(i)));
    episodes.push_back(MakeEpisode(patient.patient().patient_id()));
    if (i == 0) continue;
    v1::RecordObservationsRequest rec;
    rec.set_episode_id(episodes.back());
    for (int day = 0; day < 4 * i - 1; ++day) {
      *rec.add_observations() = Pain(absl::StrCat("p", i, "-", day), day, i);
    }
    ASSERT_THAT(records_->RecordObservations(rec), IsOk());
  }
  std::sort(episodes.begin(), episodes.end());
  auto reader = records_->NewObservationReader();
  ASSERT_THAT(reader, IsOk());
  // As the paged listing (its own scan, onto the heap) gives them.
  const auto same = [](const ObservationList& a, const std::vector<v1::Observation>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].SerializeAsString() != b[i].SerializeAsString()) return false;
    }
    return true;
  };
  std::vector<std::string> order = episodes;
  order.push_back(episodes[1]);
  for (const std::string& id : order) {
    auto own = records_->ObservationsOfEpisode(id);
    auto through = records_->ObservationsOfEpisode(id, reader->get());
    ASSERT_THAT(own, IsOk());
    ASSERT_THAT(through, IsOk());
    const std::vector<v1::Observation> listed = ListAll(id);
    EXPECT_TRUE(same(*own, listed)) << id;
    EXPECT_TRUE(same(*through, listed)) << id;
    for (const v1::Observation& o : *through) {
      EXPECT_EQ(o.episode_id(), id);
      EXPECT_NE(o.GetArena(), nullptr);  // parsed onto the list's arena
    }
    const auto n = static_cast<int64_t>(own->size());
    EXPECT_EQ(records_->CountObservationsOfEpisode(id, reader->get()).value_or(-1), n);
    EXPECT_EQ(records_->CountObservationsOfEpisode(id).value_or(-1), n);
  }
  int64_t total = 0;
  for (const std::string& id : episodes) total += *records_->CountObservationsOfEpisode(id);
  EXPECT_EQ(total, 0 + 3 + 7 + 11 + 15);
}

TEST_F(RecordsTest, ListObservationsFiltersAndPages) {
  std::string clinic = MakeClinic();
  auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  std::string episode_id = MakeEpisode(patient.patient().patient_id());
  v1::RecordObservationsRequest rec;
  rec.set_episode_id(episode_id);
  for (int day = 0; day < 20; ++day) *rec.add_observations() = Pain("p" + std::to_string(day), day, 5);
  v1::ObservationInput walk = Pain("walk", 2, 400);
  walk.set_instrument(v1::INSTRUMENT_SIX_MINUTE_WALK);
  walk.set_source(v1::SOURCE_CLINIC);
  *rec.add_observations() = walk;
  ASSERT_THAT(records_->RecordObservations(rec), IsOk());

  v1::ListObservationsRequest list;
  list.set_episode_id(episode_id);
  list.set_instrument(v1::INSTRUMENT_NPRS);
  *list.mutable_start_time() = rec.observations(5).effective_time();
  *list.mutable_end_time() = rec.observations(15).effective_time();
  list.set_page_size(4);
  std::vector<std::string> ids;
  do {
    auto page = records_->ListObservations(list);
    ASSERT_THAT(page, IsOk());
    for (const auto& o : page->observations()) ids.push_back(o.observation_id());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  ASSERT_EQ(ids.size(), 10u);  // days 5..14, in time order
  EXPECT_EQ(ids.front(), "p5");
  EXPECT_EQ(ids.back(), "p14");

  // Time filter without an instrument still bounds the result.
  v1::ListObservationsRequest any;
  any.set_episode_id(episode_id);
  *any.mutable_start_time() = rec.observations(2).effective_time();
  *any.mutable_end_time() = rec.observations(3).effective_time();
  auto both = records_->ListObservations(any);
  ASSERT_EQ(both->observations_size(), 2);  // p2 and the walk on day 2

  any.clear_start_time();
  *any.mutable_start_time() = any.end_time();
  EXPECT_THAT(records_->ListObservations(any), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(RecordsTest, HomeReportsUseTheRecordingPath) {
  std::string clinic = MakeClinic();
  auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  std::string episode_id = MakeEpisode(patient.patient().patient_id());

  v1::SubmitHomeReportRequest pain;
  pain.set_episode_id(episode_id);
  pain.set_report_id("app-2026-10-02");
  *pain.mutable_effective_time() = Pain("x", 1, 0).effective_time();
  pain.set_pain_nprs(6);
  auto stored = records_->SubmitHomeReport(pain);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->observation().source(), v1::SOURCE_HOME);
  EXPECT_EQ(stored->observation().instrument(), v1::INSTRUMENT_NPRS);
  EXPECT_FALSE(stored->replayed());
  EXPECT_TRUE(records_->SubmitHomeReport(pain)->replayed());

  pain.set_pain_nprs(5);
  EXPECT_THAT(records_->SubmitHomeReport(pain),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("report_id")));

  v1::SubmitHomeReportRequest steps = pain;
  steps.set_report_id("steps-1");
  steps.set_daily_steps(-4);
  auto bad = records_->SubmitHomeReport(steps);
  EXPECT_EQ(FirstField(bad.status()), "daily_steps");
  steps.clear_daily_steps();
  EXPECT_EQ(FirstField(records_->SubmitHomeReport(steps).status()), "report");
  steps.set_daily_steps(8400);
  steps.set_report_id("bad id");
  EXPECT_EQ(FirstField(records_->SubmitHomeReport(steps).status()), "report_id");
}

TEST_F(RecordsTest, EverythingSurvivesReopen) {
  std::string clinic = MakeClinic();
  auto patient = *records_->CreatePatient(PatientRequest(clinic, "MRN-1"));
  std::string episode_id = MakeEpisode(patient.patient().patient_id());
  v1::RecordObservationsRequest rec;
  rec.set_episode_id(episode_id);
  *rec.add_observations() = Pain("p0", 0, 6);
  ASSERT_THAT(records_->RecordObservations(rec), IsOk());

  Open();
  v1::GetPatientRequest get;
  get.set_patient_id(patient.patient().patient_id());
  EXPECT_EQ(records_->GetPatient(get)->patient().identity().mrn(), "MRN-1");
  EXPECT_EQ(ListAll(episode_id).size(), 1u);
  // Idempotency records persist too.
  EXPECT_EQ(MakeClinic(), clinic);
}

TEST_F(RecordsTest, DamagedRecordIsDataLoss) {
  std::string clinic = MakeClinic();
  storage::WriteBatch batch;
  batch.Put(storage::Cf::kClinics, storage::ClinicKey(clinic), "\xff\xff\xff garbage");
  ASSERT_THAT(store_->Write(batch), IsOk());
  v1::GetClinicRequest get;
  get.set_clinic_id(clinic);
  EXPECT_THAT(records_->GetClinic(get), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace tractus::records
