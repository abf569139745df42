"""Browser tests: Playwright driving Debian's chromium against a live server (see conftest.py).

Every test in this folder is marked ``e2e``; ``-m "not e2e"`` leaves them out.
"""
