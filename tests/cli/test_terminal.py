"""The first screen: tables and summaries fit the user's terminal (run in a real pseudo-terminal)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from rich.cells import cell_len

from ..conftest import run_process

WIDTHS = [80, 100, 160]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")


def in_terminal(args: list[str], columns: int) -> list[str]:
    """Standard output of ``chaingraph ARGS`` on a terminal ``columns`` wide, as lines (exit 0)."""
    code, lines, errors = _run_in_terminal(args, columns)
    assert code == 0, errors
    return lines


def in_terminal_allowing_failure(args: list[str], columns: int) -> list[str]:
    return _run_in_terminal(args, columns)[1]


def _run_in_terminal(
    args: list[str], columns: int, *, stderr_too: bool = False, height: int = 50
) -> tuple[int, list[str], bytes]:
    """Exit status, the terminal's lines and standard error (unless ``stderr_too`` sends it to the terminal)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", height, columns, 0, 0))
    environment = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower if stderr_too else subprocess.PIPE,
        env={**environment, "TERM": "xterm-256color"},
    )
    os.close(follower)
    output = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(leader)
    text = ANSI.sub("", output.decode("utf-8")).replace("\r", "")
    return process.returncode, text.split("\n"), b"" if stderr_too else process.stderr.read()


def assert_fits(lines: list[str], columns: int) -> None:
    for line in lines:
        assert cell_len(line) <= columns, f"{cell_len(line)} > {columns}: {line!r}"


def data_rows(lines: list[str]) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in lines if line.startswith("│")]


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("selection", [[], ["--chain", "ningde"]], ids=["all", "ningde"])
def test_stats_table_has_one_line_per_firm_and_fits(columns, selection):
    lines = in_terminal(["stats", *selection], columns)
    assert_fits(lines, columns)
    expected = json.loads(run_process("stats", *selection, "--format", "json").stdout)
    rows = data_rows(lines)
    # the first rows that fit the 50-line terminal with what follows them, one line each
    shown = len(rows)
    assert 5 <= shown <= len(expected) and (shown == len(expected) or len(lines) <= 50 + 2)
    assert [row[0] for row in rows] == [str(i) for i in range(1, shown + 1)]
    if shown < len(expected):
        assert any(line.startswith(f"{len(expected) - shown} more rows: --top N") for line in lines)
    for row, record in zip(rows, expected[:shown], strict=True):
        # suppliers, clients and pagerank are kept at every width: whole numbers, never cut
        numbers = [cell for cell in row if NUMBER.fullmatch(cell)]
        assert str(record["in_degree"]) in numbers and str(record["out_degree"]) in numbers
        assert f"{record['pagerank']:.4g}" in numbers
    assert any("local sourcing" in line for line in lines)
    assert not any("https://" in line for line in lines if "claimed" in line)


@pytest.mark.parametrize("columns", WIDTHS)
def test_impact_report_fits(columns):
    lines = in_terminal(["impact", "CATL"], columns)
    assert_fits(lines, columns)
    assert "If CATL (宁德时代) drops out" in lines[0]
    assert any(line.strip() == "supplier-to-client paths cut: 42" for line in lines)


@pytest.mark.parametrize("columns", WIDTHS)
def test_query_table_has_one_line_per_answer_and_fits(columns):
    lines = in_terminal(["query", "suppliers-of", "-p", "firm=CATL"], columns)
    assert_fits(lines, columns)
    answers = json.loads(run_process("query", "suppliers-of", "-p", "firm=CATL", "--format", "json").stdout)
    rows = data_rows(lines)
    assert len(rows) == len(answers["results"]["bindings"]) > 10
    assert all(row[-1] in ("1", "2", "3", "4") for row in rows)  # hops, never cut


