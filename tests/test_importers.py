import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import F

from centers.importers import ImportFileError, import_samhsa_file
from centers.models import Facility, Service
from centers.normalize import normalize_url, split_phones
from centers.vocabulary import Operator, Source
from tests.conftest import export_row, make_facility, write_export

pytestmark = pytest.mark.django_db


def test_import_creates_facilities_with_services_and_normalized_values(tmp_path):
    path = write_export(
        tmp_path / "export.csv",
        [export_row(phone="(404)555-0123 Intake: (404)555-0199", oit="1", bu="1", pvtn="1", zip="3303")],
        codes=("op", "oit", "md", "bu", "pvtn"),
    )
    result = import_samhsa_file(path)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 0, 0, [])
    facility = Facility.objects.get()
    assert facility.source == Source.SAMHSA and len(facility.source_id) == 20
    assert facility.phone == "(404) 555-0123"
    assert facility.intake_phone == "(404) 555-0199"
    assert facility.website == "http://www.harborlight.example.org"
    assert facility.zip_code == "03303"  # a spreadsheet had dropped the leading zero
    assert facility.operator == Operator.NON_PROFIT
    assert facility.service_codes() == {"OP", "OIT", "MD", "BU", "PVTN"}
    assert facility.imported_at is not None and facility.last_verified_at is None


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row(), export_row(name1="Second Place", street1="9 Elm St")])
    import_samhsa_file(path)
    before = list(Facility.objects.order_by("pk").values())
    result = import_samhsa_file(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Facility.objects.order_by("pk").values()) == before


def test_reimport_updates_source_changes_but_keeps_local_edits(tmp_path):
    import_samhsa_file(write_export(tmp_path / "v1.csv", [export_row(op="1", md="1")]))
    facility = Facility.objects.get()
    # Staff fix the phone and remove Medicaid in Finder.
    facility.phone = "(404) 555-0150"
    facility.save()
    facility.services.remove("MD")

    v2 = export_row(
        phone="(404)555-0177", city="Atlanta ", website="https://harborlight.example.org", op="1", md="1", bu="1"
    )
    result = import_samhsa_file(write_export(tmp_path / "v2.csv", [v2]))
    facility.refresh_from_db()
    assert result.updated == 1 and result.kept_local_edits == 1
    assert facility.phone == "(404) 555-0150"  # the local edit wins
    assert facility.website == "https://harborlight.example.org"  # an unedited field follows the source
    assert facility.service_codes() == {"OP", "BU"}  # Medicaid stays removed; the new BU arrives
    assert Facility.objects.count() == 1


def test_a_code_the_source_drops_is_removed_and_the_search_flags_follow(tmp_path):
    codes = ("op", "md", "bu")
    import_samhsa_file(write_export(tmp_path / "v1.csv", [export_row(op="1", md="1", bu="1")], codes=codes))
    assert Facility.objects.with_medications(["buprenorphine"]).count() == 1

    result = import_samhsa_file(write_export(tmp_path / "v2.csv", [export_row(op="1", md="1")], codes=codes))
    assert result.updated == 1
    assert Facility.objects.get().service_codes() == {"OP", "MD"}
    assert Facility.objects.with_medications(["buprenorphine"]).count() == 0


def test_bad_rows_are_rejected_with_line_numbers_and_good_rows_still_import(tmp_path):
    rows = [
        export_row(name1="Good One"),
        export_row(name1=""),
        export_row(name1="Bad State", state="ZZ"),
        export_row(name1="Bad Zip", zip="ABCDE"),
        export_row(name1="Lost", zip="00000", latitude="abc", longitude=""),
        export_row(name1="Good Two", street1="5 Oak St"),
    ]
    result = import_samhsa_file(write_export(tmp_path / "export.csv", rows))
    assert result.created == 2
    assert [line for line, _ in result.rejected] == [3, 4, 5, 6]
    reasons = " ".join(reason for _, reason in result.rejected)
    assert "name1" in reasons and "unknown state 'ZZ'" in reasons and "not 5 digits" in reasons
    assert "no usable coordinates" in reasons
    assert set(Facility.objects.values_list("name", flat=True)) == {"Good One", "Good Two"}


def test_bad_coordinates_fall_back_to_the_zip_center(tmp_path):
    rows = [export_row(latitude="999", longitude="-84.39"), export_row(name1="Zero", latitude="0", longitude="0")]
    result = import_samhsa_file(write_export(tmp_path / "export.csv", rows))
    assert result.created == 2 and len(result.warnings) == 2
    for facility in Facility.objects.all():
        assert 33 < facility.latitude < 34.5


