"""One story, many copies: duplicates at three levels.

1. the canonical URL (tracking parameters, fragments, "www.", "amp" pages and trailing slashes left out);
2. the normalised title (no diacritics, no punctuation, no "- Báo X" tail a republisher adds);
3. near-duplicate text: MinHash (datasketch) of the folded word 3-grams; two texts whose estimated Jaccard similarity
   is at least NEAR_JACCARD are copies (a republished article with its own header and footer). The signature is cut
   into BANDS bands whose hashes are indexed rows in the database (locality-sensitive hashing): copies share a band,
   so candidates come from an index lookup, not a scan of every article.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash

from ioc.core.text import fold

PERMUTATIONS = 64
BANDS = 16  # of 4 rows: texts with Jaccard 0.5 share a band with probability 0.64, with 0.8 with 0.9999
NEAR_JACCARD = 0.6
SAME_TITLE_JACCARD = 0.5  # the same title with at least this much of the text in common is a copy
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|zalo_\w+|_ga|mc_\w+|ref|source|cmpid)$", re.IGNORECASE)
TITLE_TAIL = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")  # " - Báo Lai Châu", " | VnExpress"


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/amp/?$|\.amp$", "", parts.path or "/")
    path = path.rstrip("/") or "/"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k))
    )
    return urlunsplit(("https" if parts.scheme in ("http", "https") else parts.scheme, host, path, query, ""))


def title_key(title: str) -> str:
    """The title as duplicates share it: no source tail, no diacritics, no punctuation."""
    title = TITLE_TAIL.sub("", (title or "").strip())
    return " ".join(re.findall(r"\w+", fold(title)))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of the text's folded word 3-grams (None for a text too short to say anything)."""
    tokens = re.findall(r"\w+", fold(text))
    if len(tokens) < 12:
        return None
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
    minhash.update_batch([" ".join(tokens[i : i + 3]).encode() for i in range(len(tokens) - 2)])
    return minhash.hashvalues.astype(np.uint32)


def band_hashes(sig: np.ndarray) -> list[int]:
    """One signed 64-bit hash per band of rows (what the index holds)."""
    rows = PERMUTATIONS // BANDS
    return [
        int.from_bytes(
            hashlib.blake2b(sig[k * rows : (k + 1) * rows].tobytes(), digest_size=8).digest(), "big", signed=True
        )
        for k in range(BANDS)
    ]


def similarity(a: bytes | np.ndarray, b: bytes | np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures."""
    a, b = np.frombuffer(bytes(a), np.uint32), np.frombuffer(bytes(b), np.uint32)
    return float(np.mean(a == b)) if a.size == b.size and a.size else 0.0
