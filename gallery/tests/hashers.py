"""The tests' password hasher: production's PBKDF2 (the same algorithm and hash format) with
far fewer iterations. Production's 1.5 million cost ~0.5 s of CPU per hash, and most tests make
a user or log one in: that was minutes of a run. A hash made with fewer iterations than this one
is still re-hashed at the next login (accounts/tests/test_tokens.py checks what that keeps)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 2_000  # more than the 1 000 of the tests' "older Django" hashes
