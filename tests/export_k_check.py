#!/usr/bin/env python3
"""Checks k-anonymity of an export release, file by file, over what each
file shows -- written apart from the exporter (shares no code with it), as an
analyst or a privacy officer would check a release.

  export_k_check.py --dir=DIR --k=K --format=csv|fhir

CSV: episodes.csv classes over (age_band, sex, zip3, condition), counted in
distinct subjects; observations.csv, items.csv and sessions.csv show no quasi-identifier, only
subjects that episodes.csv holds.

FHIR: Patient.ndjson classes over what a Patient shows (gender, postal code,
an age band if it shows one; birth dates and identifiers must be absent); EpisodeOfCare.ndjson over
its age band; Condition.ndjson over its code; and the join of the three over
(age band, gender, postal code, condition) -- every class at least K
distinct patients. Observation.ndjson and Procedure.ndjson reference only
exported Patients.

Prints each file's smallest class; exits 1 on a violation.
"""
import argparse
import collections
import csv
import json
import os
import sys


def smallest(classes):
    return min((len(v) for v in classes.values()), default=0)


def check(name, classes, k, failures):
    low = smallest(classes)
    print(f"{name}: {len(classes)} classes, smallest {low}")
    for key, members in classes.items():
        if len(members) < k:
            failures.append(f"{name}: class {key} holds {len(members)} < k={k}")


def check_csv(d, k, failures):
    classes = collections.defaultdict(set)
    subjects = set()
    with open(os.path.join(d, "episodes.csv"), newline="") as f:
        for row in csv.DictReader(f):
            classes[(row["age_band"], row["sex"], row["zip3"], row["condition"])].add(row["subject_id"])
            subjects.add(row["subject_id"])
    check("episodes.csv", classes, k, failures)
    for name in ("observations.csv", "items.csv", "sessions.csv"):
        with open(os.path.join(d, name), newline="") as f:
            reader = csv.DictReader(f)
            shown = set(reader.fieldnames) & {"age_band", "sex", "zip3", "condition", "birth_date"}
            if shown:
                failures.append(f"{name} shows quasi-identifiers {sorted(shown)}")
            for row in reader:
                if row["subject_id"] not in subjects:
                    failures.append(f"{name}: subject {row['subject_id']} not in episodes.csv")
                    break


def lines(d, name):
    with open(os.path.join(d, name)) as f:
        return [json.loads(line) for line in f if line.strip()]


def extension(resource, suffix):
    for e in resource.get("extension", []):
        if e["url"].endswith(suffix):
            return e.get("valueString")
    return None


def check_fhir(d, k, failures):
    patients = {}
    by_patient = collections.defaultdict(set)
    for p in lines(d, "Patient.ndjson"):
        for forbidden in ("birthDate", "name", "telecom", "identifier"):
            if forbidden in p:
                failures.append(f"Patient {p['id']} shows {forbidden}")
        zips = [a.get("postalCode") for a in p.get("address", [])]
        # Whatever a Patient shows is in its class (an age band, if any).
        key = (p.get("gender"), tuple(zips), extension(p, "age-band"))
        patients[p["id"]] = key
        by_patient[key].add(p["id"])
    check("Patient.ndjson", by_patient, k, failures)

    conditions = {}
    by_code = collections.defaultdict(set)
    for c in lines(d, "Condition.ndjson"):
        code = tuple(x["code"] for x in c["code"]["coding"])
        subject = c["subject"]["reference"].removeprefix("Patient/")
        conditions[c["id"]] = code
        by_code[code].add(subject)
    check("Condition.ndjson", by_code, k, failures)

    joined = collections.defaultdict(set)
    by_band = collections.defaultdict(set)
    for e in lines(d, "EpisodeOfCare.ndjson"):
        subject = e["patient"]["reference"].removeprefix("Patient/")
        band = extension(e, "age-band")
        by_band[band].add(subject)
        if subject not in patients:
            failures.append(f"EpisodeOfCare {e['id']}: patient {subject} not in Patient.ndjson")
            continue
        codes = tuple(conditions.get(x["condition"]["reference"].removeprefix("Condition/"), ("?",))
                      for x in e.get("diagnosis", []))
        joined[(band, patients[subject], codes)].add(subject)
    check("EpisodeOfCare.ndjson", by_band, k, failures)
    check("EpisodeOfCare + Patient + Condition", joined, k, failures)

    for name in ("Observation.ndjson", "Procedure.ndjson"):
        for o in lines(d, name):
            subject = o["subject"]["reference"].removeprefix("Patient/")
            if subject not in patients:
                failures.append(f"{name} {o['id']}: subject {subject} not in Patient.ndjson")
                break


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--format", choices=["csv", "fhir"], required=True)
    args = ap.parse_args()
    failures = []
    (check_csv if args.format == "csv" else check_fhir)(args.dir, args.k, failures)
    for f in failures[:20]:
        print("VIOLATION:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
