"""The verification progress line reads as English and never announces "0 declaration(s)"."""

from server.documents import verify_message


def test_counts_are_plural_only_when_more_than_one() -> None:
    assert verify_message(3, full=True) == "3 declarations"
    assert verify_message(1, full=False) == "1 declaration changed"
    assert verify_message(2, full=False) == "2 declarations changed"
    assert verify_message(0, full=False) == "nothing changed: earlier results kept"
    assert "(s)" not in "".join(verify_message(n, full=f) for n in range(3) for f in (True, False))
