"""sim/files.py: the one path every output is written by and every input is read by.

Each rule in the module's docstring has a test here that writes or reads real files,
devices and FIFOs. Tests that need a user without root's powers (a read-only folder)
run their few lines as `nobody` in a child process when the suite runs as root."""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sim import files
from sim.diagnostics import InputError
from sim.files import FileError, confine, project_roots, read_file, write_file, write_new, write_output, yaml_files

ROOT = os.geteuid() == 0


def one_line(exc: InputError) -> str:
    (d,) = exc.diagnostics
    line = d.format()
    assert "\n" not in line
    return line


# --- write_output / write_file ------------------------------------------------------------------


def test_dash_is_standard_output(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_output("-", "hello\n") is None
    assert capsys.readouterr().out == "hello\n"
    assert list(tmp_path.iterdir()) == []  # no file called '-'


def test_a_new_file_gets_the_usual_mode_for_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_file(tmp_path / "out.txt", "text\n")
    finally:
        os.umask(old)
    assert path.read_text() == "text\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


def test_an_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "kept.txt"
    target.write_text("old")
    target.chmod(0o604)
    write_file(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    write_file(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    write_file(link, "x")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "x"


def test_a_character_device_is_written_directly_never_replaced(tmp_path):
    if ROOT:  # a private /dev/null twin, so a bug could not break the machine's
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    before = os.stat(device)
    write_file(device, "discarded")
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev, after.st_mode) == (before.st_ino, before.st_rdev, before.st_mode)


def test_dev_full_is_one_line_naming_it():
    with pytest.raises(FileError) as info:
        write_file("/dev/full", "x" * 10000)
    assert one_line(info.value) == "/dev/full: error: no space left on the device"
    assert isinstance(info.value, OSError)  # code catching OSError around a save still catches it


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(FileError) as info:
        write_file(tmp_path, "x")
    assert one_line(info.value) == f"{tmp_path}: error: is a directory, not a file sim can write"


def test_a_fifo_nobody_reads_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FileError) as info:
        write_file(fifo, "x")
    assert time.monotonic() - started < 5
    assert "is a FIFO that nothing is reading" in one_line(info.value)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_being_read_is_written(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader_open = threading.Event()

    def read():
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        reader_open.set()
        data, deadline = b"", time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 4096)
            except BlockingIOError:  # a writer is there, nothing written yet
                chunk = None
            if chunk:
                data += chunk
            elif chunk == b"" and data:  # the writer closed after writing
                break
            time.sleep(0.01)  # no writer yet (reads b""), or waiting for data
        os.close(fd)
        got.append(data)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    assert reader_open.wait(5)
    write_file(fifo, "through the pipe")
    thread.join(5)
    assert got == [b"through the pipe"]


def test_a_missing_folder_is_never_created(tmp_path):
    with pytest.raises(FileError) as info:
        write_file(tmp_path / "missing" / "a" / "b.txt", "x")
    assert "no such folder" in one_line(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_path_through_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(FileError) as info:
        write_file(tmp_path / "file" / "x.txt", "x")
    assert "not a folder" in one_line(info.value)


@pytest.mark.parametrize("name", ["a\x00b.txt", "x" * 5000, ""], ids=["nul", "5000-chars", "empty"])
def test_impossible_names_are_one_line(tmp_path, name):
    with pytest.raises(FileError) as info:
        write_file(str(tmp_path) + "/" + name if name else "", "x")
    line = one_line(info.value)
    assert "NUL" in line or "too long" in line or "empty path" in line or "directory" in line


def test_a_symlink_loop_is_one_line(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(FileError) as info:
        write_file(tmp_path / "a", "x")
    assert "a loop of symbolic links" in one_line(info.value)


def test_the_same_file_as_standard_output_is_written_as_standard_output(tmp_path):
    out = tmp_path / "out.txt"
    code = "import sys; from sim.files import write_output; write_output('/dev/stdout', 'one\\n'); print('two')"
    with out.open("w") as fh:
        subprocess.run([sys.executable, "-c", code], stdout=fh, check=True, timeout=60)
    assert out.read_text() == "one\ntwo\n"  # not replaced behind the shell's back


def _as_nobody(fn) -> str:
    """Run ``fn`` in a forked child as an unprivileged user (root ignores file modes);
    returns what it returned, or 'raised: LINE' for a FileError."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            if ROOT:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            try:
                out = str(fn())
            except FileError as exc:
                out = "raised: " + exc.diagnostics[0].format()
            os.write(write, out.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        out = fh.read().decode()
    os.waitpid(pid, 0)
    return out


@pytest.fixture
def shared_tmp(tmp_path_factory):
    """A folder another user can reach (pytest's own are private to root)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sim-files-"))
    folder.chmod(0o755)
    yield folder
    for p in folder.rglob("*"):
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(folder)


def test_a_read_only_folder_is_one_line_and_leaves_nothing(shared_tmp):
    folder = shared_tmp / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    assert _as_nobody(lambda: write_file(folder / "x.txt", "x")) == f"raised: {folder / 'x.txt'}: error: permission denied"
    assert list(folder.iterdir()) == []


def test_a_writable_file_in_a_read_only_folder_is_rewritten_in_place(shared_tmp):
    folder = shared_tmp / "ro"
    folder.mkdir()
    target = folder / "x.txt"
    target.write_text("old")
    target.chmod(0o666)
    folder.chmod(0o555)
    assert _as_nobody(lambda: write_file(target, "new")) == str(target)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o666


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path):
    """The file system refuses mid-write (here: a file-size limit): the old content stays."""
    target = tmp_path / "save.yaml"
    target.write_text("the old session\n")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    code = f"""
from sim.files import write_file, FileError
try:
    write_file({str(target)!r}, 'y' * 100000)
except FileError as exc:
    print(exc.diagnostics[0].format())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=limit)
    assert result.stdout.strip() == f"{target}: error: file too large", result.stderr
    assert target.read_text() == "the old session\n"
    assert [p.name for p in tmp_path.iterdir()] == ["save.yaml"]


# --- write_new ----------------------------------------------------------------------------------


def test_write_new_never_overwrites_and_numbers_the_name(tmp_path):
    first = write_new(tmp_path / "transcript.md", "1")
    second = write_new(tmp_path / "transcript.md", "2")
    third = write_new(tmp_path / "transcript.md", "3")
    assert (first.name, second.name, third.name) == ("transcript.md", "transcript-2.md", "transcript-3.md")
    assert [p.read_text() for p in (first, second, third)] == ["1", "2", "3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["transcript-2.md", "transcript-3.md", "transcript.md"]


def test_write_new_treats_a_symlink_as_taken_and_never_follows_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "save.yaml").symlink_to(victim)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    assert write_new(tmp_path / "save.yaml", "x").name == "save-2.yaml"
    assert write_new(tmp_path / "dangling.yaml", "x").name == "dangling-2.yaml"
    assert victim.read_text() == "keep me" and not (tmp_path / "nowhere").exists()


def test_write_new_keeps_a_hidden_or_suffixless_name_readable(tmp_path):
    write_new(tmp_path / ".notes", "a")
    write_new(tmp_path / "README", "a")
    assert write_new(tmp_path / ".notes", "b").name == ".notes-2"
    assert write_new(tmp_path / "README", "b").name == "README-2"


def test_write_new_from_many_processes_at_once_loses_nothing(tmp_path):
    code = "import sys; from sim.files import write_new; print(write_new(sys.argv[1], sys.argv[2]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "s.yaml"), str(i)], stdout=subprocess.PIPE, text=True) for i in range(6)]
    written = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert len(set(written)) == 6
    assert sorted(Path(w).read_text() for w in written) == [str(i) for i in range(6)]


def test_write_new_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileError) as info:
        write_new(tmp_path / "no" / "x.md", "x")
    assert "no such folder" in one_line(info.value)


# --- reading ------------------------------------------------------------------------------------


def _within(seconds: float, fn):
    """Run ``fn`` in a thread; fail (rather than hang the suite) if it blocks."""
    box = []

    def target():
        try:
            box.append(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box.append(("raised", exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"blocked for more than {seconds} s"
    return box[0]


def test_reading_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    kind, exc = _within(5, lambda: read_file(fifo, limit=100))
    assert kind == "raised" and isinstance(exc, FileError)
    assert one_line(exc) == f"{fifo}: error: is a FIFO, not a regular file"


@pytest.mark.parametrize("path", ["/dev/stdin", "/dev/zero", "/dev/null"])
def test_reading_a_device_is_refused_at_once(path):
    kind, exc = _within(5, lambda: read_file(path, limit=100))
    assert kind == "raised" and isinstance(exc, FileError)
    assert "not a regular file" in one_line(exc)


def test_reading_a_directory_is_refused(tmp_path):
    with pytest.raises(FileError) as info:
        read_file(tmp_path, limit=100)
    assert "is a directory, not a regular file" in one_line(info.value)


def test_reading_applies_the_size_limit_before_reading(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FileError) as info:
        read_file(big, limit=4096)
    assert "file is 4.9 KB; the limit is 4 KB" in one_line(info.value)
    assert read_file(big, limit=5000) == b"x" * 5000


def test_a_proc_file_that_streams_more_than_its_size_is_cut_off():
    with pytest.raises(FileError) as info:
        read_file("/proc/self/maps", limit=10)
    assert "larger than 10 bytes" in one_line(info.value)


# --- confinement --------------------------------------------------------------------------------


def test_the_project_is_the_folder_holding_scenarios(tmp_path, monkeypatch):
    monkeypatch.delenv(files.ROOT_ENV, raising=False)
    monkeypatch.delenv("SIM_SCENARIOS", raising=False)
    assert project_roots(tmp_path / "proj" / "scenarios" / "library" / "x.yaml") == (tmp_path / "proj",)
    assert project_roots(tmp_path / "loose" / "x.yaml") == (tmp_path / "loose",)
    monkeypatch.setenv("SIM_SCENARIOS", str(tmp_path / "mine"))
    (tmp_path / "mine").mkdir()
    assert project_roots(tmp_path / "mine" / "x.yaml") == (tmp_path,)
    monkeypatch.setenv(files.ROOT_ENV, f"/a{os.pathsep}/b")
    assert project_roots(tmp_path / "loose" / "x.yaml") == (tmp_path / "loose", Path("/a"), Path("/b"))


def test_confinement_refuses_every_way_out_before_opening(tmp_path):
    project = tmp_path / "proj"
    (project / "seeds").mkdir(parents=True)
    (project / "seeds" / "a.txt").write_text("in")
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    (project / "seeds" / "link.txt").symlink_to(secret)
    roots = (project,)
    assert confine(project / "seeds" / "a.txt", roots, "a") == str(project / "seeds" / "a.txt")
    for way_out in [project / ".." / "secret.txt", secret, project / "seeds" / "link.txt", tmp_path / "missing.txt", Path("/etc/passwd")]:
        with pytest.raises(FileError) as info:
            read_file(way_out, "label", limit=100, roots=roots)
        line = one_line(info.value)
        assert line == f"label: error: is outside the project folder {project}; name another folder with --root DIR or SIM_ROOT"
        assert "password" not in line


def test_a_sibling_folder_with_the_same_prefix_is_outside(tmp_path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj2").mkdir()
    (tmp_path / "proj2" / "x").write_text("x")
    with pytest.raises(FileError):
        confine(tmp_path / "proj2" / "x", (tmp_path / "proj",), "x")


# --- finding files ------------------------------------------------------------------------------


def test_yaml_files_walks_a_folder_without_following_links_or_hidden_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.yaml").write_text("x")
    (tmp_path / "two.yml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.yaml").write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert yaml_files([tmp_path]) == [tmp_path / "a" / "one.yaml", tmp_path / "two.yml"]


def test_yaml_files_gives_up_on_a_huge_tree(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "MAX_WALK", 50)
    for i in range(60):
        (tmp_path / f"f{i}").write_text("")
    with pytest.raises(FileError) as info:
        yaml_files([tmp_path])
    assert "more than 50 entries" in one_line(info.value)


def test_yaml_files_on_proc_stops_quickly():
    started = time.monotonic()
    with pytest.raises(FileError):
        yaml_files(["/proc"])
    assert time.monotonic() - started < 10


def test_errno_is_kept_for_callers_that_ask():
    with pytest.raises(FileError) as info:
        write_file("/dev/full", "x")
    assert info.value.errno == errno.ENOSPC
