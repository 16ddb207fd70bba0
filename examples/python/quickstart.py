#!/usr/bin/python3
"""Calls tractusd from Python: as the administrator, a clinic and a
clinician with an API key; as that clinician, a patient, an episode, a week
of home pain reports, then the observations read back.

Usage: quickstart.py HOST:PORT ADMIN_KEY_FILE   (stubs in ./gen, see README.md)
Every call carries "authorization: Bearer <API key>" metadata.
"""
import datetime
import sys

sys.path.insert(0, "gen")

import grpc  # Debian: python3-grpcio

from tractus.v1 import admin_pb2, admin_pb2_grpc, auth_pb2
from tractus.v1 import clinic_pb2, clinic_pb2_grpc
from tractus.v1 import episode_pb2, episode_pb2_grpc
from tractus.v1 import home_report_pb2, home_report_pb2_grpc
from tractus.v1 import observation_pb2, observation_pb2_grpc
from tractus.v1 import patient_pb2, patient_pb2_grpc
from tractus.v1 import common_pb2

DEADLINE_S = 10


class Bearer(grpc.UnaryUnaryClientInterceptor):
    """Adds the API key to every call made through a channel."""

    def __init__(self, key):
        self._metadata = (("authorization", "Bearer " + key),)

    def intercept_unary_unary(self, continuation, details, request):
        details = details._replace(metadata=tuple(details.metadata or ()) + self._metadata)
        return continuation(details, request)


def main(target, admin_key_file):
    with open(admin_key_file) as f:
        admin_key = f.readline().strip()
    as_admin = grpc.intercept_channel(grpc.insecure_channel(target), Bearer(admin_key))
    clinic = clinic_pb2_grpc.ClinicServiceStub(as_admin).CreateClinic(
        clinic_pb2.CreateClinicRequest(
            request_id="py-example-clinic",
            clinic=clinic_pb2.Clinic(display_name="Python Example Clinic",
                                     time_zone="America/New_York")),
        timeout=DEADLINE_S).clinic
    print("clinic", clinic.clinic_id)
    admin = admin_pb2_grpc.AdminServiceStub(as_admin)
    user = admin.CreateUser(admin_pb2.CreateUserRequest(user=auth_pb2.User(
        display_name="Dr. Python", role=auth_pb2.ROLE_CLINICIAN,
        clinic_ids=[clinic.clinic_id])), timeout=DEADLINE_S).user
    key = admin.CreateApiKey(admin_pb2.CreateApiKeyRequest(user_id=user.user_id),
                             timeout=DEADLINE_S).secret
    print("clinician", user.user_id)

    channel = grpc.intercept_channel(grpc.insecure_channel(target), Bearer(key))
    patients = patient_pb2_grpc.PatientServiceStub(channel)
    episodes = episode_pb2_grpc.EpisodeServiceStub(channel)
    home = home_report_pb2_grpc.HomeReportServiceStub(channel)
    observations = observation_pb2_grpc.ObservationServiceStub(channel)

    # The clinician may not create clinics: the server says so precisely.
    try:
        clinic_pb2_grpc.ClinicServiceStub(channel).CreateClinic(
            clinic_pb2.CreateClinicRequest(request_id="py-denied", clinic=clinic_pb2.Clinic(
                display_name="Nope", time_zone="America/New_York")), timeout=DEADLINE_S)
        raise SystemExit("expected PERMISSION_DENIED")
    except grpc.RpcError as err:
        print("refused:", err.code().name, "-", err.details())
        assert err.code() == grpc.StatusCode.PERMISSION_DENIED

    patient = patients.CreatePatient(
        patient_pb2.CreatePatientRequest(
            request_id="py-example-patient",
            patient=patient_pb2.Patient(
                clinic_id=clinic.clinic_id,
                identity=patient_pb2.PatientIdentity(
                    given_name="Sam", family_name="Example",
                    birth_date=common_pb2.Date(year=1970, month=5, day=17),
                    sex=patient_pb2.SEX_MALE, zip_code="02139", mrn="PY-0001"))),
        timeout=DEADLINE_S).patient
    print("patient", patient.patient_id)

    start = datetime.date.today() - datetime.timedelta(days=7)
    episode = episodes.CreateEpisode(
        episode_pb2.CreateEpisodeRequest(
            request_id="py-example-episode",
            episode=episode_pb2.Episode(
                patient_id=patient.patient_id,
                conditions=[episode_pb2.CONDITION_SCIATICA],
                start_date=common_pb2.Date(year=start.year, month=start.month, day=start.day),
                plan=episode_pb2.TreatmentPlan(sessions_planned=20, sessions_per_week=5,
                                               target_max_force_newtons=360,
                                               session_minutes=30))),
        timeout=DEADLINE_S).episode
    print("episode", episode.episode_id)

    now = datetime.datetime.now(datetime.timezone.utc)
    for days_ago, pain in enumerate([3, 4, 4, 5, 6, 6, 7]):
        report = home_report_pb2.SubmitHomeReportRequest(
            episode_id=episode.episode_id, report_id=f"py-pain-{days_ago}",
            pain_nprs=pain)
        report.effective_time.FromDatetime(now - datetime.timedelta(days=days_ago))
        home.SubmitHomeReport(report, timeout=DEADLINE_S)

    # A bad value is refused with the field named in google.rpc.BadRequest.
    bad = home_report_pb2.SubmitHomeReportRequest(
        episode_id=episode.episode_id, report_id="py-bad", pain_nprs=11)
    bad.effective_time.FromDatetime(now)
    try:
        home.SubmitHomeReport(bad, timeout=DEADLINE_S)
        raise SystemExit("expected INVALID_ARGUMENT for pain 11")
    except grpc.RpcError as err:
        print("refused:", err.code().name, "-", err.details())
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT

    listed = observations.ListObservations(
        observation_pb2.ListObservationsRequest(
            episode_id=episode.episode_id, instrument=observation_pb2.INSTRUMENT_NPRS),
        timeout=DEADLINE_S)
    values = [int(o.value) for o in listed.observations]
    print("pain, oldest first:", values)
    assert values == [7, 6, 6, 5, 4, 4, 3], values


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: quickstart.py HOST:PORT ADMIN_KEY_FILE")
    main(sys.argv[1], sys.argv[2])
