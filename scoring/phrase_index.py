"""Every phrase list of a rubric in one index, so one pass over a turn finds the matches of all of them.

A rubric looks for many phrase lists in each turn (each criterion's phrases, exclusions and phrases against,
the rules' cues, problem cues, escalation phrases, critical items). `PhraseSet.scan` walks a turn's token
keys once, following a word trie of the phrases of every list from each token, and each list
then keeps its own non-overlapping matches left to right, longest phrase first at a position — exactly
what `scoring.phrases.find` gives for that list alone.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from scoring.phrases import VI_FOLDED, Match, MatchMode, _build_index, _match_at, _tolerant_index, flatten, keep_exact
from scoring.tolerant import build_tolerant, merge_tolerant, tolerant_matches

if TYPE_CHECKING:  # pragma: no cover
    from scoring.rubric_schema import Rubric

_Member = tuple[int, int, str]  # (slot: which list, rank within that list at this first word, phrase)


class _Node:
    """A trie node over words: phrases (of any list) that end here, deeper nodes, and at a first word the
    phrases with a gap that start with it (matched by `_match_at`)."""

    __slots__ = ("children", "members", "gapped")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.members: tuple[_Member, ...] = ()
        self.gapped: tuple[tuple[tuple[str, ...], frozenset[str], tuple[_Member, ...]], ...] = ()


# a node as a tuple for the scan: (phrases ending here, deeper nodes by next word or None, gapped phrases)
_Frozen = tuple


def _frozen(node: _Node) -> _Frozen:
    children = {word: _frozen(child) for word, child in node.children.items()} or None
    return node.members, children, node.gapped


class PhraseSet:
    """Phrase lists (tuples, identified by identity) compiled into one word trie per form (with diacritics,
    folded). Hold on to the lists: a list is recognised by its identity."""

    def __init__(self, lists: Iterable[tuple[str, ...]], first_slot: int = 0) -> None:
        self._lists: list[tuple[str, ...]] = []
        self._slots: dict[int, int] = {}
        self.first_slot = first_slot  # slots are first_slot, first_slot + 1, ...: sets of one rubric never share one
        for phrases in lists:
            if phrases and id(phrases) not in self._slots:
                self._slots[id(phrases)] = first_slot + len(self._lists)
                self._lists.append(phrases)
        self._roots = {False: self._trie(False), True: self._trie(True), VI_FOLDED: self._trie(VI_FOLDED)}
        self._tolerant = {folded: build_tolerant(
            (slot, pattern, phrase) for slot, phrases in enumerate(self._lists, first_slot)
            for pattern, phrase in dict.fromkeys((e[1], e[3]) for entries in _tolerant_index(phrases, folded).values()
                                                 for e in entries))
            for folded in (False, True, VI_FOLDED)}

    def __len__(self) -> int:
        return len(self._lists)

    def slot(self, phrases: tuple[str, ...]) -> int | None:
        """The list's number in the set, or None when it is not one of the set's lists."""
        slot = self._slots.get(id(phrases))
        return slot if slot is not None and self._lists[slot - self.first_slot] is phrases else None

    def _trie(self, folded: MatchMode) -> dict[str, _Frozen]:
        roots: dict[str, _Node] = {}
        gapped: dict[str, dict[tuple[str, ...], list[_Member]]] = {}
        for slot, phrases in enumerate(self._lists, self.first_slot):
            for key, entries in _build_index(phrases, folded).items():  # the order `find` tries them in
                for rank, (pattern, phrase) in enumerate(entries):
                    if "*" in pattern:
                        gapped.setdefault(key, {}).setdefault(pattern, []).append((slot, rank, phrase))
                        continue
                    node = roots.setdefault(key, _Node())
                    for word in pattern[1:]:
                        node = node.children.setdefault(word, _Node())
                    node.members += ((slot, rank, phrase),)
        for key, patterns in gapped.items():
            roots.setdefault(key, _Node()).gapped = tuple((p, frozenset(p[1:]) - {"*"}, tuple(m))
                                                          for p, m in patterns.items())
        return {key: _frozen(node) for key, node in roots.items()}

    def scan(self, keys: Sequence[str], folded: MatchMode) -> dict[int, list[Match]]:
        """{slot: `find(keys, that list)`} for every list with a match in the token keys."""
        roots = self._roots[folded]
        starts = [i for i, key in enumerate(keys) if key in roots]
        out = self._exact(keys, roots, starts) if starts else {}
        tolerant = self._tolerant[folded]
        if tolerant:
            near = tolerant_matches(keys, tolerant)
            for slot, found in near.items():
                out[slot] = list(map(_match, merge_tolerant(out.get(slot, []), found)))
        return out

    def scan_across(self, before: Sequence[str], keys: Sequence[str], folded: MatchMode,
                    reach: int = 8) -> dict[int, list[Match]]:
        """{slot: matches} of the phrases that start in the turn before (`before`, the same speaker's previous
        turn) and end in this one (`keys`), clipped to this turn's tokens (first = 0)."""
        tail, head = tuple(before[-reach:]), tuple(keys[:reach])
        if not tail or not head:
            return {}
        cut = len(tail)
        out: dict[int, list[Match]] = {}
        for slot, found in self.scan(tail + head, folded).items():
            crossing = [_match((m.phrase, 0, m.last - cut)) for m in found if m.first < cut <= m.last]
            if crossing:
                out[slot] = crossing
        return out

    def _exact(self, keys: Sequence[str], roots: dict[str, _Frozen], starts: list[int]) -> dict[int, list[Match]]:
        """{slot: exact matches} (the trie walk)."""
        candidates: dict[int, list[tuple[int, int, int, str]]] = {}
        n, words = len(keys), None
        for i in starts:
            members, children, gapped = roots[keys[i]]
            j = i
            while True:  # every gap-free phrase that matches from token i ends on this path
                if members:
                    for slot, rank, phrase in members:
                        found = candidates.get(slot)
                        if found is None:
                            candidates[slot] = [(i, rank, j, phrase)]
                        else:
                            found.append((i, rank, j, phrase))
                j += 1
                if children is None or j == n:
                    break
                node = children.get(keys[j])
                if node is None:
                    break
                members, children, _ = node
            if gapped:
                for pattern, needs, members in gapped:
                    if words is None:
                        words = set(keys)
                    if not needs <= words:  # a word of the phrase is not in the turn at all
                        continue
                    last = _match_at(keys, pattern, i, 0)
                    if last is not None:
                        for slot, rank, phrase in members:
                            candidates.setdefault(slot, []).append((i, rank, last, phrase))
        out: dict[int, list[Match]] = {}
        for slot, found in candidates.items():
            if len(found) == 1:
                i, _rank, last, phrase = found[0]
                out[slot] = [_match((phrase, i, last))]
                continue
            found.sort()  # by position, then rank (unique per position: one first word per position)
            matches, free = [], 0
            for i, _rank, last, phrase in found:
                if i >= free:  # the best-ranked phrase at the first free position; the match ends at or after i
                    matches.append(_match((phrase, i, last)))
                    free = last + 1
            out[slot] = matches
        return out