def test_narrow_terminal_says_which_columns_it_left_out_and_columns_chooses():
    lines = in_terminal(["stats"], 80)
    note = next(line for line in lines if "left out to fit the terminal" in line)
    assert "cut point" in note and "--columns" in note
    chosen = in_terminal(["stats", "--columns", "name,betweenness,upstream"], 80)
    header = next(line for line in chosen if line.startswith("┃"))
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == ["#", "name", "betweenness", "upstream"]
    assert not any("left out" in line for line in chosen)


def test_unknown_column_is_named():
    result = run_process("stats", "--columns", "name,fame")
    assert result.returncode == 2 and "--columns: unknown column 'fame'" in result.stderr


def test_validation_problems_wrap_rather_than_being_cut(ttl):
    data = ttl('ex:trader a cg:Company ; rdfs:label "Trader"@en ; cg:locationUnknown true ; cg:supplierOf "x" .\n')
    lines = in_terminal_allowing_failure(["validate", "--data", str(data)], 80)
    assert_fits(lines, 80)
    header = next(line for line in lines if line.startswith("┃"))
    problem = [cell.strip() for cell in header.strip("┃").split("┃")].index("problem")
    text = " ".join(row[problem] for row in data_rows(lines) if row[problem])
    assert "takes part in a supply edge but is neither an organization nor a cluster segment" in text


def test_a_long_answer_shows_its_first_page_and_says_how_many_rows(tmp_path):
    network = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "400", "-o", str(network)).returncode == 0
    code, lines, errors = _run_in_terminal(["query", "firms-in", "-p", "place=Fujian", "--data", str(network)], 100)
    assert code == 0, errors
    total = run_process("query", "firms-in", "-p", "place=Fujian", "--data", str(network), "--count").stdout.strip()
    assert int(total) > 100
    assert len(data_rows(lines)) == 100
    assert f"rows 1 to 100 of {total} shown: --offset 100 for the next page" in errors.decode()


def test_stats_on_a_100_by_40_terminal_opens_on_the_title_the_header_and_catl():
    """The first screen is the top of the ranking, not its bottom (issue 41, item 1): what a
    100x40 terminal keeps after the command ends holds the title, the header and CATL."""
    code, lines, _ = _run_in_terminal(["stats"], 100, height=40)
    assert code == 0
    expected = json.loads(run_process("stats", "--format", "json").stdout)
    last_screen = [line for line in lines if line.strip()][-40:]
    assert any("firm level: 46 nodes" in line for line in last_screen)
    assert any("pagerank" in line and line.startswith("┃") for line in last_screen)
    assert data_rows(last_screen)[0][1] == expected[0]["label"] == "CATL"
    more = len(expected) - len(data_rows(lines))
    assert more > 0 and any(line.startswith(f"{more} more rows") for line in last_screen)


def test_the_readme_first_screen_is_what_stats_prints_at_100_columns():
    from ..conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("The first screen in a terminal 100 columns wide (`chaingraph stats --top 8`):", 1)[1]
    shown = block.split("```text\n", 1)[1].split("\n...\n", 1)[0].splitlines()
    code, lines, _ = _run_in_terminal(["stats", "--top", "8"], 100)
    assert code == 0
    printed = [line.rstrip() for line in lines]
    start = printed.index(shown[0].rstrip())
    assert printed[start : start + len(shown)] == [line.rstrip() for line in shown]


@pytest.fixture(scope="module")
def synthetic_2500(tmp_path_factory):
    network = tmp_path_factory.mktemp("synth") / "synth.nt"
    assert run_process("synth", "--firms", "2500", "-o", str(network)).returncode == 0
    return network


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize("graph", ["bundled", "synthetic"])
def test_rows_whose_names_differ_are_told_apart_on_screen(columns, graph, synthetic_2500):
    import json

    args = ["stats", "--top", "12"] + (["--no-bundled", "--data", str(synthetic_2500)] if graph == "synthetic" else [])
    full = [row["label"] for row in json.loads(run_process(*args, "--format", "json").stdout)]
    assert len(set(full)) == len(full)  # the names differ...
    code, lines, _ = _run_in_terminal(args, columns)
    assert code == 0
    shown = [line.split("│")[2].strip() for line in lines if line.startswith("│")]
    assert len(shown) == len(full) and len(set(shown)) == len(shown), shown  # ...and so do the rows