def test_exact_duplicate_rows_are_skipped_and_same_address_programs_kept(tmp_path):
    rows = [export_row(), export_row(), export_row(phone="(404)555-0188", oit="1")]
    result = import_samhsa_file(write_export(tmp_path / "export.csv", rows))
    assert result.created == 2
    assert result.duplicates == [(3, "exact duplicate of line 2; skipped")]
    assert "kept as a separate listing" in result.warnings[0][1]
    assert import_samhsa_file(write_export(tmp_path / "export.csv", rows)).unchanged == 2


def test_rows_with_the_wrong_number_of_cells_are_rejected(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row()])
    with path.open("a") as file:
        file.write("Short Row,,1 Main St,,Atlanta,GA\n")
    result = import_samhsa_file(path)
    assert result.created == 1 and "header has" in result.rejected[0][1]


def test_unknown_codes_are_kept_not_dropped(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row(zz9="1", f42="1")], codes=("op", "zz9", "f42"))
    result = import_samhsa_file(path)
    assert result.unknown_codes == {"ZZ9", "F42"}
    assert Service.objects.get(code="ZZ9").label == "Service code ZZ9"
    assert Service.objects.get(code="F42").category == "language"
    assert Facility.objects.get().service_codes() == {"OP", "ZZ9", "F42"}


def test_non_utf8_bytes_are_read_as_windows_1252_with_a_warning(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row(name1="Cafe Recovery")])
    path.write_bytes(path.read_bytes().replace(b"Cafe", b"Caf\xe9"))
    result = import_samhsa_file(path)
    assert Facility.objects.get().name == "Café Recovery"
    assert result.warnings == [(2, "not valid UTF-8; read as Windows-1252, check accents in this row")]


def test_empty_file_changes_nothing(tmp_path, detox_atlanta):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="is empty"):
        import_samhsa_file(path)
    assert list(Facility.objects.all()) == [detox_atlanta]


def test_missing_columns_change_nothing(tmp_path, demo_center):
    path = tmp_path / "wrong.csv"
    path.write_text("name,address\nSomewhere,1 Main St\n")
    with pytest.raises(ImportFileError, match="missing column"):
        import_samhsa_file(path)
    assert list(Facility.objects.all()) == [demo_center]  # not even the demo data was removed


def test_import_removes_demo_facilities_unless_asked_to_keep_them(tmp_path, demo_center):
    path = write_export(tmp_path / "export.csv", [export_row()])
    result = import_samhsa_file(path, remove_demo=False)
    assert result.demo_removed == 0 and Facility.objects.demo().exists()
    result = import_samhsa_file(path)
    assert result.demo_removed == 1 and not Facility.objects.demo().exists()


def test_manually_added_facilities_are_never_touched(tmp_path):
    mine = make_facility(name="Harbor Light Recovery", source=Source.FINDER)
    import_samhsa_file(write_export(tmp_path / "export.csv", [export_row()]))
    assert Facility.objects.count() == 2
    mine.refresh_from_db()
    assert mine.source == Source.FINDER


def test_command_prints_a_summary(tmp_path, capsys):
    path = write_export(tmp_path / "export.csv", [export_row(), export_row(name1="", street1="x")])
    call_command("import_samhsa", str(path))
    output = capsys.readouterr().out
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 0 duplicate rows skipped, 1 rejected" in output
    assert "line 3: name1 (the facility name) is empty" in output


def test_command_fails_clearly_on_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_samhsa", str(tmp_path / "missing.csv"))


def test_phone_and_url_normalization():
    assert split_phones("(334)428-5050 Intake: (334)428-5040") == ("(334) 428-5050", "(334) 428-5040")
    assert split_phones("334.428.5050 x12") == ("(334) 428-5050 ext. 12", "")
    assert split_phones("call us") == ("", "")
    assert normalize_url("example.org/help") == "http://example.org/help"
    with pytest.raises(ValidationError):
        normalize_url("not a url at all")


def test_real_national_export_imports_with_the_documented_counts(shared_export, tmp_path):
    result = import_samhsa_file(shared_export)
    assert result.rows == 11928 and result.rejected == []
    assert Facility.objects.count() == 11928 - len(result.duplicates)
    links = Facility.services.through.objects
    documented = {
        "OP": 9831, "ORT": 9176, "OIT": 5577, "RES": 2872, "RL": 2317, "DT": 2290, "RS": 1497, "ODT": 1478,
        "OD": 1240, "RD": 783, "HID": 514, "BU": 2784, "MM": 1099, "VTRL": 1646, "MD": 7107, "PI": 7944,
    }  # fmt: skip
    assert {code: links.filter(service_id=code).count() for code in documented} == documented
    states = set(Facility.objects.values_list("state", flat=True))
    assert len(states) == 56
    again = import_samhsa_file(shared_export)
    assert (again.created, again.updated) == (0, 0)
    header, *rows = shared_export.read_text(encoding="utf-8").splitlines(keepends=True)
    reversed_file = tmp_path / "reversed.csv"
    reversed_file.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    reordered = import_samhsa_file(reversed_file)
    assert (reordered.created, reordered.updated, reordered.rekeyed, reordered.unchanged) == (0, 0, 0, 11928)


