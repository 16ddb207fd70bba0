#!/usr/bin/python3
"""The table side of the upload protocol, driven by docs/protocol.md alone.

Reads the page's fault table ("Every fault and its answer") and, for every
row, provokes the fault as a table would — with stubs generated from the
.proto files, nothing of the server's code — and checks that the answer is
the one the row states: the stream status, or the ChunkNack / EndNack code,
and the field named. A row without a scenario here, or a scenario whose row
is gone, fails; so does any answer that differs from the page. Also checks
the resume rule (the same header, start time to the millisecond) and the
page's limits against GetUploadLimits.

  protocol_conformance.py PROTOCOL_MD DEVICE_ADDRESS STAFF_ADDRESS ADMIN_KEY_FILE

Stubs are imported from ./gen (tests/protocol_conformance.sh makes them).
"""
import datetime
import queue
import re
import sys

sys.path.insert(0, "gen")

import grpc  # Debian: python3-grpcio

from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2, status_pb2
from tractus.v1 import admin_pb2, admin_pb2_grpc, auth_pb2
from tractus.v1 import clinic_pb2, clinic_pb2_grpc, common_pb2
from tractus.v1 import device_pb2, device_pb2_grpc, episode_pb2, episode_pb2_grpc
from tractus.v1 import patient_pb2, patient_pb2_grpc
from tractus.v1 import session_pb2, session_pb2_grpc

TIMEOUT_S = 30
NOW = datetime.datetime.now(datetime.timezone.utc)


class Bearer(grpc.UnaryUnaryClientInterceptor):
    def __init__(self, key):
        self._metadata = (("authorization", "Bearer " + key),)

    def intercept_unary_unary(self, continuation, details, request):
        details = details._replace(metadata=tuple(details.metadata or ()) + self._metadata)
        return continuation(details, request)


# ---------------------------------------------------------------- the page

