"""Search: Japanese text normalization, tokenizers and the Whoosh index they feed.

The only package that imports whoosh. `textnorm` folds text (width, kana, ー, the
variant dictionary), `tokens` cuts it into bigrams and SudachiPy words, `index`
builds and updates an index on disk, `query` searches it and highlights the matches (`semantic` adds closeness in meaning
from word vectors),
`sync` runs index updates only after the database change they mirror is committed.
The FAQ (hotline.faq.search) and the answer templates (hotline.answers.search) each
keep an index of their own.
"""

from .index import (  # noqa: F401
    ANALYZERS, DEFAULT_ANALYZER, KEEP_OLD_VERSIONS, JaTokenizer, document_ids, plain_text,
    rebuild_index, remove_document, upsert_document,
)
from .query import Hit, related, search  # noqa: F401
from .textnorm import normalize  # noqa: F401
from . import semantic, tokens


def preload() -> None:
    """Load the variant dictionary, Sudachi and the word vectors now (before forking workers)."""
    tokens.preload()
    semantic.preload()