# Keys that do not depend on row order (issue 7, item 7) --------------------------------------

SHARED_ADDRESS = [  # three different programs under one name and address, as in the national file
    export_row(phone="(404)555-0101", oit="1"),
    export_row(phone="(404)555-0102", bu="1"),
    export_row(phone="(404)555-0103", md="0"),
]


def test_keys_for_programs_at_one_address_do_not_depend_on_row_order(tmp_path):
    import_samhsa_file(write_export(tmp_path / "forward.csv", SHARED_ADDRESS))
    keys = dict(Facility.objects.values_list("phone", "source_id"))
    result = import_samhsa_file(write_export(tmp_path / "reversed.csv", SHARED_ADDRESS[::-1]))
    assert (result.created, result.updated, result.unchanged, result.rekeyed) == (0, 0, 3, 0)
    assert dict(Facility.objects.values_list("phone", "source_id")) == keys
    Facility.objects.all().delete()
    import_samhsa_file(write_export(tmp_path / "reversed.csv", SHARED_ADDRESS[::-1]))
    assert dict(Facility.objects.values_list("phone", "source_id")) == keys  # a fresh import agrees


def test_facilities_keyed_by_row_position_are_matched_by_content_on_reimport(tmp_path):
    """Databases imported before keys were order-independent hold "<key>", "<key>-2", "<key>-3"."""
    path = write_export(tmp_path / "export.csv", SHARED_ADDRESS)
    import_samhsa_file(path)
    base_key = Facility.objects.values_list("source_id", flat=True).first()[:20]
    Facility.objects.update(source_id=F("phone"))  # out of the way first: the keys are unique
    for suffix, phone in (("", "(404) 555-0103"), ("-2", "(404) 555-0101"), ("-3", "(404) 555-0102")):
        Facility.objects.filter(phone=phone).update(source_id=base_key + suffix)
    before = dict(Facility.objects.values_list("pk", "updated_at"))
    result = import_samhsa_file(path)
    assert (result.created, result.updated, result.unchanged, result.rekeyed) == (0, 0, 3, 3)
    assert dict(Facility.objects.values_list("pk", "updated_at")) == before
    assert all(len(key) == 33 for key in Facility.objects.values_list("source_id", flat=True))
    assert import_samhsa_file(path).rekeyed == 0


def test_a_program_that_changed_at_a_shared_address_is_updated_not_duplicated(tmp_path):
    import_samhsa_file(write_export(tmp_path / "v1.csv", SHARED_ADDRESS))
    changed = [*SHARED_ADDRESS[:2], {**SHARED_ADDRESS[2], "website": "https://new.example.org"}]
    result = import_samhsa_file(write_export(tmp_path / "v2.csv", changed))
    assert (result.created, result.updated, result.unchanged, result.not_in_file) == (0, 1, 2, 0)
    assert Facility.objects.get(phone="(404) 555-0103").website == "https://new.example.org"
    assert import_samhsa_file(write_export(tmp_path / "v2.csv", changed)).unchanged == 3


def test_a_second_program_joining_an_address_keeps_the_first_facility(tmp_path):
    import_samhsa_file(write_export(tmp_path / "v1.csv", SHARED_ADDRESS[:1]))
    first = Facility.objects.get()
    result = import_samhsa_file(write_export(tmp_path / "v2.csv", SHARED_ADDRESS[:2]))
    assert (result.created, result.unchanged, result.rekeyed, result.not_in_file) == (1, 1, 1, 0)
    assert Facility.objects.get(phone="(404) 555-0101").pk == first.pk


# A quote that is never closed (issue 7, item 7) ----------------------------------------------


def test_an_unterminated_quote_is_rejected_at_its_line_and_the_rows_after_it_import(tmp_path):
    rows = [export_row(name1=f"Program {number}", street1=f"{number} Main St") for number in range(1, 7)]
    path = write_export(tmp_path / "export.csv", rows)
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("Program 2", '"Program 2', 1)  # line 3 opens a quote it never closes
    path.write_text("".join(lines))
    result = import_samhsa_file(path)
    assert result.rows == 6 and result.created == 5
    assert result.rejected == [(3, "a quote opened on this line is never closed (the row ran on to line 7)")]
    assert set(Facility.objects.values_list("name", flat=True)) == {f"Program {n}" for n in (1, 3, 4, 5, 6)}


