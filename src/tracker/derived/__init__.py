"""Everything tracker derives from a log, and the rules that make it safe to believe.

The log is the only truth. Whatever is derived from it (the index of ids and actors, the seek
samples, checkpoints of replayed state, the read model) can be deleted at any time and is
rebuilt from the log. Derived state follows four rules, and every module here keeps them
through the helpers of :mod:`tracker.derived.files` and :mod:`tracker.derived.key`:

1. **It lives in the user's own cache directory**, never beside the log: ``CACHE/logs/DIGEST/``
   (``CACHE`` is ``$TRACKER_CACHE_DIR``, else ``$XDG_CACHE_HOME/tracker``, else
   ``~/.cache/tracker``), one private folder (mode 0700) per log, named by a digest of the
   store kind, the log's real path (or URL) and its first record. A shared folder carries
   the log and its lock file only, and nobody else can plant derived state for you.
2. **Nothing is written through a symlink.** Files are opened with ``O_NOFOLLOW`` and must be
   regular files of this user; temporary files are created exclusively under unpredictable
   names; anything else found where a derived file or folder belongs is removed (the link
   itself) and rebuilt.
3. **What is believed is authenticated.** A derived file changes an answer or lets a write
   through only when its MAC under the user's key checks out (:mod:`.key`: bound to the
   file's kind and its log) and the record it is anchored to still has the hash it noted.
4. **One way to write a file:** :func:`files.atomic_write` (exclusive temporary file, write,
   fsync, rename, and an fsync of the folder where durability matters).

The API, for the facade and for any new kind of derived state (the read model)::

    from tracker.derived import files, key

    folder = files.log_folder("file", real_path, origin)  # Path | None (None: memory only)
    files.atomic_write(folder / "name", data)              # bool: written or not
    data = files.read_file(folder / "name")                # bytes | None (None: rebuild)
    fd = files.open_own(folder / "name", os.O_RDWR, create=True)  # int | None
    files.discard(folder / "name")                         # remove, never following a link
    sealed = key.seal("kind", scope, body)                 # body + a MAC line (None: no key)
    body = key.unseal("kind", scope, sealed)               # None: forged, damaged or foreign
    mac = key.new_mac("kind", scope)                       # for a file too big to hold

A database that makes side files by path (SQLite's ``-wal``, ``-shm``, ``-journal``) is safe in
a log's folder: no one but this user can write there. Open it only after
``files.open_own(path, os.O_RDWR, create=True)`` has made sure the main file is a regular
file of this user (it replaces anything else), and never believe a row that changes an answer
without its anchor (a record's hash) checking out.

:class:`~tracker.derived.core.Derived` is the one way in for the facade: bound to one open
log (``log.derived``), it holds that log's folder (``log.derived.folder``, and ``.scope`` to
seal under), index, seek samples, checkpoints and the stamp of what this user verified; it
decides what may be believed (see :mod:`tracker.derived.core`). Anything that needs a log's
folder without an open log asks :func:`tracker.derived.core.folder_of(store)`, the one place
that names it.

Modules: :mod:`.files` and :mod:`.key` (the rules), :mod:`.core` (``Derived``), :mod:`.index`
and :mod:`.index_format` (ids and registry; ids looked up in SQLite), :mod:`.seek` (seek samples),
:mod:`.checkpoint` (replayed state). Imports point down only: derived state may import the
store, the events and the projections (a checkpoint holds a replayed state), never the facade
or the command line.
"""