def fault_table(markdown):
    """[(fault, answer)] from the rows of the "Every fault" table."""
    section = markdown.split("## Every fault and its answer", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| fault ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows.append((cells[0], cells[1]))
    return rows


def expected(answer):
    """What an answer cell promises: (kind, code) and a field prefix or None."""
    field = None
    m = re.search(r"(?:field|naming) `([^`]+)`", answer)
    if m:
        field = m.group(1).replace("…", "").replace("<field>", "")
    m = re.match(r"stream `([A-Z_]+)`", answer)
    if m:
        return ("stream", m.group(1)), field
    m = re.match(r"`ChunkNack [A-Z_]+` \((\d+)\)", answer)
    if m:
        return ("nack", int(m.group(1))), field
    m = re.match(r"`EndNack` \(code (\d+)\)", answer)
    if m:
        return ("endnack", int(m.group(1))), field
    if answer.startswith("`EndAck`"):
        return ("endack", None), field
    raise SystemExit(f"cannot read the answer {answer!r}")


def limit_in_page(markdown, name):
    m = re.search(r"`" + name + r"`[^|]*\| *([\d,]+)", markdown)
    return int(m.group(1).replace(",", "")) if m else None


# ------------------------------------------------------------- the table

def timestamp(when):
    t = timestamp_pb2.Timestamp()
    t.FromDatetime(when)
    return t


def header(session_id, episode_id, start=None, **protocol):
    p = dict(mode=session_pb2.TRACTION_MODE_INTERMITTENT, max_force_newtons=400,
             min_force_newtons=200, hold_seconds=60, relax_seconds=30, progressive_steps=2,
             regressive_steps=2, angle_degrees=5, planned_minutes=30)
    p.update(protocol)
    start = start or NOW - datetime.timedelta(hours=1)
    return session_pb2.UploadSessionRequest(header=session_pb2.SessionHeader(
        session_id=session_id, episode_id=episode_id,
        protocol=session_pb2.TractionProtocol(**p),
        device_start_time=timestamp(start), device_send_time=timestamp(NOW)))


def deltas(values):
    return [values[0]] + [b - a for a, b in zip(values, values[1:])]


def chunk(seq, n=10, first_ms=None, force_dn=3900):
    """`n` samples at 10 Hz from `first_ms` (default: right after seq - 1's)."""
    first = seq * n * 100 if first_ms is None else first_ms
    offsets = [first + 100 * i for i in range(n)]
    return session_pb2.UploadSessionRequest(chunk=session_pb2.TelemetryChunk(
        seq=seq, offset_ms=deltas(offsets), measured_force_dn=deltas([force_dn] * n),
        target_force_dn=deltas([4000] * n), angle_decideg=deltas([50] * n), flags=[0] * n))


def end(count, outcome=session_pb2.SESSION_OUTCOME_COMPLETED):
    return session_pb2.UploadSessionRequest(end=session_pb2.SessionEnd(chunk_count=count,
                                                                       outcome=outcome))


class Stream:
    """One UploadSession stream, message by message."""

    def __init__(self, channel, credential, raw=False):
        self._q = queue.Queue()

        def requests():
            while True:
                m = self._q.get()
                if m is None:
                    return
                yield m
        method = channel.stream_stream(
            "/tractus.v1.DeviceService/UploadSession",
            request_serializer=None if raw else session_pb2.UploadSessionRequest.SerializeToString,
            response_deserializer=session_pb2.UploadSessionResponse.FromString)
        self._call = method(requests(), metadata=[("authorization", "Bearer " + credential)],
                            timeout=TIMEOUT_S)

    def send(self, m):
        self._q.put(m)
        return self

    def recv(self):
        """The next response, or None once the stream ended."""
        try:
            return next(self._call)
        except (StopIteration, grpc.RpcError):
            return None

    def close(self):
        """Half-closes, reads to the end: (responses, code name, details, bad field)."""
        self._q.put(None)
        rest = []
        while (r := self.recv()) is not None:
            rest.append(r)
        field = None
        for key, value in self._call.trailing_metadata() or ():
            if key == "grpc-status-details-bin":
                status = status_pb2.Status.FromString(value)
                for any_detail in status.details:
                    bad = error_details_pb2.BadRequest()
                    if any_detail.Unpack(bad) and bad.field_violations:
                        field = bad.field_violations[0].field
        return rest, self._call.code().name, self._call.details(), field


class World:
    """A clinic with a clinician, a patient, open episodes and enrolled tables."""

    def __init__(self, device_address, staff_address, admin_key):
        self.device_channel = grpc.insecure_channel(
            device_address, options=[("grpc.max_send_message_length", 8 << 20)])
        staff = grpc.insecure_channel(staff_address)
        as_admin = grpc.intercept_channel(staff, Bearer(admin_key))
        self.clinic = self._clinic(as_admin, "conformance")
        self.other_clinic = self._clinic(as_admin, "conformance-other")
        admin = admin_pb2_grpc.AdminServiceStub(as_admin)
        user = admin.CreateUser(admin_pb2.CreateUserRequest(user=auth_pb2.User(
            display_name="Conformance", role=auth_pb2.ROLE_CLINICIAN,
            clinic_ids=[self.clinic, self.other_clinic])), timeout=TIMEOUT_S).user
        key = admin.CreateApiKey(admin_pb2.CreateApiKeyRequest(user_id=user.user_id),
                                 timeout=TIMEOUT_S).secret
        self.staff = grpc.intercept_channel(staff, Bearer(key))
        self.episode = self.new_episode(self.clinic, "main")
        self.other_episode = self.new_episode(self.other_clinic, "other")
        self.device = session_pb2_grpc.DeviceServiceStub(self.device_channel)
        self.admin = device_pb2_grpc.DeviceAdminServiceStub(self.staff)
        self.table, self.table_id = self.enroll("CONF-1")
        self.limits = self.device.GetUploadLimits(
            session_pb2.GetUploadLimitsRequest(),
            metadata=[("authorization", "Bearer " + self.table)], timeout=TIMEOUT_S).limits
        self._ids = 0

    @staticmethod
    def _clinic(as_admin, tag):
        return clinic_pb2_grpc.ClinicServiceStub(as_admin).CreateClinic(
            clinic_pb2.CreateClinicRequest(request_id="conf-" + tag, clinic=clinic_pb2.Clinic(
                display_name="Conformance " + tag, time_zone="America/Chicago")),
            timeout=TIMEOUT_S).clinic.clinic_id

    def new_episode(self, clinic_id, tag):
        patient = patient_pb2_grpc.PatientServiceStub(self.staff).CreatePatient(
            patient_pb2.CreatePatientRequest(request_id="conf-p-" + tag, patient=patient_pb2.Patient(
                clinic_id=clinic_id, identity=patient_pb2.PatientIdentity(
                    given_name="Pat", family_name="Conformance",
                    birth_date=common_pb2.Date(year=1968, month=3, day=9),
                    sex=patient_pb2.SEX_FEMALE, zip_code="60601", mrn="CONF-" + tag))),
            timeout=TIMEOUT_S).patient
        start = (NOW - datetime.timedelta(days=7)).date()
        return episode_pb2_grpc.EpisodeServiceStub(self.staff).CreateEpisode(
            episode_pb2.CreateEpisodeRequest(request_id="conf-e-" + tag, episode=episode_pb2.Episode(
                patient_id=patient.patient_id, conditions=[episode_pb2.CONDITION_SCIATICA],
                start_date=common_pb2.Date(year=start.year, month=start.month, day=start.day),
                plan=episode_pb2.TreatmentPlan(sessions_planned=20, sessions_per_week=5,
                                               target_max_force_newtons=400,
                                               session_minutes=30))),
            timeout=TIMEOUT_S).episode.episode_id

    def enroll(self, serial):
        token = self.admin.CreateEnrollmentToken(
            device_pb2.CreateEnrollmentTokenRequest(clinic_id=self.clinic),
            timeout=TIMEOUT_S).enrollment_token
        enrolled = self.device.Enroll(session_pb2.EnrollRequest(
            enrollment_token=token, serial_number=serial, model="CONF", firmware_version="1"),
            timeout=TIMEOUT_S)
        return enrolled.credential, enrolled.device.device_id

    def session_id(self):
        self._ids += 1
        return f"conf-{self._ids}"

    def stream(self, credential=None, raw=False):
        return Stream(self.device_channel, credential or self.table, raw=raw)


# ---------------------------------------------------------- the scenarios
# Each returns what the server answered: (("stream", CODE) | ("nack", n) |
# ("endnack", n) | ("endack", None), field or None).

def stream_status(s):
    _, code, _, field = s.close()
    return ("stream", code), field


def opened(w, sid=None, credential=None, **protocol):
    """A stream whose header was acknowledged."""
    s = w.stream(credential)
    s.send(header(sid or w.session_id(), w.episode, **protocol))
    r = s.recv()
    assert r is not None and r.HasField("header_ack"), r
    return s


def nack_of(s, message):
    s.send(message)
    r = s.recv()
    assert r is not None and r.HasField("chunk_nack"), r
    s.close()
    return ("nack", r.chunk_nack.code), None


def not_a_header_first(w):
    answers = []
    s = w.stream()
    s.send(chunk(0))
    answers.append(stream_status(s))
    s = opened(w)
    s.send(header(w.session_id(), w.episode))
    answers.append(stream_status(s))
    s = opened(w)
    s.send(session_pb2.UploadSessionRequest())
    answers.append(stream_status(s))
    assert len(set(answers)) == 1, answers
    return answers[0]


def undecodable(w):
    s = w.stream(raw=True)
    s.send(header(w.session_id(), w.episode).SerializeToString())
    assert s.recv() is not None
    s.send(b"\xff\xff\xff")
    return stream_status(s)


def bad_header_field(w):
    s = w.stream()
    s.send(header("has a space", w.episode))
    return stream_status(s)


def beyond_plan(w):
    s = w.stream()
    s.send(header(w.session_id(), w.episode, max_force_newtons=445))  # plan 400 + 10 % = 440
    return stream_status(s)


def missing_or_other_clinics_episode(w):
    missing = w.stream()
    missing.send(header(w.session_id(), "ep_" + "0" * 32))
    theirs = w.stream()
    theirs.send(header(w.session_id(), w.other_episode))
    _, code_m, words_m, _ = missing.close()
    _, code_t, words_t, _ = theirs.close()
    assert code_m == code_t and words_m.replace("ep_" + "0" * 32, w.other_episode) == words_t, \
        (words_m, words_t)
    return ("stream", code_t), None


def closed_episode(w):
    episode = w.new_episode(w.clinic, "closing")
    episode_pb2_grpc.EpisodeServiceStub(w.staff).CloseEpisode(episode_pb2.CloseEpisodeRequest(
        episode_id=episode, reason=episode_pb2.CLOSE_REASON_COMPLETED), timeout=TIMEOUT_S)
    s = w.stream()
    s.send(header(w.session_id(), episode))
    return stream_status(s)


def finished_session(w):
    sid = w.session_id()
    s = opened(w, sid)
    s.send(chunk(0)).send(end(1))
    s.close()
    again = w.stream()
    again.send(header(sid, w.episode))
    return stream_status(again)


def same_id_other_start(w):
    sid = w.session_id()
    s = opened(w, sid)
    s.send(chunk(0))
    s.close()
    again = w.stream()
    again.send(header(sid, w.episode, start=NOW - datetime.timedelta(hours=2)))
    return stream_status(again)


def too_many_streams(w):
    held = [opened(w) for _ in range(w.limits.max_streams_per_device)]
    s = w.stream()
    s.send(header(w.session_id(), w.episode))
    answer = stream_status(s)
    for h in held:
        h.close()
    return answer


def above_transport_limit(w):
    s = opened(w)
    s.send(session_pb2.UploadSessionRequest(chunk=session_pb2.TelemetryChunk(
        seq=0, offset_ms=[1000] * (1 << 19))))  # 2 bytes a sample: > 1 MiB
    return stream_status(s)


def above_chunk_limit(w):
    return nack_of(opened(w), chunk(0, n=w.limits.max_samples_per_chunk + 1))


def seq_too_large(w):
    return nack_of(opened(w), chunk(10_000_000, n=1, first_ms=0))


def bad_samples(w):
    c = chunk(0)
    del c.chunk.measured_force_dn[-1]  # columns of different lengths
    return nack_of(opened(w), c)


def overlapping_chunks(w):
    s = opened(w)
    s.send(chunk(0))
    assert s.recv().HasField("chunk_ack")
    return nack_of(s, chunk(1, first_ms=0))


def other_content(w):
    s = opened(w)
    s.send(chunk(0))
    assert s.recv().HasField("chunk_ack")
    return nack_of(s, chunk(0, force_dn=3800))


def too_many_above_a_gap(w):
    s = opened(w)
    above = 4096
    for seq in range(1, above + 1):
        s.send(chunk(seq, n=1))
    for _ in range(above):
        r = s.recv()
        assert r is not None and r.HasField("chunk_ack"), r
    return nack_of(s, chunk(above + 1, n=1))


def finalized_under_a_second_stream(w):
    """Two streams of one session (a table resuming while its old stream
    lingers): the first finalizes it. The second stream, and the EndAck."""
    sid = w.session_id()
    first = opened(w, sid)
    second = opened(w, sid)
    first.send(chunk(0)).send(end(1))
    assert first.recv().HasField("chunk_ack")
    stored = first.recv()
    assert stored is not None and stored.HasField("end_ack"), stored
    first.close()
    return second, stored


def chunk_of_finalized(w):
    second, _ = finalized_under_a_second_stream(w)
    return nack_of(second, chunk(1))


def end_with_gaps(w):
    s = opened(w)
    for seq in (0, 2, 5):
        s.send(chunk(seq))
        assert s.recv().HasField("chunk_ack")
    s.send(end(8))
    r = s.recv()
    assert r is not None and r.HasField("end_nack"), r
    subjects = [v.subject for v in r.end_nack.missing.violations]
    assert subjects == ["seq:1", "seq:3-4", "seq:6-7"], subjects
    for seq in (1, 3, 4, 6, 7):  # the stream goes on
        s.send(chunk(seq))
        assert s.recv().HasField("chunk_ack")
    s.send(end(8))
    assert s.recv().HasField("end_ack")
    s.close()
    return ("endnack", r.end_nack.code), None


def end_below_stored(w):
    s = opened(w)
    s.send(chunk(0)).send(chunk(1)).send(end(1))
    return stream_status(s)


def end_again(w):
    # A finalized session refuses a new header (above); an end sent again
    # on a stream opened before the finalizing one ended is acknowledged
    # with the stored session.
    second, stored = finalized_under_a_second_stream(w)
    second.send(end(1))
    again = second.recv()
    second.close()
    assert again is not None and again.HasField("end_ack"), again
    assert again.end_ack.session == stored.end_ack.session, (again, stored)
    return ("endack", None), None


def half_close(w):
    s = opened(w)
    s.send(chunk(0))
    return stream_status(s)


def revoked(w):
    credential, device_id = w.enroll("CONF-REVOKED")
    s = opened(w, credential=credential)
    s.send(chunk(0))
    assert s.recv().HasField("chunk_ack")
    w.admin.RevokeDevice(device_pb2.RevokeDeviceRequest(device_id=device_id), timeout=TIMEOUT_S)
    # The table sends nothing more and does not half-close: the server ends
    # the stream (were it to wait for a message, this read would reach the
    # call's deadline and the code would be DEADLINE_EXCEEDED).
    assert s.recv() is None
    return stream_status(s)


SCENARIOS = {
    "first message is not a header; a second header on the stream; a message with nothing set":
        not_a_header_first,
    "bytes that do not parse as `UploadSessionRequest`": undecodable,
    "header field invalid (ids, protocol out of range, times)": bad_header_field,
    "protocol beyond the episode plan's maximum force (+10 %)": beyond_plan,
    "episode missing, or of another clinic": missing_or_other_clinics_episode,
    "episode closed (new session)": closed_episode,
    "session already finalized": finished_session,
    "same session id with another episode, protocol or start time": same_id_other_start,
    "too many streams for this device (`max_streams_per_device`) or the server "
    "(`--max_upload_streams`)": too_many_streams,
    "a message larger than the port's transport limit (`--device_max_receive_message_bytes`, "
    "1 MiB by default)": above_transport_limit,
    "a chunk larger than `max_message_bytes` (256 KiB) or with more than "
    "`max_samples_per_chunk` (4096) samples": above_chunk_limit,
    "`seq` ≥ 10,000,000": seq_too_large,
    "columns of different lengths, a sample out of range (force 0..device max, target ≤ "
    "protocol max × 1.05, angle 0..30°, offset 0..3 × planned minutes), offsets not strictly "
    "increasing, unknown flag bits or event kinds, events outside the chunk's span": bad_samples,
    "a chunk that does not start after the previous seq's last offset (or end before the "
    "next's first)": overlapping_chunks,
    "a stored seq sent again with other content": other_content,
    "4096 chunks stored above a missing one": too_many_above_a_gap,
    "a chunk of a finalized session": chunk_of_finalized,
    "end with chunks missing below `chunk_count`": end_with_gaps,
    "end whose `chunk_count` is below what is stored": end_below_stored,
    "end again after finalizing, with the same outcome and count": end_again,
    "half-close without an end": half_close,
    "device revoked while streaming": revoked,
}

# Rows a client cannot provoke on demand, and where they are tested instead.
NOT_PROVOKED = {
    "the same seq still being written from another stream":
        "needs a write in flight on another stream at that instant: "
        "device_gateway/uploads_test.cc",
}


def resume_rule(w):
    """The same header resumes, with the start time kept to the millisecond."""
    sid = w.session_id()
    start = NOW.replace(microsecond=123456) - datetime.timedelta(hours=1)
    s = w.stream()
    s.send(header(sid, w.episode, start=start))
    assert s.recv().HasField("header_ack")
    s.send(chunk(0)).send(chunk(1))
    assert s.recv().HasField("chunk_ack") and s.recv().HasField("chunk_ack")
    s.close()
    kept_ms = start.replace(microsecond=123000)
    s = w.stream()
    s.send(header(sid, w.episode, start=kept_ms))
    r = s.recv()
    assert r is not None and r.HasField("header_ack") and r.header_ack.next_seq == 2, r
    assert r.header_ack.session_id == sid and r.header_ack.server_session_id.startswith("ss_"), r
    s.close()


def main(page_path, device_address, staff_address, admin_key_file):
    markdown = open(page_path, encoding="utf-8").read()
    with open(admin_key_file) as f:
        admin_key = f.readline().strip()
    w = World(device_address, staff_address, admin_key)

    for name in ("max_samples_per_chunk", "max_streams_per_device"):
        documented = limit_in_page(markdown, name)
        served = getattr(w.limits, name)
        assert documented == served, f"{name}: the page says {documented}, GetUploadLimits {served}"

    failures = []
    rows = fault_table(markdown)
    faults = {fault for fault, _ in rows}
    for fault in set(SCENARIOS) - faults:
        failures.append(f"scenario without a row on the page: {fault!r}")
    for fault, answer in rows:
        want, want_field = expected(answer)
        if fault in NOT_PROVOKED:
            print(f"not provoked here: {fault} ({NOT_PROVOKED[fault]})")
            continue
        if fault not in SCENARIOS:
            failures.append(f"row without a scenario: {fault!r}")
            continue
        got, field = SCENARIOS[fault](w)
        ok = got == want and (want_field is None or (field or "").startswith(want_field))
        print(f"{'ok  ' if ok else 'FAIL'} {fault[:70]:70} page {want} {want_field or ''}"
              f" | got {got} {field or ''}")
        if not ok:
            failures.append(fault)
    resume_rule(w)
    print(f"{len(rows)} rows, {len(failures)} failures")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
