"""Check a proof bundle offline: ``python -m events.verify BUNDLE --public-key KEY``.

Standard library plus ``cryptography`` only: no Django, no database, no network. It imports
nothing but :mod:`events.hashing`, :mod:`events.merkle` and :mod:`events.signatures`, which
are as small; an auditor can read all four files. What it checks, in order:

1. the bundle is JSON of the known format;
2. the checkpoint's signature, and that its key is one the auditor trusts (``--public-key``,
   the operator's published key; ``--trust-bundle-key`` skips this and says so);
3. the manifest: signed by the same key, naming this checkpoint and this subject, listing
   exactly the bundle's events and anchors in order (none left out, added or reordered);
4. each event: its hash recomputed from its content, its chain link from the link before it,
   and the inclusion proof of that link up to the checkpoint's signed Merkle root at its
   position; positions increasing; each stream's versions 1, 2, 3, ... without a gap;
5. completeness, through the stream index signed for the checkpoint (by the same key,
   naming it): for each stream the bundle proves, its leaf (key SHA-256 of the id, value a
   hash of its last version, position and link up to the checkpoint) is in the index's
   Merkle tree and matches the bundle's last event of the stream, so the bundle left no
   later event out; or two adjacent leaves of the sorted index enclose the stream's key, so
   the stream has no event at all up to the checkpoint;
6. each anchor (a report's pinned position and chain hash) by its inclusion proof, and the
   subject's pinned position and chain hash among them;
7. with ``--file``, that each file's SHA-256 is one the subject lists (a report's files);
8. with ``--stream ID``, that the bundle proves that stream (complete, or empty).

Bundles of the older format ``events-proof/1`` (no stream index) are checked for inclusion
only, and say so.

Exit status 0 when everything holds, 1 otherwise (the first problem is named), 2 on usage.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from events import hashing, merkle, signatures

BUNDLE_FORMAT = "events-proof/2"
INCLUSION_ONLY_FORMAT = "events-proof/1"  # older bundles: no stream index, no completeness
STREAM_INDEX_FORMAT = "events-stream-index/1"
HEX64 = frozenset("0123456789abcdef")


def stream_key(stream_id: str) -> str:
    """A stream's key in the stream index: SHA-256 of its id (a neighbour's key in an
    absence proof shows a hash, not an id)."""
    return hashlib.sha256(stream_id.encode("utf-8")).hexdigest()


def stream_entry(version: int, position: int, link: str) -> str:
    """A stream's value in the stream index: its last version up to the checkpoint, the
    position of that event and its chain link, hashed (a neighbour's value shows nothing)."""
    return hashlib.sha256(f"{version}:{position}:{link}".encode("ascii")).hexdigest()


class Invalid(Exception):
    """The bundle does not prove what it claims."""


def _hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= HEX64:
        raise Invalid(f"{what} is not a SHA-256 hex digest")
    return value


def _int(value: Any, what: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise Invalid(f"{what} is not an integer of at least {minimum}")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} is not a string")
    return value


def _time(value: Any, what: str) -> datetime:
    text = _str(value, what)
    try:
        parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{what} is not a UTC time as hashed") from None
    if hashing.format_time(parsed) != text:
        raise Invalid(f"{what} is not in canonical form")
    return parsed


def _included(index: int, size: int, link: str, proof: Any, root: str, what: str) -> None:
    if not isinstance(proof, list):
        raise Invalid(f"{what}: the inclusion proof is not a list")
    try:
        computed = merkle.root_from_inclusion(index, size, link, [str(p) for p in proof])
    except ValueError as exc:
        raise Invalid(f"{what}: {exc}") from None
    if computed != root:
        raise Invalid(f"{what}: the inclusion proof does not lead to the checkpoint's root")


def _leaf(item: Any, count: int, root: str, what: str) -> tuple[int, str, str]:
    """A stream index leaf ``{index, key, entry, proof}`` proven in the index's tree."""
    if not isinstance(item, dict):
        raise Invalid(f"{what}: a leaf is not an object")
    index = _int(item.get("index"), f"{what} index")
    key = _hex64(item.get("key"), f"{what} key")
    entry = _hex64(item.get("entry"), f"{what} entry")
    _included(index, count, key + entry, item.get("proof"), root, what)
    return index, key, entry


def _absent(proof: Any, key: str, count: int, root: str, what: str) -> None:
    """The index has no leaf with ``key``: its leaves are sorted by key, and the proof shows
    the two adjacent leaves around where it would be (or the first or last, or none)."""
    if not isinstance(proof, dict):
        raise Invalid(f"{what}: the absence proof is not an object")
    left, right = proof.get("left"), proof.get("right")
    if count == 0:
        if left is not None or right is not None or root != merkle.EMPTY_ROOT:
            raise Invalid(f"{what}: an empty index with leaves")
        return
    low = _leaf(left, count, root, what) if left is not None else None
    high = _leaf(right, count, root, what) if right is not None else None
    if (
        (low is None and (high is None or high[0] != 0))
        or (high is None and low is not None and low[0] != count - 1)
        or (low is not None and high is not None and high[0] != low[0] + 1)
    ):
        raise Invalid(f"{what}: the absence proof's leaves are not adjacent")
    if (low is not None and not low[1] < key) or (high is not None and not key < high[1]):
        raise Invalid(f"{what}: the absence proof's leaves do not enclose the stream's key")


def _stream_index(
    section: Any,
    listed: dict[str, Any],
    checkpoint: dict[str, Any],
    heads: dict[str, tuple[int, int, str]],
) -> dict[str, int]:
    """Check the signed stream index and the bundle's entries in it; return, per stream,
    the position of its last event up to the checkpoint (0: it has none)."""
    if not isinstance(section, dict):
        raise Invalid("the bundle has no stream index")
    signed = section.get("statement")
    problem = signatures.check(signed, expected_format=STREAM_INDEX_FORMAT)
    if problem:
        raise Invalid(f"stream index: {problem}")
    assert isinstance(signed, dict)
    index = signed["statement"]
    if index.get("key_id") != checkpoint.get("key_id"):
        raise Invalid("stream index: not signed by the checkpoint's key")
    if index.get("checkpoint") != signatures.digest(checkpoint) or index.get(
        "position"
    ) != checkpoint.get("position"):
        raise Invalid("stream index: it names another checkpoint")
    if listed.get("stream_index") != signatures.digest(index):
        raise Invalid("manifest: it names another stream index")
    count = _int(index.get("streams"), "stream index size")
    root = _hex64(index.get("root"), "stream index root")
    entries = section.get("streams")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Invalid("the stream index's entries are missing")
    if listed.get("streams") != [e.get("stream_id") for e in entries]:
        raise Invalid("the stream index's entries are not the ones the manifest lists")
    complete: dict[str, int] = {}
    for item in entries:
        stream_id = _str(item.get("stream_id"), "a stream index entry's stream")
        what = f"stream index entry of {stream_id}"
        key = stream_key(stream_id)
        if "absent" in item:
            _absent(item["absent"], key, count, root, what)
            if stream_id in heads:
                raise Invalid(f"{what}: the index has none, yet the bundle holds its events")
            complete[stream_id] = 0
            continue
        _, leaf_key, entry = _leaf(item, count, root, what)
        if leaf_key != key:
            raise Invalid(f"{what}: the leaf is another stream's")
        if stream_id not in heads:
            raise Invalid(f"{what}: the stream has events the bundle leaves out")
        version, position, link = heads[stream_id]
        if entry != stream_entry(version, position, link):
            raise Invalid(
                f"{what}: the stream's last event up to the checkpoint is not its version "
                f"{version} at position {position}: the bundle leaves later events out"
            )
        complete[stream_id] = position
    if set(heads) - set(complete):
        raise Invalid("the bundle holds events of a stream the stream index does not prove")
    return complete


def check_bundle(
    bundle: Any,
    trusted: set[str] | None,
    files: list[Path] | None = None,
    streams: list[str] | None = None,
) -> dict[str, Any]:
    """Verify a parsed bundle; return a summary, or raise :class:`Invalid`. ``trusted``:
    key ids the caller trusts; None trusts the bundle's own key (say so to the reader).
    ``streams``: stream ids the bundle must prove complete up to its checkpoint (every
    event of each, or that it has none)."""
    version_of_format = bundle.get("format") if isinstance(bundle, dict) else None
    if version_of_format not in (BUNDLE_FORMAT, INCLUSION_ONLY_FORMAT):
        raise Invalid(f"not a {BUNDLE_FORMAT} bundle")
    checkpoint, manifest = bundle.get("checkpoint"), bundle.get("manifest")
    problem = signatures.check(checkpoint, expected_format=signatures.CHECKPOINT_FORMAT)
    if problem:
        raise Invalid(f"checkpoint: {problem}")
    assert isinstance(checkpoint, dict)
    statement = checkpoint["statement"]
    key_id = _str(statement.get("key_id"), "checkpoint key id")
    if trusted is not None and key_id not in trusted:
        raise Invalid(f"checkpoint: signed by key {key_id}, which is not trusted")
    size = _int(statement.get("position"), "checkpoint position")
    root = _hex64(statement.get("merkle_root"), "checkpoint Merkle root")
    _hex64(statement.get("chain_hash"), "checkpoint chain hash")

    problem = signatures.check(manifest, expected_format=signatures.MANIFEST_FORMAT)
    if problem:
        raise Invalid(f"manifest: {problem}")
    assert isinstance(manifest, dict)
    listed = manifest["statement"]
    if listed.get("key_id") != key_id:
        raise Invalid("manifest: not signed by the checkpoint's key")
    if listed.get("checkpoint") != signatures.digest(statement):
        raise Invalid("manifest: it names another checkpoint")
    subject = bundle.get("subject")
    if not isinstance(subject, dict) or listed.get("subject") != subject:
        raise Invalid("manifest: it names another subject")
    events, anchors = bundle.get("events"), bundle.get("anchors")
    if not isinstance(events, list) or not isinstance(anchors, list):
        raise Invalid("the bundle's events or anchors are missing")
    if not all(isinstance(item, dict) for item in [*events, *anchors]):
        raise Invalid("an event or anchor is not an object")
    if listed.get("events") != [[e.get("position"), e.get("hash")] for e in events]:
        raise Invalid("the events are not the ones the manifest lists, in its order")
    if listed.get("anchors") != [[a.get("position"), a.get("link")] for a in anchors]:
        raise Invalid("the anchors are not the ones the manifest lists, in its order")

    versions: dict[str, int] = {}
    heads: dict[str, tuple[int, int, str]] = {}  # stream -> its last (version, position, link)
    last = 0
    for number, event in enumerate(events, start=1):
        what = f"event {number}"
        position = _int(event.get("position"), f"{what} position", 1)
        if position <= last:
            raise Invalid(f"{what}: positions do not increase ({position} after {last})")
        if position > size:
            raise Invalid(f"{what}: position {position} is beyond the checkpoint ({size})")
        last = position
        stream_id = _str(event.get("stream_id"), f"{what} stream")
        version = _int(event.get("version"), f"{what} version", 1)
        recomputed = hashing.event_hash(
            event_id=_str(event.get("event_id"), f"{what} id"),
            stream_id=stream_id,
            stream_type=_str(event.get("stream_type"), f"{what} stream type"),
            version=version,
            type=_str(event.get("type"), f"{what} type"),
            schema_version=_int(event.get("schema_version"), f"{what} schema version", 1),
            occurred_at=_time(event.get("occurred_at"), f"{what} occurred_at"),
            recorded_at=_time(event.get("recorded_at"), f"{what} recorded_at"),
            data_json=_str(event.get("data"), f"{what} data"),
            metadata_json=_str(event.get("metadata"), f"{what} metadata"),
        )
        if recomputed != _hex64(event.get("hash"), f"{what} hash"):
            raise Invalid(f"{what} (position {position}): its content does not match its hash")
        link = _hex64(event.get("link"), f"{what} link")
        previous = _hex64(event.get("previous_link"), f"{what} previous link")
        if hashing.chain_hash(previous, recomputed) != link:
            raise Invalid(f"{what} (position {position}): its chain link does not match")
        _included(position - 1, size, link, event.get("proof"), root, f"{what} ({position})")
        if version != versions.get(stream_id, 0) + 1:
            raise Invalid(
                f"{what}: {stream_id} version {version} follows {versions.get(stream_id, 0)}"
            )
        versions[stream_id] = version
        heads[stream_id] = (version, position, link)
    if subject.get("kind") == "stream":
        expected = subject.get("stream_ids")
        if not isinstance(expected, list) or set(versions) - set(expected):
            raise Invalid("the bundle holds events of streams its subject does not name")
    complete: dict[str, int] = {}
    if version_of_format == BUNDLE_FORMAT:
        complete = _stream_index(bundle.get("stream_index"), listed, statement, heads)
        named = subject.get("stream_ids")
        if isinstance(named, list) and set(named) - set(complete):
            raise Invalid("the bundle does not prove every stream its subject names")
    for stream_id in streams or []:
        if stream_id not in complete:
            raise Invalid(
                f"the bundle does not prove stream {stream_id}"
                + (
                    " (a bundle of the older format proves inclusion only)"
                    if version_of_format == INCLUSION_ONLY_FORMAT
                    else ""
                )
            )
    for stream_id in complete:
        versions.setdefault(stream_id, 0)

    proven: dict[int, str] = {}
    for number, anchor in enumerate(anchors, start=1):
        what = f"anchor {number}"
        position = _int(anchor.get("position"), f"{what} position", 1)
        if position > size:
            raise Invalid(f"{what}: position {position} is beyond the checkpoint ({size})")
        link = _hex64(anchor.get("link"), f"{what} link")
        _included(position - 1, size, link, anchor.get("proof"), root, what)
        proven[position] = link
    if "position" in subject or "chain_hash" in subject:
        pinned = subject.get("position")
        if not isinstance(pinned, int) or proven.get(pinned) != subject.get("chain_hash"):
            raise Invalid(f"the subject's pinned position {pinned} and chain hash are not proven")

    listed_files = subject.get("files")
    digests = {
        f.get("sha256")
        for f in (listed_files if isinstance(listed_files, list) else [])
        if isinstance(f, dict)
    }
    for path in files or []:
        if hashlib.sha256(path.read_bytes()).hexdigest() not in digests:
            raise Invalid(f"{path}: its SHA-256 is not one the subject lists")

    return {
        "ok": True,
        "subject": subject,
        "checkpoint": {
            "position": size,
            "chain_hash": statement["chain_hash"],
            "merkle_root": root,
            "created_at": statement.get("created_at"),
            "key_id": key_id,
        },
        "events": len(events),
        "streams": versions,
        "complete": complete,
        "anchors": sorted(proven),
        "files": [str(p) for p in files or []],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m events.verify",
        description="Verify a proof bundle offline (no database, no Django).",
    )
    parser.add_argument("bundle", help="The bundle (JSON) written by manage.py export_proof.")
    parser.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="KEY",
        help="A trusted Ed25519 public key: base64 or hex of its 32 bytes, PEM, or a file "
        "holding one. Repeatable.",
    )
    parser.add_argument(
        "--trust-bundle-key",
        action="store_true",
        help="Trust whatever key signed the bundle (only checks internal consistency).",
    )
    parser.add_argument(
        "--file",
        action="append",
        default=[],
        type=Path,
        help="A file (a report's PDF, HTML or CSV) whose SHA-256 the subject must list.",
    )
    parser.add_argument(
        "--stream",
        action="append",
        default=[],
        metavar="ID",
        help="A stream the bundle must prove: every event of it up to the checkpoint, or "
        "that it has none. Repeatable.",
    )
    parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
    args = parser.parse_args(argv)
    if not args.public_key and not args.trust_bundle_key:
        parser.error("give the operator's published key with --public-key (or --trust-bundle-key)")
    try:
        trusted = {
            signatures.key_id(signatures.public_text(signatures.public_key_argument(k)))
            for k in args.public_key
        }
    except (signatures.BadKeyError, OSError) as exc:
        parser.error(str(exc))
    try:
        try:
            bundle = json.loads(Path(args.bundle).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise Invalid(f"cannot read the bundle: {exc}") from None
        summary = check_bundle(
            bundle, None if args.trust_bundle_key else trusted, args.file, args.stream
        )
    except Invalid as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}))
        else:
            print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    point = summary["checkpoint"]
    size = point["position"]
    print(
        f"VERIFIED against the log signed at position {size} (chain hash "
        f"{point['chain_hash']}, signed {point['created_at']} by key {point['key_id']}):"
    )
    for stream_id, version in sorted(summary["streams"].items()):
        last = summary["complete"].get(stream_id)
        if last == 0:
            print(f"  {stream_id}: no events up to position {size} (the stream index has none)")
        elif last is not None:
            print(
                f"  {stream_id}: versions 1 to {version}, complete up to position {size} "
                f"(its last event at position {last})"
            )
        else:
            print(
                f"  {stream_id}: versions 1 to {version} (not proven complete: a bundle of "
                f"format {INCLUSION_ONLY_FORMAT} cannot show there are no more)"
            )
    for position in summary["anchors"]:
        print(f"  chain link at position {position}")
    for path in summary["files"]:
        print(f"  file {path}: its SHA-256 is listed by the subject")
    if args.trust_bundle_key:
        print(
            f"WARNING: key {point['key_id']} was not checked against a published key "
            "(--trust-bundle-key)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
