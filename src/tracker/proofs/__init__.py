"""Proofs about a log: Merkle tree heads, signed notes, keys, inclusion and consistency proofs.

- :mod:`tracker.proofs.merkle`: the RFC 9162 tree over the records' hashes and its proofs;
- :mod:`tracker.proofs.note`: C2SP signed notes, Ed25519 keys and witness cosignatures;
- :mod:`tracker.proofs.keys`: key pairs in the user's config directory, trusted-keys files;
- :mod:`tracker.proofs.proof`: proof files and their offline checks (no log needed);
- :mod:`tracker.proofs.tree`: a log's tree as derived state, kept in the user's cache;
- :mod:`tracker.proofs.audit`: who signed each record, and erasures, for ``verify``.

Nothing here is imported by reading, replaying or verifying a log without heads or keys; the
``cryptography`` library loads only when a signature is made or checked.
"""