def column_widths(lines: list[str]) -> dict[str, int]:
    """Each column's width on screen, from the header row of a box table."""
    header = next(line for line in lines if line.startswith("┃"))
    cells = header.strip("┃").split("┃")
    return {cell.strip(): cell_len(cell) - 2 for cell in cells}


def cut_columns(lines: list[str]) -> set[str]:
    """The columns at least one of whose cells is cut (ends in, or holds, an ellipsis)."""
    heads = list(column_widths(lines))
    return {heads[i] for row in data_rows(lines) for i, cell in enumerate(row) if "…" in cell}


@pytest.mark.parametrize("columns", [80, 100, 120, 160])
def test_cut_text_columns_share_the_width_the_terminal_offers(columns):
    """No text column is cut while another text column is wider than it: the stage column is not
    held at eight characters while the name beside it keeps twenty-three."""
    lines = in_terminal(["stats", "--top", "8"], columns)
    widths = column_widths(lines)
    texts = {head for head in widths if head in {"name", "名称", "stage"}}
    assert "stage" in texts and "name" in texts
    for cut in cut_columns(lines) & texts:
        assert all(widths[other] <= widths[cut] + 1 for other in texts), (cut, widths)
    assert_fits(lines, columns)


@pytest.mark.parametrize("columns", [80, 100])
def test_identifiers_give_way_before_names_are_cut(columns):
    lines = in_terminal(["query", "suppliers-of", "-p", "firm=CATL"], columns)
    widths = column_widths(lines)
    rows = data_rows(lines)
    names_cut = any("…" in row[1] for row in rows)
    ids_whole = all("…" not in row[0] for row in rows)
    assert not (names_cut and ids_whole), widths
    shown = [row[0] for row in rows]
    assert len(set(shown)) == len(shown)  # cut in the middle, the ids still tell the firms apart


@pytest.mark.parametrize("columns", [80, 100])
def test_a_named_querys_answer_is_kept_whole_on_a_narrow_terminal(columns):
    """provenance answers with sources: on a narrow terminal they wrap, whole, and are the last left out."""
    from chaingraph.queries.named import get_named_query

    assert get_named_query("provenance").answer == ("source", "sourceSays", "reason")
    arguments = ["query", "provenance", "-p", "supplier=Hifen", "-p", "client=CATL"]
    lines = in_terminal(arguments, columns)
    assert_fits(lines, columns)
    expected = json.loads(run_process(*arguments, "--format", "json").stdout)["results"]["bindings"]
    sources = [row["source"]["value"] for row in expected if "source" in row]
    assert len(sources) >= 2
    header = next(line for line in lines if line.startswith("┃"))
    at = [cell.strip() for cell in header.strip("┃").split("┃")].index("source")
    pieces = [row[at] for row in data_rows(lines)]
    assert "".join(pieces) == "".join(sources)  # each source whole, wrapped onto more lines
    assert "sourceSays" in header


@pytest.mark.parametrize("columns", [80, 100])
def test_gaps_keep_the_firms_to_attract_whole_on_a_narrow_terminal(columns):
    """The answer of gaps gives way last: every target's name is on screen, wrapped, not cut."""
    lines = in_terminal(["gaps", "--chain", "ningde", "--region", "Ningde"], columns)
    assert_fits(lines, columns)
    report = json.loads(run_process("gaps", "--chain", "ningde", "--region", "Ningde", "--format", "json").stdout)
    shown = " ".join(" ".join(line.replace("│", " ").split()) for line in lines)
    for stage in report["stages"]:
        for target in stage["targets"]:
            assert target["label"] in shown or all(word in shown for word in target["label"].split()), target
    assert "a buyer to court" in shown  # NIO and Tesla, at the missing end-use stage