_match = partial(tuple.__new__, Match)  # Match(phrase, first, last) without the Python-level __new__



def rubric_lists(rubric: Rubric, customer: bool | None = None) -> list[tuple[str, ...]]:
    """The phrase lists a rubric's scoring looks for (the identities `scoring.rubric` and the rules use):
    `customer` True: in the customer's turns (problem cues, escalation requests, the rules' `CUSTOMER_PARAMS`);
    False: in the other turns (criteria and their `shows_problem`, critical items, rule cues, escalations
    performed); None: all."""
    for c in rubric.criteria + rubric.critical:
        keep_exact(c.all_phrases("exclude"))
    heard = [rubric.all_problem_cues(), flatten(rubric.escalation.get("requested", {}))]
    heard += [flatten(v) for c in rubric.criteria for spec in c.rules for k, v in spec.params.items()
              if k in CUSTOMER_PARAMS and isinstance(v, dict)]

    said = [flatten(v) for k, v in rubric.escalation.items() if k != "requested"]
    for c in rubric.criteria + rubric.critical:
        said += [c.all_phrases(), c.all_phrases("exclude"), c.all_phrases("against")]
        said += [flatten(v) for spec in c.rules for k, v in spec.params.items()
                 if isinstance(v, dict) and k not in CUSTOMER_PARAMS]
        said.append(c.all_phrases("shows_problem"))
    return heard if customer else said if customer is False else heard + said


_BY_RUBRIC: dict[int, tuple[Rubric, PhraseSet, PhraseSet]] = {}


def rubric_phrase_sets(rubric: Rubric) -> tuple[PhraseSet, PhraseSet]:
    """(the customer's turns' `PhraseSet`, the other turns' one) of a rubric, built once per rubric object. A
    list looked for in a turn whose set lacks it is still matched, alone (`TurnTokens.matches`)."""
    hit = _BY_RUBRIC.get(id(rubric))
    if hit is None or hit[0] is not rubric:
        if len(_BY_RUBRIC) > 64:
            _BY_RUBRIC.clear()
        heard = PhraseSet(rubric_lists(rubric, True))
        hit = _BY_RUBRIC[id(rubric)] = (rubric, heard, PhraseSet(rubric_lists(rubric, False), len(heard)))
    return hit[1], hit[2]


CUSTOMER_PARAMS = ("closures",)  # rule parameters whose phrases are looked for in the customer's turns
