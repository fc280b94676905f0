"""What a command owes its terminal: results on stdout, reasons on stderr, never a traceback.

Exit codes (the same for every command):

====  ==========================================================================
0     done; for ``check``, the canvas has no error-severity finding
1     ``check`` only: at least one error-severity finding
2     the command cannot do its job: source, configuration or arguments are
      wrong, a file would be overwritten; the reason is on stderr
130   interrupted (Ctrl-C), quietly
141   the reader of the output went away (``crmcanvas check | head``), quietly,
      as a shell reports a process ended by SIGPIPE
====  ==========================================================================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from crmcanvas.i18n import t

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_FAILED = 2
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141


class OutputEncodingError(Exception):
    """stdout cannot take the text (a strict, non-UTF-8 terminal encoding)."""


def emit(text: str) -> None:
    """One block of results on stdout."""
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        raise OutputEncodingError(getattr(sys.stdout, "encoding", None) or "?") from None


def say_error(text: str) -> None:
    """One line on stderr that cannot fail on encoding: what it cannot encode is escaped (\\xe9)."""
    stream = sys.stderr
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    except (OSError, ValueError):  # stderr closed too: nobody left to tell
        pass


def fail(lang: str, message: str, hint: str | None = None, *details: str) -> int:
    """Say why the command cannot do its job (message, optional hint and detail lines); exit code 2."""
    say_error(t("cli.error_line", lang, message=message))
    if hint:
        say_error(t("cli.hint_line", lang, hint=hint))
    for line in details:
        say_error(line)
    return EXIT_FAILED


def _stdout_to_devnull() -> None:
    """The reader is gone: send what is still buffered nowhere, so exiting does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests capture stdout)
        pass


def load_libraries_deaf_to_ctrl_c() -> None:
    """Import the data libraries with Ctrl-C held back in this thread.

    pandas and pyarrow start threads of their own when imported; a thread inherits the signals its creator holds
    back. Left open, a Ctrl-C sent to the process could land on one of those threads, and a command blocked
    reading a file (a stuck share; a FIFO in the tests) never woke up: seen as a hang about once in ten runs.
    Created while Ctrl-C is held, they never take it, so it always reaches the main thread.
    """
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        import pandas  # noqa: F401  (and pyarrow, numpy: their threads start here)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def guarded(run: Callable[[], int], lang: Callable[[], str]) -> int:
    """Run a command; a closed pipe, Ctrl-C or an unencodable output end it with a code, not a traceback."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except OutputEncodingError as exc:
        return fail(lang(), t("cli.output_encoding", lang(), encoding=str(exc)), t("cli.output_encoding_hint", lang()))
