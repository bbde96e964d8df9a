"""The documents package's public API is small and explicit: pinned here."""

import reportarchiver.documents as documents


def test_the_documents_api_is_exactly_this() -> None:
    assert set(documents.__all__) == {
        "DOCUMENT_KINDS", "KINDS", "DocumentText", "attachment_kind", "document_metadata",
        "extract_document", "needs_javascript", "sniff",
    }
    for name in documents.__all__:
        assert getattr(documents, name).__doc__ or name.isupper()


def test_document_kinds_are_kinds() -> None:
    assert set(documents.DOCUMENT_KINDS) < set(documents.KINDS)
