"""The command line: ``geodash validate|info|export|report|serve|restore|history|user|init|bench``.

Exit status 0 on success, 1 when the data is invalid, 2 on a usage error.
Errors a user can cause print one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from geodash import progress
from geodash.bench.options import add_arguments as add_bench_arguments
from geodash.cli_maps import add_map_arguments, add_report_parser, cmd_export_map
from geodash.errors import GeodashError, ParameterError
from geodash.export import FORMATS, LAYERS, build_layer, write_layer
from geodash.workspace import SERVE_ANALYSES, default_workspace, init_workspace, load_workspace


def _print_report(dataset, out) -> None:
    findings = dataset.report.findings
    if not findings:
        print("Nothing was repaired or left out.", file=out)
        return
    for finding in findings:
        print(finding.line(), file=out)


def cmd_validate(args: argparse.Namespace) -> int:
    """Load a workspace and report what was read, repaired and left out."""
    dataset = load_workspace(args.workspace)
    print(f"Workspace {dataset.workspace}: valid.")
    for layer in dataset.layers:
        print(f"  {layer.kind:<10} {layer.data_file:<40} {layer.count:>7} rows/features read")
    report = dataset.report
    print(f"{len(report.of('repaired'))} repaired, {len(report.of('left_out'))} left out, "
          f"{len(report.of('notice'))} notice(s).")
    _print_report(dataset, sys.stdout)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Print the layers, counts and indicators with their years."""
    ds = load_workspace(args.workspace)
    print(f"{ds.settings.name} ({ds.workspace})")
    # The CLI speaks English: the city's English words for its areas (German when none given).
    units = ds.unit.form("en", plural=True)
    n_parents = ds.areas["parent"].dropna().nunique()
    in_parents = (f" in {n_parents} {ds.parent_unit.form('en', plural=True, capital=False)}"
                  if n_parents else "")
    print(f"{units + ':':<11} {len(ds.areas)}{in_parents}  "
          f"(population {ds.areas['population'].sum():,.0f})")
    print(f"Sites:      {len(ds.sites)} in {len(ds.categories)} categories")
    for code in ds.categories:
        n = int((ds.sites["category"] == code).sum())
        print(f"  {code:<12} {n:>5}  {ds.category_label(code, 'en')}")
    print(f"Zones:      {len(ds.zones)}")
    for _, zone in ds.zones.iterrows():
        since = f" since {int(zone['since'])}" if zone["since"] == zone["since"] else ""
        print(f"  {zone['name']} ({zone['programme']}{since})")
    print(f"Indicators: {len(ds.indicator_meta)}")
    for ind_id, meta in ds.indicator_meta.items():
        years = ds.indicator_years(ind_id)
        span = f"{years[0]}–{years[-1]} ({len(years)} years)" if years else "no values"
        print(f"  {ind_id:<22} {span:<22} {meta.unit:<8} {meta.label.get('en')}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write one joined layer to a file (or, for ``map``, the map of a view)."""
    if args.layer == "map":
        return cmd_export_map(args)
    if args.all_years and (args.layer not in ("indicators", "coverage") or args.year is not None):
        raise ParameterError(
            f"--all-years is for the long tables of the indicators and of coverage, not with "
            f"{'--year' if args.year is not None else repr(args.layer)}.",
            fix="run `geodash export indicators --all-years` (or coverage), or give --year for one year.")
    # The districts layer includes the coverage analysis: take it from the cache when it is there.
    dataset = load_workspace(args.workspace,
                             analyses=("access",) if args.layer in ("districts", "coverage") else ())
    frame = build_layer(dataset, args.layer, args.year)
    output = args.output or Path(f"{args.layer}{FORMATS[args.format].suffix}")
    write_layer(frame, output, args.format, german=args.german, lang=args.lang)
    what = dataset.unit.form("en", plural=True, capital=False) if args.layer == "districts" else args.layer
    print(f"Wrote {len(frame)} {what} to {output}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the dashboard; read-only unless ``--uploads``."""
    if args.upload_max_mb <= 0:
        raise ParameterError(f"--upload-max-mb was {args.upload_max_mb} but is expected to be positive.",
                             fix="give the size limit of one upload in MB, e.g. --upload-max-mb 50.")
    if args.uploads:
        from geodash.web.auth import check_serve_access

        check_serve_access(args.workspace or default_workspace(), args.host)
    previous = _exit_on_sigterm()
    try:
        return _serve(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _serve(args: argparse.Namespace) -> int:
    from geodash.uploads import MB
    from geodash.web import create_app

    if args.public and args.uploads:
        raise ParameterError("--public and --uploads do not go together: the public finder takes no uploads.",
                             fix="serve the planning app with --uploads on an internal server instead.")
    with progress.shown_on_stderr():
        start = time.perf_counter()
        if args.public:
            from geodash.web.public.app import PREFIX, create_public_app

            dataset = load_workspace(args.workspace, analyses=("areas_display",))
            with progress.step("built the public offer finder"):
                app = create_public_app(dataset)
        else:
            dataset = load_workspace(args.workspace, analyses=SERVE_ANALYSES)
            with progress.step("built the app"):
                app = create_app(dataset, uploads=args.uploads,
                                 upload_max_bytes=int(args.upload_max_mb * MB))
        progress.report(f"ready after {time.perf_counter() - start:.1f} s")
    mode = ("public offer finder only" if args.public
            else f"uploads on, at most {args.upload_max_mb:g} MB" if args.uploads else "read-only")
    path = PREFIX if args.public else ""
    url = f"http://{args.host}:{args.port}/{path.lstrip('/')}"
    print(f"geodash serves {dataset.settings.name} at {url} ({mode})", flush=True)
    if dataset.settings.api.ogc and not args.public:
        print(f"OGC API – Features (QGIS, GDAL) at http://{args.host}:{args.port}/ogcapi", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _exit_on_sigterm():
    # The default SIGTERM ends the process at once; as SystemExit it unwinds the `with` blocks
    # and runs the exit handlers, so no staging folder or lock file stays behind.
    import threading

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set handlers (e.g. a test calling main())
    return signal.signal(signal.SIGTERM, stop)


def cmd_restore(args: argparse.Namespace) -> int:
    """List or restore previous versions of an uploaded data file."""
    from geodash.uploads import LayerHistory, recover_workspace, restore_version

    workspace = args.workspace or default_workspace()
    if args.list:
        history = LayerHistory(workspace, args.file)
        entries = list(reversed(history.entries()))
        current = history.current()
        for entry in entries:
            _print_version(entry, current)
        if not entries:
            print(f"No previous versions of {history.data_file}.")
        return 0
    recover_workspace(workspace)
    change = restore_version(workspace, args.file, args.version)
    print(f"Restored {change.data_file} from version {change.current.upload}; every version is kept "
          f"in history/{change.data_file}/.")
    return 0


def _print_version(entry, current) -> None:
    mark = "*" if current is not None and entry.version == current.version else " "
    by = entry.by or "-"
    what = entry.action + (f" {entry.upload}" if entry.upload else "")
    print(f"{mark} {entry.version:<24} {entry.time[:19]}  {entry.size:>10} B  "
          f"sha256 {entry.sha256[:12]}  {by:<24} {what}")


def cmd_history(args: argparse.Namespace) -> int:
    """List the kept versions of every uploaded file, or apply the retention settings."""
    from geodash.catalog import load_catalog
    from geodash.uploads import histories, prune_history, recover_workspace

    workspace = args.workspace or default_workspace()
    if args.action == "prune":
        recover_workspace(workspace)
        settings = load_catalog(workspace).settings.history
        gone = prune_history(workspace)
        for data_file, versions in gone.items():
            print(f"{data_file}: {len(versions)} version(s) deleted")
        print(f"Kept per file: the newest {settings.keep_versions or 'unlimited'} version(s), "
              f"{f'at most {settings.keep_days:g} days old' if settings.keep_days else 'of any age'}; "
              f"{sum(map(len, gone.values()))} deleted.")
        return 0
    found = histories(workspace)
    for history in found:
        print(f"{history.data_file}  (history/{history.data_file}/)")
        current = history.current()
        for entry in reversed(history.entries()):
            _print_version(entry, current)
    if not found:
        print(f"No history in {workspace} yet: nothing was uploaded or restored.")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    """Add, remove or list the accounts that may log in."""
    from geodash.uploads.users import add_user, read_users, remove_user, users_file

    workspace = args.workspace or default_workspace()
    if args.action == "list":
        users = read_users(workspace)
        for name, account in sorted(users.items()):
            login = "password" if account.get("password") else "proxy only"
            print(f"{name:<24} {account.get('role', '?'):<8} {login}")
        if not users:
            print(f"No accounts in {users_file(workspace)}.")
        return 0
    if not args.name:
        raise ParameterError(f"`geodash user {args.action}` needs a NAME.",
                             fix=f"e.g. geodash user {args.action} mueller")
    if args.action == "remove":
        remove_user(workspace, args.name)
        print(f"Removed {args.name}.")
        return 0
    password = None if args.proxy_only else _read_password(args.password_stdin)
    user = add_user(workspace, args.name, password, args.role)
    print(f"{user.name} may now {'change data' if user.can_edit else 'look'} ({user.role}); accounts "
          f"are kept in {users_file(workspace)}.")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ParameterError("the two passwords differ.", fix="run the command again.")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    """Start a new workspace from the commented template."""
    target = init_workspace(args.directory)
    print(f"New workspace in {target}. Edit {target / 'layers'}/*.toml, then run "
          f"`geodash validate {target}`.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark geodash against the naive ways on synthetic cities (see geodash.bench)."""
    from geodash.bench.run import run_from_args

    return run_from_args(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="geodash",
        description="Neighbourhood dashboard for Soziale Stadt planning. "
        "Without WORKSPACE, commands use the Ludwigshafen demo.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def workspace_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("workspace", nargs="?", type=Path, default=None,
                       help=f"workspace folder (default: the demo at {default_workspace()})")

    p = sub.add_parser("validate", help="check a workspace and report repairs and omissions")
    workspace_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("info", help="list layers, counts and indicators with their years")
    workspace_arg(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("export", help="write a joined layer as GeoJSON, GeoPackage, CSV, XLSX or "
                       "Parquet, or a map as PNG, SVG, PDF or HTML")
    p.add_argument("layer", choices=sorted([*LAYERS, "map"]))
    workspace_arg(p)
    p.add_argument("-o", "--output", type=Path, help="output file (default: LAYER.SUFFIX)")
    p.add_argument("-f", "--format", choices=sorted(FORMATS), default="geojson")
    p.add_argument("--year", type=int,
                   help="indicator year (default: the latest; the indicators layer: every year)")
    p.add_argument("--all-years", action="store_true",
                   help="the indicators or coverage layer as one long table of every year "
                        "(the default for them)")
    p.add_argument("--german", action="store_true",
                   help="CSV with ';' and decimal comma for German Excel")
    # --lang: the map's language, and that of the XLSX sheets (Daten/Metadaten or Data/Metadata).
    add_map_arguments(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="serve the dashboard")
    workspace_arg(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--uploads", action="store_true",
                   help="let users upload new indicator tables and site lists on the Daten page "
                   "(off: read-only, for a public deployment)")
    p.add_argument("--public", action="store_true",
                   help="serve only the public offer finder (/angebote/) and its legal notice: no planning "
                   "pages, no uploads")
    p.add_argument("--upload-max-mb", type=float, default=50, metavar="N",
                   help="size limit of one upload in MB (default 50)")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("restore", help="list or restore previous versions of an uploaded file")
    p.add_argument("file", help="data file as named in its layer spec, e.g. geodata/indikatoren.csv")
    workspace_arg(p)
    p.add_argument("--list", action="store_true", help="list the kept versions, newest first")
    p.add_argument("--version", help="the version to restore (from --list); default the newest that "
                   "differs from the file as it is now")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("history", help="list the kept versions of uploaded files, or prune them")
    p.add_argument("action", choices=["list", "prune"],
                   help="list: every kept version; prune: apply [history] keep_versions/keep_days")
    workspace_arg(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("user", help="add, remove or list the accounts that may log in")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("name", nargs="?", help="the user name (add, remove)")
    workspace_arg(p)
    p.add_argument("--role", choices=["editor", "viewer"], default="viewer",
                   help="editor: may upload, accept and restore; viewer: may look (default)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin instead of asking")
    p.add_argument("--proxy-only", action="store_true",
                   help="no password: only set the role of a name the trusted proxy passes")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("bench", help="benchmark against the naive ways on synthetic cities")
    add_bench_arguments(p)
    p.set_defaults(func=cmd_bench)

    add_report_parser(sub)

    p = sub.add_parser("init", help="start a new workspace with commented example specs")
    p.add_argument("directory", type=Path)
    p.set_defaults(func=cmd_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as exc:
        print(f"geodash: usage error: {exc.message}", file=sys.stderr)
        return 2
    except GeodashError as exc:
        print(f"geodash: error: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A file the user named cannot be read or written (permissions, full disk, …).
        print(f"geodash: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
