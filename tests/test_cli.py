"""`crmcanvas check` and `crmcanvas demo`: exit codes, text and JSON output, the same source as the dashboard,
messages that know they are read in a terminal, and a terminal that never sees a traceback."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from crmcanvas.cli import COMMANDS, build_parser, main
from crmcanvas.standin import StandIn
from tests.fixtures_cli import run_cli
from tests.fixtures_sheets import CANVAS, key_body, service_account_info
from tests.fixtures_workbook import demo_workbook

pytestmark = pytest.mark.usefixtures("work")  # each test in an empty folder with an empty home

ROOT = Path(__file__).resolve().parents[1]
CANVAS_COUNTS = {"enjeux": 2, "besoins": 3, "donnees": 2, "applications": 1, "personnes": 2, "roles": 2, "checklist": 0, "editeurs": 0, "integrateurs": 0}




def write_secrets(folder: Path, *lines: str) -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def demo_xlsx(tmp_path):
    return demo_workbook(tmp_path / "canevas.xlsx")


# ---------------------------------------------------------------------- check: results and exit codes


def test_demo_writes_a_workbook_with_the_six_tabs_and_the_checklist(tmp_path):
    demo_xlsx = tmp_path / "canevas.xlsx"
    assert main(["demo", "--out", str(demo_xlsx)]) == 0
    wb = openpyxl.load_workbook(demo_xlsx, read_only=True)
    assert wb.sheetnames == ["enjeux", "besoins", "données", "applications", "personnes", "rôles", "checklist", "éditeurs",
                             "intégrateurs"]


def test_check_clean_canvas_exits_0_with_a_readable_table(demo_xlsx, capsys):
    assert main(["check", str(demo_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "besoins 60" in out
    assert "Vouliez-vous dire « Donateur »" in out


def test_check_json_shape(demo_xlsx, capsys):
    assert main(["check", str(demo_xlsx), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"source", "counts", "findings", "metrics", "gaps"} <= set(payload)
    assert payload["counts"] == {"enjeux": 8, "besoins": 60, "donnees": 15, "applications": 15, "personnes": 25, "roles": 12,
                                 "checklist": 68, "editeurs": 171, "integrateurs": 60}
    finding = payload["findings"][0]
    assert set(finding) == {"severity", "code", "tab", "row", "column", "value", "message", "suggestion", "fix"}


def test_check_without_source_uses_the_demo(capsys):
    assert main(["check", "--format", "json"]) == 0
    assert "démonstration" in json.loads(capsys.readouterr().out)["source"]


def test_check_exits_1_when_the_canvas_has_errors(demo_xlsx, capsys):
    wb = openpyxl.load_workbook(demo_xlsx)
    wb["besoins"]["A3"] = "B001"  # duplicate ID
    wb["besoins"]["D4"] = "#REF!"
    wb.save(demo_xlsx)
    assert main(["check", str(demo_xlsx)]) == 1
    out = capsys.readouterr().out
    assert "duplicate_id" in out and "formula_error" in out


@pytest.mark.parametrize("content", [None, b"ID;Besoin\nB1;test\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600])
def test_check_exits_2_with_reason_when_source_unreadable(tmp_path, capsys, content):
    path = tmp_path / "canevas.xlsx"
    if content is not None:
        path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("crmcanvas : ") and "Traceback" not in captured.err


def test_check_exits_2_on_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "0")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "refresh_seconds" in err and "supérieur ou égal à 2" in err


def test_console_script_runs_as_a_real_process(demo_xlsx):
    done = run_cli("check", str(demo_xlsx), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["besoins"] == 60


# ---------------------------------------------------------------------- one resolution with the dashboard


def test_check_in_a_folder_whose_secrets_name_a_sheet_reads_that_sheet(work):
    """The dashboard's folder: .streamlit/secrets.toml names the sheet and holds the key. A cron job running
    `crmcanvas check` there must audit that sheet (it used to audit the demo canvas and exit 0)."""
    info = service_account_info("cron@atelier-crm.iam.gserviceaccount.com")
    with StandIn(auth="required") as sheets:
        key = sheets.add_spreadsheet(CANVAS)
        sheets.share(info["client_email"])
        write_secrets(work, "[connections.gsheets]", f"spreadsheet = {json.dumps(sheets.url())}",
                      *(f"{name} = {json.dumps(value)}" for name, value in info.items()))
        done = run_cli("check", "--format", "json", cwd=work, env={"CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint})
        reads = sheets.count("values.batchGet")
    assert done.returncode in (0, 1), done.stderr
    payload = json.loads(done.stdout)
    assert "Google Sheet" in payload["source"] and key in payload["source"]
    assert payload["counts"] == CANVAS_COUNTS
    has_errors = any(f["severity"] == "error" for f in payload["findings"])
    assert done.returncode == (1 if has_errors else 0)
    assert reads == 1
    assert key_body(info)[:40] not in done.stdout + done.stderr


def test_secrets_in_the_home_folder_are_read_too(work, tmp_path):
    """Streamlit also reads ~/.streamlit/secrets.toml; so does the command (the project's file wins)."""
    demo = demo_workbook(tmp_path / "maison.xlsx")
    write_secrets(tmp_path / "home", "[crmcanvas]", f"source = {json.dumps(str(demo))}")
    done = run_cli("check", "--format", "json", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "maison.xlsx" in json.loads(done.stdout)["source"]


@pytest.mark.parametrize("how", ["--config", "CRMCANVAS_CONFIG"])
def test_a_configuration_file_that_is_named_must_exist(work, capsys, monkeypatch, how):
    args = ["check", "--format", "json"]
    if how == "--config":
        args = ["--config", "canevas-prod.toml", *args]
    else:
        monkeypatch.setenv("CRMCANVAS_CONFIG", str(work / "canevas-prod.toml"))
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "canevas-prod.toml" in captured.err and how in captured.err and "introuvable" in captured.err


def test_config_option_is_checked_for_every_command(work, capsys):
    assert main(["--config", "absent.toml", "demo", "--out", "x.xlsx"]) == 2
    assert "absent.toml" in capsys.readouterr().err
    assert not (work / "x.xlsx").exists()


def test_config_option_is_read(work, tmp_path, capsys):
    demo = demo_workbook(tmp_path / "atelier.xlsx")
    (work / "prod.toml").write_text(f"source = {json.dumps(str(demo))}\n", encoding="utf-8")
    assert main(["--config", "prod.toml", "check", "--format", "json"]) == 0
    assert "atelier.xlsx" in json.loads(capsys.readouterr().out)["source"]


# ---------------------------------------------------------------------- messages for a command, not a dashboard


@pytest.mark.parametrize("how", ["argument", "env", "config", "secrets"])
def test_a_missing_workbook_names_where_its_path_came_from(work, capsys, monkeypatch, how):
    args = ["check"]
    if how == "argument":
        args.append("absent.xlsx")
        named = "l'argument de la commande"
    elif how == "env":
        monkeypatch.setenv("CRMCANVAS_SOURCE", "absent.xlsx")
        named = "la variable d'environnement CRMCANVAS_SOURCE"
    elif how == "config":
        (work / "prod.toml").write_text('source = "absent.xlsx"\n', encoding="utf-8")
        args = ["--config", "prod.toml", *args]
        named = f"« source » dans {work / 'prod.toml'}"
    else:
        secrets = write_secrets(work, "[crmcanvas]", 'source = "absent.xlsx"')
        named = f"les secrets Streamlit ([crmcanvas] source, {secrets})"
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "« absent.xlsx » est introuvable" in err
    assert f"il vient de {named}." in err
    assert f"dossier courant ({work})" in err  # worded for a command: relative to where it runs
    wrong = {"argument": "CRMCANVAS_SOURCE", "env": "argument", "config": "CRMCANVAS_SOURCE", "secrets": "config/canvas.toml"}
    assert wrong[how] not in err


def test_other_source_errors_say_which_source_was_tried_and_why(work, capsys, monkeypatch):
    (work / "abime.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("CRMCANVAS_SOURCE", "abime.xlsx")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "(source « abime.xlsx », donnée par la variable d'environnement CRMCANVAS_SOURCE)" in err


def test_the_same_error_reads_differently_on_the_dashboard(work):
    from crmcanvas.core.config import resolve
    from crmcanvas.sources import SpecError, open_source

    with pytest.raises(SpecError) as caught:
        open_source(resolve(source="absent.xlsx"))
    on_screen, in_terminal = caught.value.render("fr", "dashboard")[1], caught.value.render("fr", "cli")[1]
    assert "dossier courant" in in_terminal and "dossier courant" not in on_screen


# ---------------------------------------------------------------------- language


def test_check_speaks_english_when_the_language_setting_says_so(demo_xlsx, capsys, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    assert main(["check", str(demo_xlsx)]) == 0
    out = capsys.readouterr().out
    for heading in ("Source: ", "Rows: enjeux 8 · besoins 60", "Findings: 0 error(s), ", "SEVERITY", "METRICS", "CANVAS GAPS"):
        assert heading in out, heading
    assert "WARNING    unresolved_reference" in out
    assert "Did you mean “Donateur”" in out  # the findings themselves
    for french in ("Lignes :", "Constats :", "SÉVÉRITÉ", "ATTENTION", "Vouliez-vous dire", "TROUS DU CANEVAS"):
        assert french not in out, french


def test_errors_and_help_follow_the_language_too(monkeypatch, capsys):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    assert main(["check", "absent.xlsx"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmcanvas: The file “absent.xlsx” does not exist")
    assert "it comes from the command-line argument" in err
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: crmcanvas") and "show this help and exit" in out and "Exit codes:" in out
    assert "canevas" not in out.lower().replace("crmcanvas", "")


def test_french_help_by_default(capsys):
    assert main(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage : crmcanvas demo") and "options :" in out and "jamais remplacé sans --force" in out


def test_a_broken_configuration_is_explained_in_the_language_it_asked_for(work, capsys):
    (work / "prod.toml").write_text('language = "en"\nrefresh_seconds = 1\n', encoding="utf-8")
    assert main(["--config", "prod.toml", "check"]) == 2
    err = capsys.readouterr().err
    assert "“refresh_seconds”" in err and "must be greater than or equal to 2" in err


# ---------------------------------------------------------------------- demo never wipes a canvas


def test_demo_refuses_to_overwrite_an_existing_workbook(work, capsys):
    real = work / "canevas.xlsx"
    real.write_bytes(b"the real canvas of the workshop")
    assert main(["demo", "--out", "canevas.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "« canevas.xlsx » existe déjà" in err and "crmcanvas demo --out canevas.xlsx --force" in err
    assert real.read_bytes() == b"the real canvas of the workshop"

    assert main(["demo", "--out", "canevas.xlsx", "--force"]) == 0
    assert openpyxl.load_workbook(real, read_only=True).sheetnames[0] == "enjeux"


# ---------------------------------------------------------------------- the terminal never sees a traceback


def test_a_closed_pipe_ends_quietly():
    """`crmcanvas check | head`: the reader goes away before the output is written."""
    proc = subprocess.Popen([sys.executable, "-m", "crmcanvas.cli", "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == "", err


def test_a_closed_pipe_in_a_shell_pipeline():
    """`head -n 0` leaves at once, long before the command writes (it needs a second to start)."""
    command = f"{sys.executable} -m crmcanvas.cli check --format json | head -n 0; echo \"${{PIPESTATUS[0]}}\""
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stderr == "", done.stderr
    assert done.stdout.strip() == "141"


def test_ctrl_c_ends_quietly_with_130(work):
    """Interrupted while waiting for the source (a FIFO that nobody writes to, like a stuck network share)."""
    fifo = work / "bloque.xlsx"
    os.mkfifo(fifo)
    # As from a terminal, where Ctrl-C is live: a shell runs background jobs (a CI step, `./run_tests.sh &`) with
    # Ctrl-C ignored, and every process started from them inherits that (seen: the command never heard it)
    proc = subprocess.Popen([sys.executable, "-m", "crmcanvas.cli", "check", str(fifo)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while True:  # the FIFO opens for writing only once the command has opened it for reading: it is now waiting
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            assert exc.errno == errno.ENXIO and time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
    # Pressed while the command waits: blocked reading the FIFO (a signal landing in the microseconds between
    # Python's last look at signals and the read itself is only seen after the read; a second Ctrl-C ends it)
    while "pipe" not in Path(f"/proc/{proc.pid}/wchan").read_text():
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
        time.sleep(0.02)
    try:
        # Ctrl-C goes to any thread that does not hold it back: only the blocked main thread may take it
        # (a library thread taking it left the command hanging, once in ten runs)
        for task in Path(f"/proc/{proc.pid}/task").iterdir():
            held = int(re.search(r"SigBlk:\s*([0-9a-f]+)", (task / "status").read_text()).group(1), 16)
            if task.name != str(proc.pid):
                assert held & (1 << (signal.SIGINT - 1)), f"thread {(task / 'comm').read_text().strip()} can take Ctrl-C"
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # still running: where it hangs (faulthandler dumps every thread on SIGABRT)
            proc.send_signal(signal.SIGABRT)
            raise AssertionError(f"no exit 60 s after Ctrl-C:\n{proc.communicate(timeout=30)[1].decode(errors='replace')}") from None
    finally:
        os.close(writer)
    assert proc.returncode == 130
    assert out == b"" and b"Traceback" not in err and b"KeyboardInterrupt" not in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_file_name_that_is_not_utf8_gets_a_clear_message(work, fmt):
    """A Latin-1 file name (b"\\xe9" for é) under a strict UTF-8 terminal used to crash with a traceback."""
    name = b"canevas-\xe9t\xe9.xlsx"
    demo_workbook(os.fsdecode(os.fsencode(work) + b"/" + name))
    done = run_cli(b"check", name, b"--format", fmt.encode(), cwd=work, text=False,
                   env={"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"})
    err = done.stderr.decode("utf-8")  # the message itself is valid UTF-8
    assert done.returncode == 2, err
    assert done.stdout == b""
    assert "Traceback" not in err
    assert "canevas-\\xe9t\\xe9.xlsx" in err and "UTF-8" in err and "Renommez le fichier" in err


def test_demo_refuses_a_name_that_is_not_utf8(work):
    done = run_cli(b"demo", b"--out", b"d\xe9mo.xlsx", cwd=work, text=False,
                   env={"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"})
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert "d\\xe9mo.xlsx" in done.stderr.decode("utf-8")
    assert os.listdir(work) == []


def test_usage_errors_exit_2_without_traceback(capsys):
    assert main([]) == 2
    assert f"indiquez une commande : {', '.join(COMMANDS)}." in capsys.readouterr().err
    assert main(["check", "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage : crmcanvas check") and "crmcanvas : commande invalide" in err


def test_every_option_has_a_help_text():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for p in [parser, *commands.values()]:
        for action in p._actions:
            if action.dest != "command":  # the group of commands: each command has its own help
                assert action.help, (p.prog, action.dest)


# ---------------------------------------------------------------------- template and init


def test_template_writes_a_blank_canvas_and_never_replaces_a_file(work, capsys):
    assert main(["template", "--out", "atelier.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "Canevas vierge écrit dans atelier.xlsx" in out and "Mode d'emploi" in out
    names = openpyxl.load_workbook(work / "atelier.xlsx", read_only=True).sheetnames
    assert names[:2] == ["Mode d'emploi", "Enjeux"] and names[-1] == "Checklist"
    assert main(["check", "atelier.xlsx"]) == 0
    assert "example_row" in capsys.readouterr().out

    before = (work / "atelier.xlsx").read_bytes()
    assert main(["template", "--out", "atelier.xlsx", "--lang", "en"]) == 2
    assert "crmcanvas template --out atelier.xlsx --force" in capsys.readouterr().err
    assert (work / "atelier.xlsx").read_bytes() == before
    assert main(["template", "--out", "atelier.xlsx", "--lang", "en", "--force"]) == 0
    assert openpyxl.load_workbook(work / "atelier.xlsx", read_only=True).sheetnames[:2] == ["How to use", "Stakes"]


def test_init_on_a_workbook_then_again(work, capsys):
    from tests.fixtures_setup import TWO_MISSING
    from tests.fixtures_workbook import build_workbook

    build_workbook(work / "canevas.xlsx", TWO_MISSING)
    assert main(["init", "canevas.xlsx", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Simulation : " in out and "onglet « Personnes » ajouté" in out and "Rien n'a été écrit (--dry-run)" in out
    assert "onglet « Checklist » ajouté, avec ses 8 colonnes et les 66 lignes du modèle de checklist" in out
    assert openpyxl.load_workbook(work / "canevas.xlsx", read_only=True).sheetnames == list(TWO_MISSING)

    assert main(["init", "canevas.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "changement(s) appliqué(s) :" in out and "Relu : plus rien ne manque, le canevas est prêt." in out
    assert 'source = "canevas.xlsx" dans config/canvas.toml' in out
    assert main(["init", "canevas.xlsx"]) == 0
    assert "Rien à changer" in capsys.readouterr().out


def test_init_refuses_the_demo(capsys):
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    assert "canevas de démonstration" in err and "crmcanvas init URL" in err


def test_init_on_a_google_sheet_as_a_real_process(work):
    with StandIn() as sheets:
        sheets.add_spreadsheet({"Feuille 1": []})
        env = {"CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint, "CRMCANVAS_LANGUAGE": "en"}
        done = run_cli("init", sheets.url(), "--protect-ids", cwd=work, env=env)
        kinds = [r.kind for r in sheets.requests()]
        again = run_cli("init", sheets.url(), cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    assert kinds == ["metadata", "batchUpdate", "metadata"]
    assert "35 change(s) applied:" in done.stdout and "“Needs”: column “ID” protected" in done.stdout
    assert "Read back: nothing is missing any more" in done.stdout and f'source = "{sheets.url()}"' in done.stdout
    assert again.returncode == 0 and "Nothing to change" in again.stdout


def test_init_exits_1_when_the_read_back_still_misses_something(work, capsys, monkeypatch):
    with StandIn() as sheets:
        sheets.add_spreadsheet({"Feuille 1": []})
        monkeypatch.setenv("CRMCANVAS_SHEETS_ENDPOINT", sheets.endpoint)
        sheets.drop(times=1, match="batchUpdate")  # the write never arrives, and Google never says so
        assert main(["init", sheets.url()]) == 1
        out = capsys.readouterr().out
        assert sheets.count("batchUpdate") == 1  # not resent behind the user's back
        assert "Google n'a pas confirmé l'écriture" in out and "Relu : il manque encore 28 changement(s)" in out
        assert "Relancez crmcanvas init" in out
        assert main(["init", sheets.url()]) == 0
        assert "Relu : plus rien ne manque" in capsys.readouterr().out
