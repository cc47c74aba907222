"""A Merkle tree over the ledger's chain links, RFC 6962 style. Standard library only: the
offline verifier (:mod:`events.verify`) imports it without Django.

Leaf ``i`` (0-based) is the chain link at ledger position ``i + 1``; since every link commits
to its event and to every link before it, the tree commits to the whole chain, and an
inclusion proof of one link proves both the event and its place. Hashes (RFC 6962 2.1):
``leaf = SHA-256(0x00 || link)``, ``node = SHA-256(0x01 || left || right)``; the root of a tree
of ``n`` leaves splits at the largest power of two below ``n``. See
docs/decisions/0008-proofs-merkle-over-chain.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(link_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(link_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class CompactRange:
    """The roots of the perfect subtrees that make up a tree of ``size`` leaves, left to right
    (at most log2(size) of them): enough to append leaves and to compute the root at any size,
    without keeping the tree."""

    def __init__(self, size: int = 0, hashes: Sequence[str] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a compact range of {size} leaves has {bin(size).count('1')} hashes")
        self.size = size
        self.hashes = [bytes.fromhex(h) for h in hashes]

    def append(self, link_hex: str) -> None:
        self.append_leaf(leaf_hash(link_hex))

    def append_leaf(self, leaf: bytes) -> None:
        node, size = leaf, self.size
        while size & 1:  # merge with the equal-sized subtree on the left
            node = node_hash(self.hashes.pop(), node)
            size >>= 1
        self.hashes.append(node)
        self.size += 1

    def root(self) -> str:
        if not self.hashes:
            return EMPTY_ROOT
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = node_hash(left, node)
        return node.hex()

    def as_hex(self) -> list[str]:
        return [h.hex() for h in self.hashes]


def root_of(links: Iterable[str]) -> str:
    compact = CompactRange()
    for link in links:
        compact.append(link)
    return compact.root()


class Tree:
    """Every level of the tree over ``links``, for inclusion proofs. Each level is one
    ``bytes`` of 32-byte hashes (1,000,000 leaves: about 64 MB)."""

    def __init__(self, links: Iterable[str]) -> None:
        level = b"".join(leaf_hash(link) for link in links)
        self.size = len(level) // 32
        self.levels = [level]
        while len(level) > 32:
            pairs = len(level) // 64
            upper = b"".join(
                node_hash(level[64 * i : 64 * i + 32], level[64 * i + 32 : 64 * i + 64])
                for i in range(pairs)
            )
            self.levels.append(upper)
            level = upper

    def _perfect(self, start: int, size: int) -> bytes:
        """The root of the perfect, aligned subtree of ``size`` leaves starting at ``start``."""
        depth = size.bit_length() - 1
        index = start >> depth
        return self.levels[depth][32 * index : 32 * index + 32]

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range that is perfect or the right edge of a subtree."""
        size = end - start
        if size & (size - 1) == 0:
            return self._perfect(start, size)
        split = 1 << (size - 1).bit_length() - 1
        return node_hash(self._perfect(start, split), self._subtree(start + split, end))

    def root(self, size: int | None = None) -> str:
        size = self.size if size is None else size
        if size == 0:
            return EMPTY_ROOT
        return self._subtree(0, size).hex()

    def inclusion_proof(self, index: int, size: int | None = None) -> list[str]:
        """RFC 6962 PATH(index, D[0:size]): the sibling hashes from the leaf up."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            split = 1 << (end - start - 1).bit_length() - 1
            if index < start + split:
                path.append(self._subtree(start + split, end))
                end = start + split
            else:
                path.append(self._perfect(start, split))
                start += split
        return [h.hex() for h in reversed(path)]


def root_from_inclusion(index: int, size: int, link_hex: str, proof: Sequence[str]) -> str:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2); raise ValueError when the proof
    has the wrong length for ``index`` in a tree of ``size`` leaves."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn = index, size - 1
    node = leaf_hash(link_hex)
    for sibling_hex in proof:
        if sn == 0:
            raise ValueError("the inclusion proof is too long")
        sibling = bytes.fromhex(sibling_hex)
        if len(sibling) != 32:
            raise ValueError("a proof hash is not 32 bytes")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the inclusion proof is too short")
    return node.hex()