def test_a_quote_closed_by_a_later_row_does_not_swallow_the_rows_between(tmp_path):
    rows = [export_row(name1=f"Program {number}", street1=f"{number} Main St") for number in range(1, 7)]
    rows[4]["name2"] = "Quoted, with a comma"
    path = write_export(tmp_path / "export.csv", rows)
    text = path.read_text().replace("Program 2", '"Program 2', 1)  # closed only by line 6's quote
    path.write_text(text)
    result = import_samhsa_file(path)
    assert [line for line, _ in result.rejected] == [3]
    assert "line 6" in result.rejected[0][1]
    assert Facility.objects.count() == 5 and Facility.objects.get(name="Program 5").name2 == "Quoted, with a comma"


def test_a_quote_left_open_on_the_last_line_is_reported(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row(), export_row(name1="Last", street1="2 Main St")])
    path.write_text(path.read_text().replace("Last", '"Last'))
    result = import_samhsa_file(path)
    assert result.created == 1 and result.rejected[0][0] == 3 and "never closed" in result.rejected[0][1]


def test_a_line_break_inside_quotes_is_one_row_with_a_warning(tmp_path):
    path = write_export(tmp_path / "export.csv", [export_row(street2="Suite\n200"), export_row(name1="Next")])
    result = import_samhsa_file(path)
    assert result.created == 2 and result.rejected == []
    assert result.warnings == [(2, "a quoted value runs over lines 2-3")]
    assert Facility.objects.get(name="Harbor Light Recovery").street2 == "Suite 200"


def test_a_header_with_a_quote_never_closed_changes_nothing(tmp_path, demo_center):
    path = write_export(tmp_path / "export.csv", [export_row()])
    path.write_text('"' + path.read_text())
    with pytest.raises(ImportFileError, match="header row"):
        import_samhsa_file(path)
    assert list(Facility.objects.all()) == [demo_center]


def test_command_reports_the_line_of_an_unterminated_quote(tmp_path, capsys):
    path = write_export(tmp_path / "export.csv", [export_row(name1="One"), export_row(name1="Two", street1="2 Elm")])
    path.write_text(path.read_text().replace("One", '"One'))
    call_command("import_samhsa", str(path))
    output = capsys.readouterr().out
    assert "2 rows: 1 created" in output and "1 rejected" in output
    assert "line 2: a quote opened on this line is never closed" in output


# Read and write in one transaction (issue 7, item 7) -----------------------------------------


# serialized_rollback: the flush after the test must not leave later tests without the Service rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_committed_while_an_import_compares_is_not_overwritten(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks and a second connection need PostgreSQL")
    import_samhsa_file(write_export(tmp_path / "v1.csv", [export_row()]))
    facility = Facility.objects.get()
    editor = ConcurrentEdit(facility.pk, phone="(404) 555-0150")

    def progress(message):
        if message.endswith("writing"):  # the import has read the facility and decided what to write
            editor.start_and_wait_until_done_or_blocked()

    v2 = export_row(website="https://harborlight.example.org")  # the source changes another field
    result = import_samhsa_file(write_export(tmp_path / "v2.csv", [v2]), progress=progress)
    editor.join()
    facility.refresh_from_db()
    assert result.updated == 1
    assert facility.phone == "(404) 555-0150"  # the colleague's edit survives
    assert facility.website == "https://harborlight.example.org"  # and so does the import's change
    assert import_samhsa_file(write_export(tmp_path / "v2.csv", [v2])).kept_local_edits == 0
    facility.refresh_from_db()
    assert facility.phone == "(404) 555-0150"


class ConcurrentEdit:
    """A colleague saving one field from another connection, in a thread."""

    def __init__(self, pk, **changes):
        import threading

        self.pk, self.changes, self.backend_pid, self.error = pk, changes, None, None
        self.thread = threading.Thread(target=self.run)
        self.started = threading.Event()

    def run(self):
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend_pid = cursor.fetchone()[0]
            self.started.set()
            Facility.objects.filter(pk=self.pk).update(**self.changes)  # autocommit: saved at once
        except Exception as error:  # reported by join()
            self.error = error
            self.started.set()
        finally:
            connection.close()

    def start_and_wait_until_done_or_blocked(self):
        """Return once the edit is committed, or is waiting for a lock the import holds."""
        import time

        from django.db import connection

        self.thread.start()
        assert self.started.wait(30)
        deadline = time.monotonic() + 30
        while self.thread.is_alive() and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [self.backend_pid]
                )
                if cursor.fetchone()[0]:
                    return
            time.sleep(0.01)
        assert not self.thread.is_alive(), "the edit neither finished nor waited for a lock"

    def join(self):
        self.thread.join(30)
        assert not self.thread.is_alive() and self.error is None, self.error
