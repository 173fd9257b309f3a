"""Keyword sets as officers write them, matched on Vietnamese word boundaries.

A set has terms (aliases: any of them), words to exclude, and optionally a boolean query with AND, OR, NOT,
NEAR/n and parentheses, e.g. `"Lai Châu" AND (đường OR cầu) NOT "xổ số"`, `"Nguyễn Văn A" NEAR/5 "tham nhũng"`.

How a term matches a word of the text:
- whole words only ("Châu" is not in "Châuu"), a phrase word by word;
- diacritics count: "Lai Châu" does not match "lại châu"; but text typed without any diacritics ("Lai Chau", as
  many social posts are) matches the term read without them, and a term typed without them matches any;
- a term written with capitals is a name: it matches capitalised or all-capital text only, so the ward "Đoàn Kết"
  is not the slogan's "đoàn kết" — unless the set ignores case. A lower-case term matches any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ioc.core.text import fold, nfc

WORD = re.compile(r"\w+", re.UNICODE)
TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|(NEAR/\d+)\b|(AND|OR|NOT)\b|([^\s()"]+))')
MAX_QUERY = 2000


class QueryError(ValueError):
    """A query that cannot be read; the message says where."""


def words(text: str) -> list[str]:
    return WORD.findall(nfc(text))


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]

    def positions(self, text_words: list[str], folded: list[str], ignore_case: bool) -> list[int]:
        """Where the phrase starts in the text (word indexes)."""
        n = len(self.words)
        if not n:
            return []
        found = []
        for start in range(len(text_words) - n + 1):
            if all(
                _word_matches(self.words[k], text_words[start + k], folded[start + k], ignore_case) for k in range(n)
            ):
                found.append(start)
        return found

    def __str__(self) -> str:
        return " ".join(self.words)


def _word_matches(term: str, word: str, folded_word: str, ignore_case: bool) -> bool:
    if folded_word != fold(term):
        return False
    name = not ignore_case and term.lower() != term  # a capitalised term is a name
    if name and not (word[:1].isupper() or word.isupper()):
        return False
    plain_text, plain_term = folded_word == word.lower(), fold(term) == term.lower()
    if plain_text or plain_term:
        return True  # one side has no diacritics: read both without them
    return word.lower() == term.lower()


@dataclass(frozen=True)
class Node:
    op: str  # "term", "and", "or", "not", "near"
    children: tuple = ()
    term: Term | None = None
    distance: int = 0


def parse(query: str) -> Node | None:
    """The query's tree, or None for an empty query; QueryError for one that cannot be read."""
    query = nfc(query or "").strip()
    if not query:
        return None
    if len(query) > MAX_QUERY:
        raise QueryError(f"The query is longer than {MAX_QUERY} characters.")
    tokens = _tokens(query)
    node, rest = _or(tokens)
    if rest:
        raise QueryError(f"Unexpected “{rest[0][1]}” in the query.")
    return node


