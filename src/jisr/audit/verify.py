"""Verification of the audit chains (used by `jisr audit_verify`)."""

from __future__ import annotations

from dataclasses import dataclass

from jisr.audit.chain import GENESIS, event_hash
from jisr.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: str
    problem: str


def verify_chains(batch: int = 2000) -> tuple[int, list[ChainBreak]]:
    """Walk every chain in order. Returns (events checked, first break of each broken chain).

    Detects an edited event (its hash no longer matches), a removed event (sequence gap or broken
    link) and removed newest events (the tail no longer matches the chain head).
    """
    checked = 0
    breaks: list[ChainBreak] = []
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        prev_hash, expected_seq, broken = GENESIS, 1, None
        last_id = ""
        for event in AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=batch):
            checked += 1
            if event.seq != expected_seq:
                broken = ChainBreak(chain, expected_seq, str(event.id), f"event #{expected_seq} is missing")
            elif event.prev_hash != prev_hash:
                broken = ChainBreak(chain, event.seq, str(event.id), "link to the previous event is broken")
            elif event_hash(event.prev_hash, event.payload()) != event.hash:
                broken = ChainBreak(chain, event.seq, str(event.id), "event was altered after it was written")
            if broken:
                break
            prev_hash, expected_seq, last_id = event.hash, expected_seq + 1, str(event.id)
        if broken is None:
            head = heads.get(chain)
            if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
                broken = ChainBreak(chain, expected_seq - 1, last_id, "newest events were removed (tail ≠ head)")
        if broken:
            breaks.append(broken)
    return checked, breaks
