"""The collection service (`vrapport serve`): departments upload their workbooks and see the
findings at once; the controller follows who has delivered, approves, returns and builds.

`ledger` holds the SQLite ledger and the content-addressed file store, `auth` the tokens and
CSRF, `engine` the one adapter to the library (check, templates, build, run isolated), `app`
the Starlette application, `commands` the CLI commands `serve`, `token` and `status`.
"""