def _tokens(query: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(query):
        match = TOKEN.match(query, position)
        if not match or match.end() == position:
            if query[position:].strip():
                raise QueryError("An opening quote has no closing quote.")
            break
        position = match.end()
        opening, closing, phrase, near, op, word = match.groups()
        if opening:
            tokens.append(("(", "("))
        elif closing:
            tokens.append((")", ")"))
        elif phrase is not None:
            tokens.append(("term", phrase))
        elif near:
            tokens.append(("near", near))
        elif op:
            tokens.append((op.lower(), op))
        elif word:
            tokens.append(("term", word))
    return tokens


def _or(tokens):
    node, tokens = _and(tokens)
    children = [node]
    while tokens and tokens[0][0] == "or":
        right, tokens = _and(tokens[1:])
        children.append(right)
    return (node if len(children) == 1 else Node("or", tuple(children))), tokens


def _and(tokens):
    node, tokens = _near(tokens)
    children = [node]
    while tokens and tokens[0][0] in ("and", "not", "term", "("):
        if tokens[0][0] == "and":
            tokens = tokens[1:]
        if tokens and tokens[0][0] == "not":
            right, tokens = _near(tokens[1:])
            children.append(Node("not", (right,)))
        else:
            right, tokens = _near(tokens)
            children.append(right)
    return (node if len(children) == 1 else Node("and", tuple(children))), tokens


def _near(tokens):
    node, tokens = _atom(tokens)
    while tokens and tokens[0][0] == "near":
        distance = int(tokens[0][1].split("/")[1])
        right, tokens = _atom(tokens[1:])
        if node.op != "term" or right.op != "term":
            raise QueryError("NEAR joins two words or phrases.")
        node = Node("near", (node, right), distance=distance)
    return node, tokens


def _atom(tokens):
    if not tokens:
        raise QueryError("The query ends where a word was expected.")
    kind, value = tokens[0]
    if kind == "(":
        node, rest = _or(tokens[1:])
        if not rest or rest[0][0] != ")":
            raise QueryError("A parenthesis is not closed.")
        return node, rest[1:]
    if kind == "not":
        raise QueryError("NOT needs something before it: “A NOT B”.")
    if kind == "term":
        term_words = tuple(words(value))
        if not term_words:
            raise QueryError(f"“{value}” has no word in it.")
        return Node("term", term=Term(term_words)), tokens[1:]
    raise QueryError(f"Unexpected “{value}” in the query.")


@dataclass
class Text:
    """A text read once for matching many sets."""

    words: list[str]
    folded: list[str]  # each word without diacritics, lower case

    @classmethod
    def of(cls, text: str) -> Text:
        text_words = words(text)
        return cls(text_words, [fold(w) for w in text_words])


def evaluate(node: Node, text: Text, ignore_case: bool, found: set[str]) -> bool:
    """Whether the tree matches; the terms that matched are added to `found` (to explain the match)."""
    if node.op == "term":
        if node.term.positions(text.words, text.folded, ignore_case):
            found.add(str(node.term))
            return True
        return False
    if node.op == "or":
        return any([evaluate(child, text, ignore_case, found) for child in node.children])  # noqa: C419 (all terms)
    if node.op == "and":
        return all(evaluate(child, text, ignore_case, found) for child in node.children)
    if node.op == "not":
        return not evaluate(node.children[0], text, ignore_case, set())
    left, right = node.children
    a = left.term.positions(text.words, text.folded, ignore_case)
    b = right.term.positions(text.words, text.folded, ignore_case)
    if any(abs(i - j) <= node.distance + len(left.term.words) for i in a for j in b):
        found.update((str(left.term), str(right.term)))
        return True
    return False


@dataclass(frozen=True)
class Matcher:
    """One keyword set, compiled: any of `terms`, and the `query` if given, and none of `exclude`."""

    terms: tuple[Term, ...]
    exclude: tuple[Term, ...]
    query: Node | None
    ignore_case: bool = False

    @classmethod
    def build(cls, terms: str, exclude: str = "", query: str = "", ignore_case: bool = False) -> Matcher:
        def lines(text):
            return tuple(Term(tuple(words(line))) for line in nfc(text or "").splitlines() if words(line))

        matcher = cls(lines(terms), lines(exclude), parse(query), ignore_case)
        if not matcher.terms and matcher.query is None:
            raise QueryError("A keyword set needs at least one term or a query.")
        return matcher

    def match(self, text: Text) -> list[str]:
        """The terms that matched (empty: no match)."""
        found: set[str] = set()
        for term in self.exclude:
            if term.positions(text.words, text.folded, self.ignore_case):
                return []
        if self.terms:
            hits = [str(t) for t in self.terms if t.positions(text.words, text.folded, self.ignore_case)]
            if not hits:
                return []
            found.update(hits)
        if self.query is not None and not evaluate(self.query, text, self.ignore_case, found):
            return []
        return sorted(found)
