"""``tracker cache``: the derived state kept in your cache, per log, and pruning it."""

from __future__ import annotations

import argparse

from tracker.cli.common import add_global_options, command, emit, plural, say, selected, table

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any

    from tracker.derived.cache import CachedLog


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    words = selected(subparsers)
    group = subparsers.add_parser(
        "cache",
        help="list the derived state kept in your cache for each log, and prune it",
        description=(
            "Each log you open gets a private folder of derived state in your cache (the read\n"
            "model, the id index: see 'What is kept in your cache' in the docs), which is\n"
            "rebuilt from the log whenever it is missing. Nothing removes a folder when its\n"
            "log is moved, deleted or replaced: 'tracker cache' lists them with the state of\n"
            "their logs, 'tracker cache prune' removes those no log can use any more."
        ),
        epilog="Example:\n  $ tracker cache\n  $ tracker cache prune --dry-run",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", title="actions")
    actions.tracker_words = words[1:] if words[:1] == ["cache"] else []
    if words[:1] == ["cache"]:  # 'tracker cache' alone lists
        add_global_options(group, top=False, log=False)
        group.set_defaults(handler=_list, parser=group)
    command(
        actions,
        "list",
        help="each log's folder: where the log was, its state, the folder's size (the default)",
        example="tracker cache list",
        handler=_list,
        log=False,
    )
    p = command(
        actions,
        "prune",
        help="remove the folders of logs that were moved, deleted or replaced",
        description=(
            "Remove the folders whose log is gone (nothing at its path), replaced (another\n"
            "log is there now) or unknown (the folder does not say). Folders of current logs\n"
            "and of PostgreSQL logs (not checked) are kept unless --all is given; anything\n"
            "removed is rebuilt from its log the next time it is opened."
        ),
        example="tracker cache prune --dry-run\ntracker cache prune",
        handler=_prune,
        log=False,
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    p.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="remove every log's folder, current ones too (close other tracker commands first)",
    )


def _list(args: argparse.Namespace) -> None:
    import tracker
    from tracker.cli.outputs import dump
    from tracker.derived.cache import logs_folder

    entries = tracker.cached_logs()
    folder = logs_folder()
    result = dump("cache list", {"folder": str(folder) if folder else None, "logs": entries})
    emit(result, args.json, lambda _r: _list_text(entries, folder, args))


def _list_text(entries: list[CachedLog], folder: Any, args: argparse.Namespace) -> str:
    if not entries:
        where = f" ({folder})" if folder else ""
        return f"no derived state in your cache{where}: each log's folder is made when it is opened"
    rows = [(e.folder.name[:12], e.state, _size(e.size), _when(e, args), e.location or "?")
            for e in entries]
    lines = [table(rows, ("FOLDER", "STATE", "SIZE", "LAST USED", "LOG"), widths=(0, 0, 0, 0, 100))]
    total = sum(e.size for e in entries)
    lines.append(f"{plural(len(entries), 'folder')}, {_size(total)}, in {folder}")
    stale = [e for e in entries if e.prunable]
    if stale:
        lines.append(
            f"{plural(len(stale), 'folder')} ({_size(sum(e.size for e in stale))}) no log can use "
            "any more: 'tracker cache prune' removes them"
        )
    return "\n".join(lines)


def _prune(args: argparse.Namespace) -> None:
    import tracker
    from tracker.cli.outputs import dump

    removed = tracker.prune_cache(everything=args.everything, dry_run=args.dry_run)
    freed = sum(e.size for e in removed)
    result = dump(
        "cache prune",
        {"removed": removed, "bytes": freed, "dry_run": args.dry_run},
    )
    if args.json:
        emit(result, True)
        return
    if not removed:
        say("nothing to prune: every folder belongs to a current log" if not args.everything
            else "nothing to remove: the cache holds no log's folder")
        return
    verb = "would remove" if args.dry_run else "removed"
    say(f"{verb} {plural(len(removed), 'folder')} ({_size(freed)}):")
    for e in removed:
        say(f"  {e.folder.name[:12]}  {e.state:<11}  {e.location or '?'}")
    if args.dry_run:
        say("(dry run: nothing removed)")


def _size(n: int) -> str:
    """``512 bytes``, ``1.2 MB``: decimal units, as file managers show them."""
    if n < 1000:
        return f"{n} bytes"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000:
            break
    return f"{value:.1f} {unit}"


def _when(entry: CachedLog, args: argparse.Namespace) -> str:
    from tracker.cli.common import when

    stamp = entry.last_used_at
    return "-" if stamp is None else when(stamp, args)[:16].replace("T", " ")
